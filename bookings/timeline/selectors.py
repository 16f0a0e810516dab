"""The timeline's read: the day's tables by area, their visits as bars, and the free cells.

Positions are percentages of the day's span (opening to the later of closing and the last
visit's end), so the page lays bars out with plain CSS and no script.

Cancelled and no-show bookings hold no table: they are drawn only when asked for
(`show_inactive`), on the tables they held, and the cells under them stay free.
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
    inactive: bool = False


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
    html: str = ""


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
    inactive_count: int = 0
    show_inactive: bool = False


def _pct(minute: int, start: int, span: int) -> float:
    return round((minute - start) * 100 / span, 3)


def day_timeline(*, restaurant: Restaurant, date: dt.date, show_inactive: bool = False) -> Timeline:
    """The day as the timeline shows it. Four queries: the bookings with their tables and
    guests, and the floor's tables. With `show_inactive`, cancelled and no-show bookings
    are bars too (`Bar.inactive`), over the free cells of the tables they held."""
    bookings = list(bookings_for_day(restaurant=restaurant, date=date))
    times = restaurant.slot_times()
    layout = floor.load_floor(restaurant=restaurant, date=date)
    if layout is None or not times:
        return Timeline(date, False, bookings, [], [], None, 0)

    step = restaurant.slot_minutes
    # Minutes from the date's local midnight, computed once per visit: the slow part here is
    # time-zone arithmetic, not the few rows.
    midnight = layout.midnight

    def minute_of(moment: dt.datetime) -> int:
        return int((moment - midnight).total_seconds() // 60)

    slot_minutes = [layout.slot_minute(time) for time in times]
    start = slot_minutes[0]
    active = [b for b in bookings if b.is_active]
    inactive = [b for b in bookings if not b.is_active]
    drawn = active + inactive if show_inactive else active
    spans = {b.pk: (minute_of(b.starts_at), minute_of(b.ends_at)) for b in drawn}
    end = max([slot_minutes[-1] + step, *(e for _, e in spans.values())])
    span = end - start
    now = restaurant.now()
    today = now.date()
    now_minute = minute_of(now)

    open_ids = {t.id for t in layout.tables}
    tables = [t for t in Table.objects.filter(restaurant=restaurant) if t.id in open_ids]
    rows = {t.id: Row(table=t) for t in tables}
    for booking in drawn:
        b_start, b_end = spans[booking.pk]
        bar = Bar(
            booking=booking,
            left=_pct(b_start, start, span),
            width=round((b_end - b_start) * 100 / span, 3),
            starts=f"{b_start // 60 % 24:02d}:{b_start % 60:02d}",
            ends=f"{b_end // 60 % 24:02d}:{b_end % 60:02d}",
            inactive=not booking.is_active,
        )
        for table in booking.tables.all():
            if table.id in rows:
                rows[table.id].bars.append(bar)
    width = round(step * 100 / span, 3)
    hours = [
        Cell(time, _pct(minute, start, span), width, True)
        for time, minute in zip(times, slot_minutes, strict=True)
    ]
    # A slot is over once it has ended (as `Restaurant.slot_has_ended` says).
    if date < today:
        first_open = end
    elif date > today:
        first_open = 0
    else:
        first_open = now_minute - step + 1
    for row in rows.values():
        held = [spans[b.booking.pk] for b in row.bars if not b.inactive]
        for hour, minute in zip(hours, slot_minutes, strict=True):
            taken = any(s < minute + step and minute < e for s, e in held)
            free = minute >= first_open and not taken
            row.cells.append(Cell(hour.time, hour.left, hour.width, free))

    areas: dict[str, list[Row]] = {}
    for table in tables:
        areas.setdefault(table.area, []).append(rows[table.id])
    now_left = None
    if date == today and start <= now_minute <= end:
        now_left = _pct(now_minute, start, span)
    return Timeline(
        date=date,
        described=True,
        bookings=bookings,
        areas=[Area(name, area_rows) for name, area_rows in areas.items()],
        hours=hours,
        now_left=now_left,
        # Room for each slot's label and a bar's name: the box scrolls, the page does not.
        width_rem=max(36, len(times) * 5),
        inactive_count=len(inactive),
        show_inactive=show_inactive,
    )
