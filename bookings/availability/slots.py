"""Is there room, and when: the day's slots, the booking window, the free-table check, and the
occupancy of dates. Pages, API and assistant read through here; `booking_create` and the other
writes of the booking core ask `check_free_table` holding the restaurant's lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import CharField, Count, IntegerField, Sum, Value
from django.utils.translation import gettext as _

from bookings.availability import cache, floor, queries, rules, seating
from bookings.exceptions import BookingInvalid, SlotFull
from bookings.models import Booking
from restaurants.models import Restaurant, TableCountOverride

# How far ahead a booking may be made.
MAX_DAYS_AHEAD = 366


def check_date(*, restaurant: Restaurant, date: dt.date) -> None:
    """BookingInvalid (naming `date`) unless bookings are open on that date."""
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise BookingInvalid("date", _("Enter a date as YYYY-MM-DD."))
    today = restaurant.today()
    if date < today:
        raise BookingInvalid("date", _("That time has already passed."))
    if (date - today).days > MAX_DAYS_AHEAD:
        raise BookingInvalid(
            "date", _("Bookings open at most %(days)d days ahead.") % {"days": MAX_DAYS_AHEAD}
        )


def check_bookable(*, restaurant: Restaurant, date: dt.date, time_slot: str) -> None:
    """BookingInvalid, naming the field, unless a booking may start then: a slot of the grid,
    on an open date, not over yet (a slot that has started but not ended takes walk-ins)."""
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise BookingInvalid("date", _("Enter a date as YYYY-MM-DD."))
    if not restaurant.has_slot(time_slot):
        raise BookingInvalid(
            "time_slot",
            _("%(slot)s is not a booking slot of this restaurant. Slots: %(slots)s.")
            % {"slot": time_slot, "slots": ", ".join(restaurant.slot_times())},
        )
    check_date(restaurant=restaurant, date=date)
    if restaurant.slot_has_ended(date, time_slot):
        raise BookingInvalid("date", _("That time has already passed."))


def check_free_table(
    *, restaurant: Restaurant, date: dt.date, time_slot: str, exclude_id: int | None = None
) -> None:
    """SlotFull unless the slot has a free table. Call it holding the restaurant's lock.

    The slot's active bookings and the day's tables are read by one statement, after the
    lock, so both are as the previous holder committed them.
    """
    taken, tables = queries.slot_taken_and_tables(
        restaurant=restaurant, date=date, time_slot=time_slot, exclude_id=exclude_id
    )
    if not rules.has_free_table(tables=tables, taken=taken):
        raise SlotFull(
            _("No free tables at %(slot)s on %(date)s.")
            % {"slot": time_slot, "date": date.isoformat()}
        )


def slots_for_day_uncached(
    *, restaurant: Restaurant, date: dt.date, party: int | None = None
) -> list[dict]:
    """The day's slots from the database: `{"time", "booked", "free"}`, and with `party` also
    `"available"`, whether a booking of that size would be accepted then (tables, visit
    length, pacing; not whether the slot is over).

    On the v1 floor one query: the counts and the day's table override. On a described floor
    `booked` counts the open tables that a visit holds at the slot's start.
    """
    booked, override, described = queries.day_counts_and_override(
        restaurant_id=restaurant.pk, date=date
    )
    layout = (
        floor.load_floor(restaurant=restaurant, date=date, override=override) if described else None
    )
    if layout is None:
        tables = rules.tables_on(default=restaurant.default_table_count, override=override)
        slots = rules.day_slots(times=restaurant.slot_times(), booked=booked, tables=tables)
        if party is not None:
            pacing = _v1_pacing(restaurant=restaurant, date=date, party=party)
            for slot in slots:
                slot["available"] = slot["free"] > 0 and pacing.get(slot["time"], True)
        return slots
    return floor.day_slots(layout, floor.day_visits(layout), party=party)


def _v1_pacing(*, restaurant: Restaurant, date: dt.date, party: int) -> dict[str, bool]:
    """On the v1 floor, whether each slot's pacing lets a party of this size start."""
    limit = restaurant.pacing_covers
    if limit is None:
        return {}
    started = queries.guests_per_slot(restaurant_id=restaurant.pk, date=date)
    return {time: started.get(time, 0) + party <= limit for time in restaurant.slot_times()}


