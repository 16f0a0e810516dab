"""Reads of the booking core."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet

from bookings import slot_cache
from bookings.models import Booking
from restaurants.models import Restaurant


def slot_counts(*, restaurant: Restaurant, date: dt.date) -> dict[str, int]:
    """Active bookings per slot on a date: one aggregate query."""
    return dict(
        Booking.objects.filter(restaurant=restaurant, date=date, status__in=Booking.ACTIVE_STATUSES)
        .values_list("time_slot")
        .annotate(n=Count("id"))
        .order_by()
    )


def slots_for_day_uncached(*, restaurant: Restaurant, date: dt.date) -> list[dict]:
    tables = restaurant.table_count_on(date)
    booked = slot_counts(restaurant=restaurant, date=date)
    return [
        {
            "time": time,
            "booked": booked.get(time, 0),
            "free": max(tables - booked.get(time, 0), 0),
        }
        for time in restaurant.slot_times()
    ]


def slots_for_day(*, restaurant: Restaurant, date: dt.date) -> list[dict]:
    """Every slot of the day in order, `{"time", "booked", "free"}`, through the slot cache."""
    return slot_cache.read_through(
        restaurant.pk,
        date,
        lambda: slots_for_day_uncached(restaurant=restaurant, date=date),
    )


def bookings_for_day(
    *, restaurant: Restaurant, date: dt.date, statuses: list[str] | None = None
) -> QuerySet[Booking]:
    qs = Booking.objects.filter(restaurant=restaurant, date=date).select_related("guest")
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("time_slot", "created_at", "id")
