"""Bookings made before walk-ins and the waitlist (bookings 0006) are carried forward."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from bookings.models import Booking, WaitlistEntry
from bookings.services import booking_walk_in
from restaurants.tests.test_migrations import migrate_to, migrate_to_latest

# Restaurants go back too: their later fields are not in the state this test writes with.
BEFORE = [("bookings", "0005_no_double_booked_table"), ("restaurants", "0003_floor")]


@pytest.fixture
def back_to_latest():
    yield
    migrate_to_latest()


@pytest.mark.django_db(transaction=True)  # schema changes; SQLite refuses them inside atomic
def test_bookings_of_the_previous_schema_keep_working_after_migrate(back_to_latest):
    apps = migrate_to(BEFORE)
    OldRestaurant = apps.get_model("restaurants", "Restaurant")
    OldBooking = apps.get_model("bookings", "Booking")
    place = OldRestaurant.objects.create(name="Before", default_table_count=5)
    starts = dt.datetime(2030, 6, 12, 19, 0, tzinfo=dt.UTC)
    old = OldBooking.objects.create(
        restaurant=place,
        date=dt.date(2030, 6, 12),
        time_slot="19:00",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        client_name="Anna",
        source="api",
        status="seated",
    )

    migrate_to_latest()

    booking = Booking.objects.get(pk=old.pk)
    assert (booking.client_name, booking.source, booking.status) == ("Anna", "api", "seated")
    assert booking.get_source_display() == "API"
    # The new source and the waitlist work on the migrated data.

    evening = dt.datetime.combine(booking.date, dt.time(19, 10), tzinfo=booking.restaurant.tz)
    with time_machine.travel(evening):
        walk_in = booking_walk_in(restaurant=booking.restaurant, party_size=2)
    assert walk_in.source == "walk_in"
    WaitlistEntry.objects.create(
        restaurant=booking.restaurant, date=booking.date, name="Olga", party_size=2
    )
    assert WaitlistEntry.objects.count() == 1
