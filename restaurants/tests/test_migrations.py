"""Migrations carry restaurants made with an earlier schema forward."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from restaurants.models import Restaurant

BEFORE_NULLABLE_TEXTS = [("restaurants", "0001_initial")]
NULLABLE_TEXTS = [("restaurants", "0002_nullable_brief_settings")]


def migrate_to(targets):
    """Migrate the test database to `targets`; the apps of that state, for historical models."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    migrate_to(executor.loader.graph.leaf_nodes())


@pytest.fixture
def back_to_latest():
    yield
    migrate_to_latest()


@pytest.mark.django_db(transaction=True)  # schema changes; SQLite refuses them inside atomic
def test_texts_set_before_nullable_settings_stay_and_empty_ones_become_null(back_to_latest):
    old = migrate_to(BEFORE_NULLABLE_TEXTS).get_model("restaurants", "Restaurant")
    texts = old.objects.create(
        name="With texts",
        host_choice="maxim",
        greeting_text="Good evening!",
        info_text="Terrace in summer.",
    )
    blank = old.objects.create(name="Never set")  # the old schema stored "" for "no text"

    migrate_to_latest()

    texts, blank = Restaurant.objects.get(pk=texts.pk), Restaurant.objects.get(pk=blank.pk)
    assert (texts.host_choice, texts.greeting_text, texts.info_text) == (
        "maxim",
        "Good evening!",
        "Terrace in summer.",
    )
    assert (blank.host_choice, blank.greeting_text, blank.info_text) == (None, None, None)
    assert (texts.name, texts.default_table_count, blank.slot_times()) == (
        "With texts",
        5,
        [f"{h}:00" for h in range(12, 23)],
    )


@pytest.mark.django_db(transaction=True)
def test_going_back_before_nullable_settings_stores_cleared_texts_as_empty(back_to_latest):
    cleared = Restaurant.objects.create(name="Cleared", greeting_text=None, info_text="Kept")
    old = migrate_to(BEFORE_NULLABLE_TEXTS).get_model("restaurants", "Restaurant")
    row = old.objects.get(pk=cleared.pk)
    assert (row.host_choice, row.greeting_text, row.info_text) == ("", "", "Kept")


BEFORE_FLOOR = [
    ("bookings", "0003_idempotency_keys"),
    ("restaurants", "0002_nullable_brief_settings"),
]


@pytest.mark.django_db(transaction=True)
def test_bookings_made_before_the_floor_keep_working_on_the_v1_floor(back_to_latest):
    """A restaurant of the previous version: its bookings get their one-slot visit in its own
    time zone, it has no tables, and it books and counts exactly as before."""
    import datetime as dt

    from bookings.availability import slots_for_day
    from bookings.models import Booking
    from bookings.services import booking_create

    apps = migrate_to(BEFORE_FLOOR)
    OldRestaurant = apps.get_model("restaurants", "Restaurant")
    OldBooking = apps.get_model("bookings", "Booking")
    old = OldRestaurant.objects.create(
        name="Before", default_table_count=2, time_zone="Asia/Tokyo", slot_minutes=90
    )
    day = dt.date.today() + dt.timedelta(days=3)
    made = OldBooking.objects.create(
        restaurant=old, date=day, time_slot="13:30", client_name="Aiko", source="page"
    )

    migrate_to_latest()

    restaurant = Restaurant.objects.get(pk=old.pk)
    booking = Booking.objects.get(pk=made.pk)
    assert booking.starts_at.astimezone(restaurant.tz).strftime("%Y-%m-%d %H:%M") == (
        f"{day:%Y-%m-%d} 13:30"
    )
    assert booking.ends_at - booking.starts_at == dt.timedelta(minutes=90)
    assert (restaurant.tables.count(), list(booking.tables.all())) == (0, [])
    booking_create(restaurant=restaurant, date=day, time_slot="13:30", client_name="Ken")
    at = {
        s["time"]: (s["booked"], s["free"]) for s in slots_for_day(restaurant=restaurant, date=day)
    }
    assert at["13:30"] == (2, 0)
    assert at["12:00"] == (0, 2)


BEFORE_ONLINE = [("restaurants", "0003_floor")]


@pytest.mark.django_db(transaction=True)
def test_restaurants_made_before_online_booking_get_unique_slugs_and_stay_offline(back_to_latest):
    old = migrate_to(BEFORE_ONLINE).get_model("restaurants", "Restaurant")
    first = old.objects.create(name="Blue Door", default_table_count=4)
    twin = old.objects.create(name="Blue Door")
    cyrillic = old.objects.create(name="Синяя дверь")
    nameless = old.objects.create(name="!!!")

    migrate_to_latest()

    rows = {
        r.pk: r
        for r in Restaurant.objects.filter(pk__in=[first.pk, twin.pk, cyrillic.pk, nameless.pk])
    }
    assert [rows[r.pk].slug for r in (first, twin, cyrillic)] == [
        "blue-door",
        "blue-door-2",
        "sinyaya-dver",
    ]
    # The first-run restaurant may be called "Restaurant" already: then this one is -2.
    assert rows[nameless.pk].slug in ("restaurant", "restaurant-2")
    slugs = list(Restaurant.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs))
    assert not any(r.online_booking for r in rows.values())
    assert rows[first.pk].default_table_count == 4
    assert Restaurant.objects.create(name="Blue Door").slug == "blue-door-3"
