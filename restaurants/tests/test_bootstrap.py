from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from restaurants.models import Membership, Restaurant
from restaurants.services import bootstrap


@pytest.mark.django_db(transaction=True)
def test_migrate_leaves_restaurant_1_and_the_admin_member_of_it():
    # A transactional test starts from an emptied database that post_migrate bootstrapped.
    restaurant = Restaurant.objects.get()
    assert (restaurant.pk, restaurant.default_table_count) == (1, 5)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("password123")
    assert Membership.objects.get(user=admin).restaurant_id == 1


@pytest.mark.django_db(transaction=True)
def test_running_migrate_again_changes_nothing():
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("changed-by-the-owner")
    admin.save()
    Restaurant.objects.filter(pk=1).update(name="Renamed", default_table_count=9)

    call_command("migrate", verbosity=0)
    bootstrap()

    assert list(Restaurant.objects.values_list("pk", "name", "default_table_count")) == [
        (1, "Renamed", 9)
    ]
    assert get_user_model().objects.count() == 1
    assert get_user_model().objects.get().check_password("changed-by-the-owner")
    assert Membership.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_next_restaurant_after_bootstrap_does_not_clash_with_id_1():
    # PostgreSQL's sequence does not move for an explicit id; bootstrap moves it.
    second = Restaurant.objects.create(name="Second")
    assert second.pk > 1
    assert Restaurant.objects.count() == 2
