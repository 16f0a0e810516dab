"""Bookings and restaurants made before the outbox and the guests' e-mails keep working."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from restaurants.tests.test_migrations import back_to_latest, migrate_to, migrate_to_latest  # noqa: F401

BEFORE_OUTBOX = [
    ("bookings", "0005_no_double_booked_table"),
    ("restaurants", "0003_floor"),
    ("crm", "0001_tokens"),
]


@pytest.mark.django_db(transaction=True)  # schema changes; SQLite refuses them inside atomic
def test_a_booking_made_before_the_outbox_is_told_in_the_default_language(back_to_latest):  # noqa: F811
    from bookings.models import Booking
    from bookings.services import booking_cancel
    from crm.outbox.models import OutboxEvent
    from restaurants.models import Restaurant

    apps = migrate_to(BEFORE_OUTBOX)
    old = apps.get_model("restaurants", "Restaurant").objects.create(name="Before")
    day = dt.date.today() + dt.timedelta(days=3)
    made = apps.get_model("bookings", "Booking").objects.create(
        restaurant=old,
        date=day,
        time_slot="13:00",
        client_name="Anna",
        email="anna@example.com",
        source="page",
        starts_at=dt.datetime.combine(day, dt.time(13), tzinfo=dt.UTC),
        ends_at=dt.datetime.combine(day, dt.time(14), tzinfo=dt.UTC),
    )

    migrate_to_latest()

    restaurant = Restaurant.objects.get(pk=old.pk)
    booking = Booking.objects.get(pk=made.pk)
    assert (booking.language, booking.forgotten, restaurant.reminder_hours) == ("", False, None)
    booking_cancel(booking=booking)
    assert OutboxEvent.objects.get().kind == "booking.cancelled"
    (message,) = mail.outbox
    assert message.subject == "Your booking at Before is cancelled"
