"""Availability: the one answer to "is there room, and where".

`rules` holds the rules as plain code; `slots` reads what they need (through the slot cache,
`cache`, and the written SQL of `queries`) and answers pages, API, assistant and the booking
core alike. Import from here.
"""

from __future__ import annotations

from bookings.availability.queries import lock_restaurant, lock_restaurant_row
from bookings.availability.slots import (
    MAX_DAYS_AHEAD,
    bookable_slots,
    check_bookable,
    check_date,
    check_free_table,
    check_pacing,
    current_slot,
    day_slots_for_booking,
    month_occupancy,
    quoted_wait,
    slots_for_day,
    slots_for_day_uncached,
    slots_json_for_day_by_id,
    tables_on,
    week_occupancy,
)

__all__ = [
    "MAX_DAYS_AHEAD",
    "bookable_slots",
    "check_bookable",
    "check_date",
    "check_free_table",
    "check_pacing",
    "current_slot",
    "day_slots_for_booking",
    "lock_restaurant",
    "lock_restaurant_row",
    "month_occupancy",
    "quoted_wait",
    "slots_for_day",
    "slots_for_day_uncached",
    "slots_json_for_day_by_id",
    "tables_on",
    "week_occupancy",
]
