"""The timeline's read: the day's tables by area, their visits as bars, and the free cells.

Positions are percentages of the day's span (opening to the later of closing and the last
visit's end), so the page lays bars out with plain CSS and no script.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bookings.availability import floor
from bookings.models import Booking
from bookings.selectors import bookings_for_day
from restaurants.models import Restaurant, Table


@dataclass
class Bar:
    booking: Booking
    left: float
    width: float
    starts: str
    ends: str


@dataclass
class Cell:
    time: str
    left: float
    width: float
    free: bool


@dataclass
class Row:
    table: Table
    bars: list[Bar] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Area:
    name: str
    rows: list[Row]


@dataclass
class Timeline:
    date: dt.date
    described: bool
    bookings: list[Booking]
    areas: list[Area]
    hours: list[Cell]
    now_left: float | None
    width_rem: int


def _pct(minute: int, start: int, span: int) -> float:
    return round((minute - start) * 100 / span, 3)


def day_timeline(*, restaurant: Restaurant, date: dt.date) -> Timeline:
    """The day as the timeline shows it. Four queries: the bookings with their tables and
    guests, and the floor's tables."""
    bookings = list(bookings_for_day(restaurant=restaurant, date=date))
    times = restaurant.slot_times()
    layout = floor.load_floor(restaurant=restaurant, date=date)
    if layout is None or not times:
        return Timeline(date, False, bookings, [], [], None, 0)

    step = restaurant.slot_minutes
    start = layout.slot_minute(times[0])
    active = [b for b in bookings if b.is_active]
    end = max([layout.slot_minute(times[-1]) + step, *(layout.minute(b.ends_at) for b in active)])
    span = end - start
    now = restaurant.now()
    today = now.date()

    open_ids = {t.id for t in layout.tables}
    tables = [t for t in Table.objects.filter(restaurant=restaurant) if t.id in open_ids]
    rows = {t.id: Row(table=t) for t in tables}
    for booking in active:
        b_start, b_end = layout.minute(booking.starts_at), layout.minute(booking.ends_at)
        for table in booking.tables.all():
            if table.id in rows:
                rows[table.id].bars.append(
                    Bar(
                        booking=booking,
                        left=_pct(b_start, start, span),
                        width=round((b_end - b_start) * 100 / span, 3),
                        starts=booking.starts_at.astimezone(restaurant.tz).strftime("%H:%M"),
                        ends=booking.ends_time,
                    )
                )
    hours = []
    for time in times:
        minute = layout.slot_minute(time)
        hours.append(Cell(time, _pct(minute, start, span), round(step * 100 / span, 3), True))
    for row in rows.values():
        held = [
            (layout.minute(b.booking.starts_at), layout.minute(b.booking.ends_at)) for b in row.bars
        ]
        for hour in hours:
            minute = layout.slot_minute(hour.time)
            over = date < today or (date == today and restaurant.slot_has_ended(date, hour.time))
            taken = any(s < minute + step and minute < e for s, e in held)
            row.cells.append(Cell(hour.time, hour.left, hour.width, not over and not taken))

    areas: dict[str, list[Row]] = {}
    for table in tables:
        areas.setdefault(table.area, []).append(rows[table.id])
    now_left = None
    if date == today:
        minute = layout.minute(now)
        if start <= minute <= end:
            now_left = _pct(minute, start, span)
    return Timeline(
        date=date,
        described=True,
        bookings=bookings,
        areas=[Area(name, area_rows) for name, area_rows in areas.items()],
        hours=hours,
        now_left=now_left,
        # Room for each slot's label and a bar's name: the box scrolls, the page does not.
        width_rem=max(36, len(times) * 5),
    )