def check_pacing(
    *,
    restaurant: Restaurant,
    date: dt.date,
    time_slot: str,
    party: int,
    exclude_id: int | None = None,
) -> None:
    """SlotFull when the restaurant's pacing leaves no room for `party` more guests to start at
    this slot (v1 floor; a described floor's engine checks its own). Hold the lock."""
    limit = restaurant.pacing_covers
    if limit is None:
        return
    started = queries.guests_per_slot(
        restaurant_id=restaurant.pk, date=date, time_slot=time_slot, exclude_id=exclude_id
    ).get(time_slot, 0)
    if started + party > limit:
        raise SlotFull(floor.pacing_message(limit=limit, time_slot=time_slot, party=party))


def slots_for_day(*, restaurant: Restaurant, date: dt.date, party: int | None = None) -> list[dict]:
    """Every slot of the day in order, `{"time", "booked", "free"}` (and `"available"` with
    `party`), through the slot cache."""
    return cache.read_through(
        restaurant.pk,
        date,
        lambda: slots_for_day_uncached(restaurant=restaurant, date=date, party=party),
        party=party,
    )


def slots_json_for_day_by_id(*, restaurant_id: int, date: dt.date, party: int | None = None) -> str:
    """The day's slots as JSON text, loading the restaurant only on a cache miss.

    Raises Restaurant.DoesNotExist when there is no such restaurant (and nothing is cached).
    """
    return cache.read_json(
        restaurant_id,
        date,
        lambda: slots_for_day_uncached(
            restaurant=Restaurant.objects.get(pk=restaurant_id), date=date, party=party
        ),
        party=party,
    )


def day_slots_for_booking(
    *, restaurant: Restaurant, date: dt.date, party: int | None = None
) -> list[dict]:
    """The day's slots, each also saying whether it is `ended` (no booking may start in it)."""
    today = restaurant.today()
    return [
        {
            **slot,
            "ended": date < today
            or (date == today and restaurant.slot_has_ended(date, slot["time"])),
        }
        for slot in slots_for_day(restaurant=restaurant, date=date, party=party)
    ]


def bookable_slots(
    *, restaurant: Restaurant, date: dt.date, party: int | None = None
) -> list[dict]:
    """The slots of the day a booking may still take: not over, with a free table (for a
    party of `party`, one the engine would seat it at)."""
    return [
        slot
        for slot in day_slots_for_booking(restaurant=restaurant, date=date, party=party)
        if not slot["ended"] and (slot["available"] if party is not None else slot["free"] > 0)
    ]


def tables_on(*, restaurant: Restaurant, date: dt.date) -> int:
    """The tables of a date: its override if there is one, else the restaurant's count."""
    override = (
        TableCountOverride.objects.filter(restaurant=restaurant, date=date)
        .values_list("table_count", flat=True)
        .first()
    )
    return rules.tables_on(default=restaurant.default_table_count, override=override)


