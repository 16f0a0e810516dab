"""The rules of room as plain code: no database, no cache."""

from __future__ import annotations

import datetime as dt

import pytest

from bookings.availability import rules


@pytest.mark.parametrize(("override", "tables"), [(None, 5), (2, 2), (0, 0), (9, 9)])
def test_a_dates_own_table_count_wins_over_the_restaurants(override, tables):
    assert rules.tables_on(default=5, override=override) == tables


@pytest.mark.parametrize(("taken", "free"), [(0, True), (4, True), (5, False), (6, False)])
def test_one_more_booking_fits_while_a_table_is_free(taken, free):
    assert rules.has_free_table(tables=5, taken=taken) is free


def test_day_slots_list_every_slot_in_order_and_never_a_negative_free_count():
    slots = rules.day_slots(times=["18:00", "19:00", "20:00"], booked={"19:00": 7}, tables=5)
    assert slots == [
        {"time": "18:00", "booked": 0, "free": 5},
        {"time": "19:00", "booked": 7, "free": 0},  # tables cut below the bookings made
        {"time": "20:00", "booked": 0, "free": 5},
    ]


def test_occupancy_is_booked_tables_over_tables_times_slots():
    day = dt.date(2030, 1, 1)
    assert rules.occupancy(date=day, booked=11, tables=2, slots=11) == {
        "date": day,
        "booked": 11,
        "tables": 2,
        "capacity": 22,
        "ratio": 0.5,
        "closed": False,
    }
    full = rules.occupancy(date=day, booked=30, tables=2, slots=11)
    assert full["ratio"] == 1.0
    closed = rules.occupancy(date=day, booked=0, tables=0, slots=11)
    assert (closed["ratio"], closed["closed"]) == (0.0, True)
