"""A described floor as the seating engine reads it, and the seating of one booking.

A restaurant with tables (`restaurants.Table`) has a described floor: each booking holds real
tables for its visit (its time plus the visit length of its party), chosen by
`seating.best_fit` or by the host, and refused when they are taken for any minute of it. A
restaurant without tables keeps the v1 floor of `default_table_count` identical tables per slot
(`slots.check_free_table`).

A date's table override on a described floor keeps the first N active tables by display order
open that day and closes the rest (for a terrace closed by rain, say, put the terrace last).

Times handed to `seating` are minutes from the date's local midnight.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings.availability import seating
from bookings.availability.seating import TableSpec, Visit
from bookings.exceptions import BookingInvalid, SlotFull
from bookings.models import Booking, BookingTable
from restaurants.models import Restaurant, Table, TableCountOverride, VisitLength

# The exclusion constraint of bookings migration 0005.
OVERLAP_CONSTRAINT = "booked_table_no_overlap"


@dataclass(frozen=True)
class Floor:
    """The open tables of one date, the visit lengths and the pacing: all a seating needs."""

    restaurant: Restaurant
    date: dt.date
    tables: tuple[TableSpec, ...]
    visit_rules: tuple[tuple[int | None, int], ...]

    @property
    def midnight(self) -> dt.datetime:
        return dt.datetime.combine(self.date, dt.time(0, 0), tzinfo=self.restaurant.tz)

    def minute(self, moment: dt.datetime) -> int:
        return int((moment - self.midnight).total_seconds() // 60)

    def moment(self, minute: int) -> dt.datetime:
        # Wall-clock minutes: a visit across a change of clocks keeps its length in minutes.
        return self.midnight + dt.timedelta(minutes=minute)

    def slot_minute(self, time_slot: str) -> int:
        hours, minutes = map(int, time_slot.split(":"))
        return hours * 60 + minutes

    def visit_length(self, party_size: int) -> int:
        return seating.visit_minutes(
            self.visit_rules, party_size, default=self.restaurant.slot_minutes
        )

    @property
    def pacing(self) -> int | None:
        return self.restaurant.pacing_covers


UNREAD = object()


def load_floor(*, restaurant: Restaurant, date: dt.date, override: object = UNREAD) -> Floor | None:
    """The date's floor, or None when the restaurant has no tables (the v1 floor). Pass the
    date's table `override` when it is already read."""
    rows = list(
        Table.objects.filter(restaurant=restaurant).values_list(
            "id", "name", "min_seats", "max_seats", "combination_group", "position", "is_active"
        )
    )
    if not rows:
        return None
    tables = [
        TableSpec(id=i, name=n, min_seats=lo, max_seats=hi, group=g, position=p)
        for i, n, lo, hi, g, p, active in rows
        if active
    ]
    if override is UNREAD:
        override = (
            TableCountOverride.objects.filter(restaurant=restaurant, date=date)
            .values_list("table_count", flat=True)
            .first()
        )
    if isinstance(override, int):
        tables = sorted(tables, key=lambda t: (t.position, t.id))[:override]
    rules = tuple(
        VisitLength.objects.filter(restaurant=restaurant)
        .values_list("up_to_party", "minutes")
        .order_by()
    )
    return Floor(restaurant=restaurant, date=date, tables=tuple(tables), visit_rules=rules)


def day_visits(floor: Floor) -> list[Visit]:
    """The active visits that hold a table of the restaurant on the floor's date: those that
    start that day and those of the day before that run past midnight. One query."""
    rows = (
        BookingTable.objects.filter(
            booking__restaurant_id=floor.restaurant.pk,
            active=True,
            ends_at__gt=floor.midnight,
            starts_at__lt=floor.midnight + dt.timedelta(days=1, hours=12),
        )
        .values_list("booking_id", "table_id", "starts_at", "ends_at", "booking__party_size")
        .order_by()
    )
    visits: dict[int, list] = {}
    tables: dict[int, set[int]] = defaultdict(set)
    for booking_id, table_id, starts_at, ends_at, party in rows:
        visits[booking_id] = [floor.minute(starts_at), floor.minute(ends_at), party]
        tables[booking_id].add(table_id)
    return [
        Visit(
            booking_id=booking_id,
            starts=starts,
            ends=ends,
            party_size=party,
            table_ids=frozenset(tables[booking_id]),
        )
        for booking_id, (starts, ends, party) in visits.items()
    ]


def pacing_message(*, limit: int, time_slot: str, party: int) -> str:
    return _("At most %(limit)d guests may start at %(time)s; no room for %(party)d more.") % {
        "limit": limit,
        "time": time_slot,
        "party": party,
    }


def day_slots(floor: Floor, visits: list[Visit], *, party: int | None = None) -> list[dict]:
    """The day's slots as the v1 API shows them, on a described floor: `booked` counts the open
    tables a visit holds at each slot's start; with `party`, `available` whether the engine
    would seat that party then (tables, visit length, pacing)."""
    times = floor.restaurant.slot_times()
    starts = [floor.slot_minute(time) for time in times]
    open_ids = {table.id for table in floor.tables}
    slots = []
    for time, start in zip(times, starts, strict=True):
        held = seating.tables_held_at(visits, start, open_ids)
        slots.append({"time": time, "booked": held, "free": max(len(open_ids) - held, 0)})
    if party is not None:
        available = seating.slot_availability(
            floor.tables,
            visits,
            starts,
            party,
            visit_length=floor.visit_length(party),
            pacing_limit=floor.pacing,
        )
        for slot, flag in zip(slots, available, strict=True):
            slot["available"] = flag
    return slots


