"""The team migration carries restaurants made before it forward: they keep taking bookings."""

from __future__ import annotations

import pytest

from restaurants.models import Restaurant
from restaurants.tests.test_migrations import back_to_latest, migrate_to, migrate_to_latest

BEFORE_TEAM = [("restaurants", "0003_floor")]

__all__ = ["back_to_latest"]


@pytest.mark.django_db(transaction=True)
def test_restaurants_made_before_sign_up_stay_confirmed(back_to_latest):
    old = migrate_to(BEFORE_TEAM).get_model("restaurants", "Restaurant")
    made = old.objects.create(name="Older", default_table_count=4)

    migrate_to_latest()

    made = Restaurant.objects.get(pk=made.pk)
    assert made.confirmed is True
    assert made.require_manager_2fa is False
    assert (made.name, made.default_table_count) == ("Older", 4)
