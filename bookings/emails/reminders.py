"""Reminders: a set number of hours before a visit (a restaurant's `reminder_hours`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from bookings.models import Booking
from crm.outbox import services as outbox
from crm.outbox.models import EventKind
from restaurants.models import Restaurant


def reminder_key(booking: Booking) -> str:
    """One reminder per booking and visit time: a booking moved gets one for its new time."""
    return f"reminder:{booking.pk}:{booking.starts_at.astimezone(dt.UTC):%Y%m%dT%H%M}"


def reminders_due(*, now: dt.datetime | None = None) -> int:
    """Record a reminder event for every confirmed booking with an address whose visit starts
    within its restaurant's reminder hours from `now`, unless it has one for that time."""
    now = now or timezone.now()
    recorded = 0
    for restaurant in Restaurant.objects.filter(reminder_hours__isnull=False):
        bookings = Booking.objects.filter(
            restaurant=restaurant,
            status=Booking.Status.CONFIRMED,
            forgotten=False,
            starts_at__gt=now,
            starts_at__lte=now + dt.timedelta(hours=restaurant.reminder_hours),
        ).exclude(email="")
        for booking in bookings.only("pk", "restaurant_id", "starts_at"):
            with transaction.atomic():
                event = outbox.event_record(
                    kind=EventKind.BOOKING_REMINDER,
                    restaurant_id=restaurant.pk,
                    subject_id=booking.pk,
                    payload={"starts_at": booking.starts_at.isoformat()},
                    dedupe_key=reminder_key(booking),
                )
            recorded += event is not None
    return recorded
