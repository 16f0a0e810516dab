"""Reads of the waitlist."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from bookings.models import WaitlistEntry
from restaurants.models import Restaurant


def waitlist_for_day(
    *, restaurant: Restaurant, date: dt.date, waiting_only: bool = False
) -> list[WaitlistEntry]:
    """The day's waitlist by arrival, each entry with `waited_minutes`: until now while it
    waits, until it was seated or left otherwise."""
    qs: QuerySet[WaitlistEntry] = WaitlistEntry.objects.filter(
        restaurant=restaurant, date=date
    ).select_related("booking")
    if waiting_only:
        qs = qs.filter(status=WaitlistEntry.Status.WAITING)
    return with_waits(list(qs.order_by("created_at", "id")))


def with_waits(entries: list[WaitlistEntry]) -> list[WaitlistEntry]:
    """Each entry with `waited_minutes` (until now, or until it was seated or left) and
    `over_quote` (still waiting past its quote)."""
    now = timezone.now()
    for entry in entries:
        until = entry.resolved_at or now
        entry.waited_minutes = max(0, int((until - entry.created_at).total_seconds() // 60))
        entry.over_quote = (
            entry.status == WaitlistEntry.Status.WAITING
            and entry.quoted_minutes is not None
            and entry.waited_minutes > entry.quoted_minutes
        )
    return entries


def waitlist_entry_for_user(*, entry_id: int, restaurant_ids) -> WaitlistEntry | None:
    """An entry of one of these restaurants, or None (another restaurant's is none too)."""
    return (
        WaitlistEntry.objects.select_related("restaurant", "booking")
        .filter(pk=entry_id, restaurant_id__in=restaurant_ids)
        .first()
    )
