"""Reads of the booking core."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator

import phonenumbers
from django.db.models import CharField, Count, Max, Min, Q, QuerySet, Sum, Value

from bookings import queries, slot_cache
from bookings.models import Booking, Guest
from restaurants.models import Restaurant, TableCountOverride


def slot_counts(*, restaurant: Restaurant, date: dt.date) -> dict[str, int]:
    """Active bookings per slot on a date: one aggregate query."""
    return dict(
        Booking.objects.filter(restaurant=restaurant, date=date, status__in=Booking.ACTIVE_STATUSES)
        .values_list("time_slot")
        .annotate(n=Count("id"))
        .order_by()
    )


def slots_for_day_uncached(*, restaurant: Restaurant, date: dt.date) -> list[dict]:
    """The day's slots from the database in one query: the counts and the day's table override."""
    booked, override = queries.day_counts_and_override(restaurant_id=restaurant.pk, date=date)
    tables = restaurant.default_table_count if override is None else override
    return [
        {
            "time": time,
            "booked": booked.get(time, 0),
            "free": max(tables - booked.get(time, 0), 0),
        }
        for time in restaurant.slot_times()
    ]


def slots_for_day(*, restaurant: Restaurant, date: dt.date) -> list[dict]:
    """Every slot of the day in order, `{"time", "booked", "free"}`, through the slot cache."""
    return slot_cache.read_through(
        restaurant.pk,
        date,
        lambda: slots_for_day_uncached(restaurant=restaurant, date=date),
    )


def slots_json_for_day_by_id(*, restaurant_id: int, date: dt.date) -> str:
    """The day's slots as JSON text, loading the restaurant only on a cache miss.

    Raises Restaurant.DoesNotExist when there is no such restaurant (and nothing is cached).
    """
    return slot_cache.read_json(
        restaurant_id,
        date,
        lambda: slots_for_day_uncached(
            restaurant=Restaurant.objects.get(pk=restaurant_id), date=date
        ),
    )


def slots_for_day_by_id(*, restaurant_id: int, date: dt.date) -> list[dict]:
    """Like `slots_for_day`, loading the restaurant only on a cache miss."""
    return json.loads(slots_json_for_day_by_id(restaurant_id=restaurant_id, date=date))


def bookings_for_day(
    *, restaurant: Restaurant, date: dt.date, statuses: list[str] | None = None
) -> QuerySet[Booking]:
    qs = Booking.objects.filter(restaurant=restaurant, date=date).select_related("guest")
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("time_slot", "created_at", "id")


def booking_by_id(*, booking_id: int) -> Booking | None:
    """A booking with its restaurant, or None. Whether the caller may see it is theirs to check."""
    return Booking.objects.select_related("restaurant").filter(pk=booking_id).first()


def _occupancy_by_date(
    *, restaurant: Restaurant, start: dt.date, end: dt.date
) -> dict[dt.date, dict]:
    """Booked tables against capacity (tables times slots) for every date in [start, end].

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
        .annotate(kind=Value("b", output_field=CharField()), n=Count("id"))
        .values_list("date", "kind", "n")
        .order_by()
    )
    overrides = (
        TableCountOverride.objects.filter(restaurant=restaurant, date__gte=start, date__lte=end)
        .annotate(kind=Value("o", output_field=CharField()))
        .values_list("date", "kind", "table_count")
        .order_by()
    )
    booked: dict[dt.date, int] = {}
    tables: dict[dt.date, int] = {}
    for date, kind, n in counts.union(overrides, all=True):
        if isinstance(date, str):  # SQLite hands back a union's dates as text
            date = dt.date.fromisoformat(date)
        (booked if kind == "b" else tables)[date] = n
    slots = len(restaurant.slot_times())
    result: dict[dt.date, dict] = {}
    day = start
    while day <= end:
        table_count = tables.get(day, restaurant.default_table_count)
        capacity = table_count * slots
        n = booked.get(day, 0)
        result[day] = {
            "date": day,
            "booked": n,
            "tables": table_count,
            "capacity": capacity,
            "ratio": min(n / capacity, 1.0) if capacity else 0.0,
            "closed": capacity == 0,
        }
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


# --- Guests ---------------------------------------------------------------------------------

