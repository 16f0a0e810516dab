"""The rules of room, as plain code: given the tables and what is booked, what is free.

Nothing here reads the database, so each rule is tested on its own (`test_availability_rules`);
the readers in `bookings.availability.slots` and the booking core's check under its lock hand
these functions what they read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence


def tables_on(*, default: int, override: int | None) -> int:
    """The tables of a date: the date's own count when it has one, else the restaurant's."""
    return default if override is None else override


def has_free_table(*, tables: int, taken: int) -> bool:
    """Whether one more booking fits a slot: each active booking holds one table."""
    return taken < tables


def day_slots(*, times: Sequence[str], booked: Mapping[str, int], tables: int) -> list[dict]:
    """Every slot of a day, in order, as the v1 API shows it: `{"time", "booked", "free"}`."""
    return [
        {"time": time, "booked": booked.get(time, 0), "free": max(tables - booked.get(time, 0), 0)}
        for time in times
    ]


def occupancy(*, date: dt.date, booked: int, tables: int, slots: int) -> dict:
    """A date's booked tables against its capacity (its tables in each of its slots)."""
    capacity = tables * slots
    return {
        "date": date,
        "booked": booked,
        "tables": tables,
        "capacity": capacity,
        "ratio": min(booked / capacity, 1.0) if capacity else 0.0,
        "closed": capacity == 0,
    }
