"""What follows a change of bookings or of the room they are counted against, once committed.

Every write of the booking core, and every change of a restaurant's grid or a date's tables
(`bookings.signals`), calls one of these inside its transaction; what they do runs after the
commit, so no reader ever sees a count that was rolled back: the cached slots are dropped, and
the restaurant's change version (`live`) moves on, so its open pages refresh themselves.
Whatever else must follow a committed change of bookings belongs here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial

from django.db import transaction

from bookings import live
from bookings.availability import cache


def bookings_changed(*, restaurant_id: int, dates: Iterable[dt.date]) -> None:
    """Bookings of these dates were made or changed: their counts are new after the commit."""
    for date in set(dates):
        transaction.on_commit(partial(cache.forget, restaurant_id, date))
    transaction.on_commit(partial(live.bump, restaurant_id))


def room_changed(*, restaurant_id: int, date: dt.date | None = None) -> None:
    """A date's tables (or, without a date, the restaurant's grid or tables) changed."""
    transaction.on_commit(partial(_room_changed_after_commit, restaurant_id, date))


def _room_changed_after_commit(restaurant_id: int, date: dt.date | None) -> None:
    cache.forget(restaurant_id, date)
    live.bump(restaurant_id)


def waitlist_changed(*, restaurant_id: int) -> None:
    """A party joined, left or was seated from the waitlist."""
    transaction.on_commit(partial(live.bump, restaurant_id))