def _times(minutes: list[int]) -> str:
    times = [f"{m // 60 % 24:02d}:{m % 60:02d}" for m in minutes]
    return (
        times[0]
        if len(times) == 1
        else _("%(first)s and %(last)s")
        % {
            "first": ", ".join(times[:-1]),
            "last": times[-1],
        }
    )


def no_table_message(floor: Floor, visits: list[Visit], *, party_size: int, time_slot: str) -> str:
    """ "No table for 6 at 19:00; free for 6 at 20:30 and 21:00", the alternatives being the
    nearest times that day that the engine would accept now."""
    starts = [floor.slot_minute(t) for t in floor.restaurant.slot_times()]
    available = seating.slot_availability(
        floor.tables,
        visits,
        starts,
        party_size,
        visit_length=floor.visit_length(party_size),
        pacing_limit=floor.pacing,
    )
    now = floor.restaurant.now()
    after = None
    if floor.date == now.date():
        after = now.hour * 60 + now.minute - floor.restaurant.slot_minutes + 1
    elif floor.date < now.date():
        after = 24 * 60 * 2
    nearest = sorted(
        seating.nearest_starts(
            available, starts, floor.slot_minute(time_slot), limit=2, after=after
        )
    )
    asked = {"party": party_size, "time": time_slot}
    if not nearest:
        return _("No table for %(party)d at %(time)s, nor at another time that day.") % asked
    return _("No table for %(party)d at %(time)s; free for %(party)d at %(times)s.") % {
        **asked,
        "times": _times(nearest),
    }


REFUSALS = {
    "unknown_table": lambda names: _("No such table here, or not in use that day."),
    "taken": lambda names: ngettext(
        "Table %(names)s is taken for part of that visit.",
        "Tables %(names)s are taken for part of that visit.",
        len(names),
    ),
    "too_small": lambda names: _("Too few seats at %(names)s for the party."),
    "too_large": lambda names: _("Table %(names)s is for larger parties."),
    "not_combinable": lambda names: _("Tables %(names)s cannot be pushed together."),
}


@dataclass(frozen=True)
class Seating:
    tables: tuple[TableSpec, ...]
    starts_at: dt.datetime
    ends_at: dt.datetime


def seat(
    floor: Floor,
    *,
    time_slot: str,
    party_size: int,
    table_ids: list[int] | None = None,
    override_size: bool = False,
    exclude_booking: int | None = None,
    starts: int | None = None,
) -> Seating:
    """Tables for a visit of `party_size` from `time_slot`, or an error having written nothing.

    Call it holding the restaurant's lock. The host's own `table_ids` are checked (taken is
    never overridable; size is with `override_size`); else the best fit. A walk-in's visit
    `starts` at the minute of now rather than at its slot's start. SlotFull (409) when
    nothing fits or the slot's pacing is reached; BookingInvalid (400) for a wrong pick.
    """
    if starts is None:
        starts = floor.slot_minute(time_slot)
    ends = starts + floor.visit_length(party_size)
    visits = [v for v in day_visits(floor) if v.booking_id != exclude_booking]
    if not seating.pacing_allows(visits, starts, party_size, floor.pacing):
        raise SlotFull(
            pacing_message(limit=floor.pacing or 0, time_slot=time_slot, party=party_size)
        )
    busy = seating.busy_tables(visits, starts, ends)
    if table_ids:
        try:
            chosen = seating.check_tables(
                floor.tables, table_ids, party_size, busy, override_size=override_size
            )
        except seating.SeatingRefused as refused:
            names = [t.name for t in floor.tables if t.id in refused.table_ids]
            message = REFUSALS[refused.code](names) % {"names": ", ".join(names)}
            if refused.code == "taken":
                raise SlotFull(message) from None
            raise BookingInvalid("table_ids", message) from None
    else:
        chosen = seating.best_fit(floor.tables, party_size, busy)
        if chosen is None:
            raise SlotFull(
                no_table_message(floor, visits, party_size=party_size, time_slot=time_slot)
            )
    return Seating(tables=chosen, starts_at=floor.moment(starts), ends_at=floor.moment(ends))


def hold_tables(booking: Booking, tables: tuple[TableSpec, ...], *, fresh: bool = False) -> None:
    """The booking's tables are these, for its visit, from now on (`fresh`: it held none)."""
    if not fresh:
        BookingTable.objects.filter(booking=booking).delete()
    if not tables:
        return
    BookingTable.objects.bulk_create(
        BookingTable(
            booking=booking,
            table_id=table.id,
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            active=booking.is_active,
        )
        for table in tables
    )


def is_table_overlap(exc: IntegrityError) -> bool:
    """Whether PostgreSQL refused a write for double-booking a table (the last line)."""
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == OVERLAP_CONSTRAINT


def overlap_refusal(date: dt.date, time_slot: str) -> SlotFull:
    return SlotFull(
        _("That table was taken at %(time)s on %(date)s a moment ago; try again.")
        % {"time": time_slot, "date": date_format(date, "SHORT_DATE_FORMAT")}
    )
