"""Writes about restaurants: settings, table-count overrides, the first-run bootstrap."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction

from restaurants.models import Membership, Restaurant, TableCountOverride

logger = logging.getLogger(__name__)

SETTINGS_FIELDS = (
    "name",
    "host_choice",
    "greeting_text",
    "info_text",
    "default_table_count",
    "time_zone",
    "country",
    "opening_time",
    "closing_time",
    "slot_minutes",
)


def restaurant_update_settings(*, restaurant: Restaurant, **changes: object) -> Restaurant:
    """Change a restaurant's settings; raises ValidationError naming the field, saving nothing.

    The cached slots of every day are dropped after commit (by the model signals), since hours
    and the table count shape every day's slots.
    """
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"not settings: {sorted(unknown)}")
    for field, value in changes.items():
        setattr(restaurant, field, value)
    restaurant.full_clean()
    restaurant.save()
    return restaurant


def table_override_set(
    *, restaurant: Restaurant, date: dt.date, table_count: int, note: str = ""
) -> TableCountOverride:
    override, _ = TableCountOverride.objects.update_or_create(
        restaurant=restaurant, date=date, defaults={"table_count": table_count, "note": note}
    )
    return override


def table_override_delete(*, restaurant: Restaurant, date: dt.date) -> None:
    for override in TableCountOverride.objects.filter(restaurant=restaurant, date=date):
        override.delete()


@transaction.atomic
def bootstrap() -> None:
    """First run: restaurant id=1 with 5 tables and the admin user, a member of it.

    Creates only what is missing, so running it again changes nothing.
    """
    restaurant = None
    if not Restaurant.objects.exists():
        restaurant = Restaurant.objects.create(pk=1, name="Restaurant", default_table_count=5)
        # An explicit id does not move PostgreSQL's sequence; move it so the next one is 2.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Restaurant]):
                cursor.execute(sql)
        logger.info("Created restaurant 1")

    User = get_user_model()
    if not User.objects.filter(username=settings.ADMIN_USERNAME).exists():
        admin = User.objects.create_superuser(
            username=settings.ADMIN_USERNAME, email="", password=settings.ADMIN_PASSWORD
        )
        first = restaurant or Restaurant.objects.order_by("pk").first()
        Membership.objects.get_or_create(
            user=admin, restaurant=first, defaults={"role": Membership.Role.MANAGER}
        )
        logger.info("Created the superuser %s", settings.ADMIN_USERNAME)