VISIT_STATUSES = (Booking.Status.SEATED, Booking.Status.COMPLETED)
# Fewer digits than this match too many phones to be a search.
PHONE_DIGITS_MIN = 3


def _guest_search(search: str, *, country: str) -> Q:
    """Name, e-mail, tag or phone. A phone matches by its digits in any format: "912 345",
    "+7 (912) 345-67-89" and "89123456789" all find +79123456789."""
    search = " ".join(search.split())
    q = Q(search_text__contains=search.lower()) | Q(tag_index__contains=search.lower())
    digits = re.sub(r"\D", "", search)
    if len(digits) >= PHONE_DIGITS_MIN and not re.search(r"[^\d\s()+.-]", search):
        q |= Q(phone__contains=digits)
        # The start of a local number with its trunk prefix: "8 912…" in Russia is "+7912…".
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(country or "")
        prefix = (metadata.national_prefix or "") if metadata else ""
        if prefix and not search.startswith("+") and digits.startswith(prefix):
            code = phonenumbers.country_code_for_region(country)
            q |= Q(phone__startswith=f"+{code}{digits[len(prefix) :]}")
        try:
            number = phonenumbers.parse(search, country or None)
        except phonenumbers.NumberParseException:
            number = None
        if number is not None and phonenumbers.is_possible_number(number):
            q |= Q(phone=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    return q


def guests_with_history(
    *, restaurant: Restaurant, search: str = "", tag: str = ""
) -> QuerySet[Guest]:
    """The restaurant's guests, by name, each with what their bookings say: `visits` (seated or
    completed), `no_shows`, `cancellations`, `bookings_total`, `last_visit` and `next_visit`
    (dates). One query for any number of guests: the counts are aggregates over one join."""
    today = restaurant.today()
    S = Booking.Status
    qs = Guest.objects.filter(restaurant=restaurant)
    if search.strip():
        qs = qs.filter(_guest_search(search, country=restaurant.country))
    if tag.strip():
        qs = qs.filter(tag_index__contains=f"|{tag.strip().lower()}|")
    return qs.annotate(
        visits=Count("bookings", filter=Q(bookings__status__in=VISIT_STATUSES)),
        no_shows=Count("bookings", filter=Q(bookings__status=S.NO_SHOW)),
        cancellations=Count("bookings", filter=Q(bookings__status=S.CANCELLED)),
        bookings_total=Count("bookings"),
        last_visit=Max("bookings__date", filter=Q(bookings__status__in=VISIT_STATUSES)),
        next_visit=Min(
            "bookings__date",
            filter=Q(bookings__status=S.CONFIRMED, bookings__date__gte=today),
        ),
    ).order_by("name", "pk")


def guest_with_history(*, restaurant: Restaurant, guest_id: int) -> Guest | None:
    """One guest of the restaurant with the counts of `guests_with_history`, or None."""
    return guests_with_history(restaurant=restaurant).filter(pk=guest_id).first()


def guest_by_id(*, guest_id: int) -> Guest | None:
    """A guest with their restaurant, or None. Whether the caller may see it is theirs to check."""
    return Guest.objects.select_related("restaurant").filter(pk=guest_id).first()


def guest_bookings(*, guest: Guest) -> QuerySet[Booking]:
    """A guest's bookings, the newest first."""
    return Booking.objects.filter(guest=guest).order_by("-date", "-time_slot", "-id")


def guest_suggestions(*, restaurant: Restaurant, query: str, limit: int = 6) -> list[Guest]:
    """Known guests for the booking dialog, by a part of the name or of the phone."""
    query = " ".join((query or "").split())
    digits = re.sub(r"\D", "", query)
    if len(query) < 2 and len(digits) < PHONE_DIGITS_MIN:
        return []
    return list(
        Guest.objects.filter(restaurant=restaurant)
        .filter(_guest_search(query, country=restaurant.country))
        .order_by("name", "pk")[:limit]
    )


def bookings_in_range(*, restaurant: Restaurant, start: dt.date, end: dt.date) -> Iterator[Booking]:
    """The restaurant's bookings from `start` to `end` (inclusive), streamed from the database
    in chunks, so an export of a year does not sit in memory."""
    return (
        Booking.objects.filter(restaurant=restaurant, date__gte=start, date__lte=end)
        .order_by("date", "time_slot", "id")
        .iterator(chunk_size=2000)
    )
