"""Reads of the booking core."""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, Count, QuerySet, Value

from bookings import slot_cache
from bookings.models import Booking
from restaurants.models import Restaurant, TableCountOverride


def slot_counts(*, restaurant: Restaurant, date: dt.date) -> dict[str, int]:
    """Active bookings per slot on a date: one aggregate query."""
    return dict(
        Booking.objects.filter(restaurant=restaurant, date=date, status__in=Booking.ACTIVE_STATUSES)
        .values_list("time_slot")
        .annotate(n=Count("id"))
        .order_by()
    )


def slots_for_day_uncached(*, restaurant: Restaurant, date: dt.date) -> list[dict]:
    """The day's slots from the database in one query: the counts and the day's table override."""
    counts = (
        Booking.objects.filter(restaurant=restaurant, date=date, status__in=Booking.ACTIVE_STATUSES)
        .values_list("time_slot")
        .annotate(n=Count("id"))
        .order_by()
    )
    # A slot is "HH:MM", so the override's row can travel under the empty key.
    override = (
        TableCountOverride.objects.filter(restaurant=restaurant, date=date)
        .annotate(key=Value("", output_field=CharField()))
        .values_list("key", "table_count")
        .order_by()
    )
    booked = dict(counts.union(override, all=True))
    tables = booked.pop("", restaurant.default_table_count)
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


def slots_for_day_by_id(*, restaurant_id: int, date: dt.date) -> list[dict]:
    """Like `slots_for_day`, loading the restaurant only on a cache miss.

    Raises Restaurant.DoesNotExist when there is no such restaurant (and nothing is cached).
    """
    return slot_cache.read_through(
        restaurant_id,
        date,
        lambda: slots_for_day_uncached(
            restaurant=Restaurant.objects.get(pk=restaurant_id), date=date
        ),
    )


def bookings_for_day(
    *, restaurant: Restaurant, date: dt.date, statuses: list[str] | None = None
) -> QuerySet[Booking]:
    qs = Booking.objects.filter(restaurant=restaurant, date=date).select_related("guest")
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("time_slot", "created_at", "id")


def booking_by_id(*, booking_id: int) -> Booking | None:
    """A booking with its restaurant, or None. Whether the caller may see it is theirs to check."""
    return Booking.objects.select_related("restaurant").filter(pk=booking_id).first()
