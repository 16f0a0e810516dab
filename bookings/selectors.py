"""Reads of bookings: a day's, one, a range, and the dashboard's counts. What is free is
answered by `bookings.availability`; the guest book's reads are in `bookings.guests`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count, Q, QuerySet, Sum

from bookings.models import Booking
from restaurants.models import Restaurant


def bookings_for_day(
    *, restaurant: Restaurant, date: dt.date, statuses: list[str] | None = None
) -> QuerySet[Booking]:
    qs = (
        Booking.objects.filter(restaurant=restaurant, date=date)
        .select_related("guest", "restaurant")
        .prefetch_related("tables")
    )
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("time_slot", "created_at", "id")


def booking_by_id(*, booking_id: int) -> Booking | None:
    """A booking with its restaurant, or None. Whether the caller may see it is theirs to check."""
    return (
        Booking.objects.select_related("restaurant")
        .prefetch_related("tables")
        .filter(pk=booking_id)
        .first()
    )


def day_totals(*, restaurant: Restaurant, date: dt.date) -> dict:
    """The day's active bookings and covers (guests expected), one aggregate query."""
    totals = Booking.objects.filter(
        restaurant=restaurant, date=date, status__in=Booking.ACTIVE_STATUSES
    ).aggregate(bookings=Count("id"), covers=Sum("party_size"))
    return {"bookings": totals["bookings"], "covers": totals["covers"] or 0}


def month_outcomes(*, restaurant: Restaurant, year: int, month: int) -> dict:
    """This month's bookings, no-shows and cancellations, one aggregate query."""
    start = dt.date(year, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    S = Booking.Status
    return Booking.objects.filter(restaurant=restaurant, date__gte=start, date__lt=end).aggregate(
        total=Count("id"),
        no_shows=Count("id", filter=Q(status=S.NO_SHOW)),
        cancellations=Count("id", filter=Q(status=S.CANCELLED)),
    )


def upcoming_bookings(*, restaurant: Restaurant, limit: int = 8) -> list[Booking]:
    """The next confirmed bookings whose slot has not ended yet, soonest first, one query."""
    now = restaurant.now()
    # A slot that started less than a slot length ago is still running: its guests may come.
    running_since = now - dt.timedelta(minutes=restaurant.slot_minutes)
    today = now.date()
    earliest = running_since.strftime("%H:%M") if running_since.date() == today else "00:00"
    return list(
        Booking.objects.filter(restaurant=restaurant, status=Booking.Status.CONFIRMED)
        .filter(Q(date__gt=today) | Q(date=today, time_slot__gt=earliest))
        .order_by("date", "time_slot", "id")[:limit]
    )


def bookings_in_range(*, restaurant: Restaurant, start: dt.date, end: dt.date) -> Iterator[Booking]:
    """The restaurant's bookings from `start` to `end` (inclusive), streamed from the database
    in chunks, so an export of a year does not sit in memory."""
    return (
        Booking.objects.filter(restaurant=restaurant, date__gte=start, date__lte=end)
        .order_by("date", "time_slot", "id")
        .iterator(chunk_size=2000)
    )


SEARCH_LIMIT = 20


def bookings_search(*, restaurant: Restaurant, query: str, limit: int = SEARCH_LIMIT) -> list:
    """The restaurant's bookings on any date by guest name, phone digits or booking number
    ("17" or "#17"): the coming ones first, soonest first, then the past, latest first."""
    from bookings.guests.selectors import phone_search

    query = " ".join(query.split())
    if not query:
        return []
    # SQLite compares only ASCII letters case-insensitively: try the usual spellings too.
    match = Q()
    for spelling in {query, query.lower(), query.title(), query.capitalize()}:
        match |= Q(client_name__icontains=spelling)
    match |= Q(guest__search_text__contains=query.lower())
    match |= phone_search(query, country=restaurant.country)
    number = query.removeprefix("#").strip()
    if number.isdigit() and len(number) <= 12:
        match |= Q(pk=int(number))
    qs = (
        Booking.objects.filter(match, restaurant=restaurant)
        .select_related("guest", "restaurant")
        .prefetch_related("tables")
    )
    today = restaurant.today()
    coming = list(qs.filter(date__gte=today).order_by("date", "time_slot", "id")[:limit])
    past = (
        list(
            qs.filter(date__lt=today).order_by("-date", "-time_slot", "-id")[: limit - len(coming)]
        )
        if len(coming) < limit
        else []
    )
    return coming + past