def _occupancy_by_date(
    *, restaurant: Restaurant, start: dt.date, end: dt.date
) -> dict[dt.date, dict]:
    """Booked tables against capacity (tables times slots) for every date in [start, end],
    with the guests (`covers`) of those bookings.

    One query: the active bookings per date and the dates' table overrides travel together.
    """
    counts = (
        Booking.objects.filter(
            restaurant=restaurant,
            date__gte=start,
            date__lte=end,
            status__in=Booking.ACTIVE_STATUSES,
        )
        .values("date")
        .annotate(
            kind=Value("b", output_field=CharField()), n=Count("id"), covers=Sum("party_size")
        )
        .values_list("date", "kind", "n", "covers")
        .order_by()
    )
    overrides = (
        TableCountOverride.objects.filter(restaurant=restaurant, date__gte=start, date__lte=end)
        .annotate(
            kind=Value("o", output_field=CharField()), covers=Value(0, output_field=IntegerField())
        )
        .values_list("date", "kind", "table_count", "covers")
        .order_by()
    )
    booked: dict[dt.date, int] = {}
    covers: dict[dt.date, int] = {}
    tables: dict[dt.date, int] = {}
    for date, kind, n, guests in counts.union(overrides, all=True):
        if isinstance(date, str):  # SQLite hands back a union's dates as text
            date = dt.date.fromisoformat(date)
        (booked if kind == "b" else tables)[date] = n
        if kind == "b":
            covers[date] = guests or 0
    slots = len(restaurant.slot_times())
    result: dict[dt.date, dict] = {}
    day = start
    while day <= end:
        result[day] = rules.occupancy(
            date=day,
            booked=booked.get(day, 0),
            tables=rules.tables_on(
                default=restaurant.default_table_count, override=tables.get(day)
            ),
            slots=slots,
        )
        # The bookings that hold a table that day and their guests, as a host counts them.
        result[day]["covers"] = covers.get(day, 0)
        day += dt.timedelta(days=1)
    return result


def month_occupancy(*, restaurant: Restaurant, year: int, month: int) -> dict[dt.date, dict]:
    """Every date of a month → {"booked", "tables", "capacity", "ratio", "closed"}, one query."""
    start = dt.date(year, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return _occupancy_by_date(restaurant=restaurant, start=start, end=end)


def week_occupancy(*, restaurant: Restaurant, start: dt.date, days: int = 7) -> list[dict]:
    """The occupancy of `days` dates from `start`, in order, one query."""
    end = start + dt.timedelta(days=days - 1)
    return list(_occupancy_by_date(restaurant=restaurant, start=start, end=end).values())


def current_slot(*, restaurant: Restaurant, now: dt.datetime | None = None) -> str | None:
    """The slot running now in the restaurant (started, not ended), or None outside the hours:
    the slot a walk-in is booked in."""
    now = now or restaurant.now()
    running = [
        time
        for time in restaurant.slot_times()
        if restaurant.slot_start(now.date(), time) <= now
        and not restaurant.slot_has_ended(now.date(), time)
    ]
    return running[-1] if running else None


def quoted_wait(
    *, restaurant: Restaurant, party_size: int, ahead: Sequence[int] = ()
) -> int | None:
    """Minutes until a table frees up for a party of this size today, 0 when one is free now,
    None when none does before the last slot ends: the waitlist's quote.

    On a described floor the engine's own rules (tables, combinations, visit lengths) decide,
    the candidates being the moments visits end, and the parties `ahead` in the queue (their
    sizes, in order) take the tables that free up first for them (`seating.queued_start`); on
    the v1 floor (no tables to hold), the next slot with a free table."""
    now = restaurant.now()
    date = now.date()
    times = restaurant.slot_times()
    if not times:
        return None
    last_end = restaurant.slot_start(date, times[-1]) + dt.timedelta(
        minutes=restaurant.slot_minutes
    )
    layout = floor.load_floor(restaurant=restaurant, date=date)
    if layout is None:
        for slot in slots_for_day_uncached(restaurant=restaurant, date=date, party=party_size):
            start = restaurant.slot_start(date, slot["time"])
            if restaurant.slot_has_ended(date, slot["time"]) or not slot["available"]:
                continue
            return max(0, -int((now - start).total_seconds() // 60))  # whole minutes, up
        return None
    minute_now = layout.minute(now)
    opening = layout.slot_minute(times[0])
    start = seating.queued_start(
        layout.tables,
        floor.day_visits(layout),
        party_size,
        ahead=[(size, layout.visit_length(size)) for size in ahead],
        visit_length=layout.visit_length(party_size),
        after=max(minute_now, opening),
        before=layout.minute(last_end),
    )
    return None if start is None else start - minute_now
