"""CSV exports of guests and bookings, streamed row by row.

The rows come from database iterators and go out through a `StreamingHttpResponse`, so a large
export never sits in memory. UTF-8 with a byte-order mark, so Excel reads Cyrillic right; a cell
that Excel would run as a formula (starting with =, +, -, @, tab or carriage return) is prefixed
with a quote and stays text.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from bookings.exceptions import BookingInvalid
from bookings.guests.selectors import guests_with_history
from bookings.models import Booking, Guest
from bookings.selectors import bookings_in_range
from restaurants.models import Restaurant

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")

GUEST_COLUMNS = [
    "id",
    "name",
    "phone",
    "email",
    "tags",
    "notes",
    "visits",
    "no_shows",
    "cancellations",
    "last_visit",
    "next_visit",
    "created_at",
]
BOOKING_COLUMNS = [
    "id",
    "date",
    "time_slot",
    "client_name",
    "party_size",
    "phone",
    "email",
    "status",
    "source",
    "notes",
    "guest_id",
    "created_at",
]


def safe_cell(value: object) -> object:
    """A cell as Excel should show it: text that looks like a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    # A phone in E.164 ("+79123456789") is a number to a spreadsheet, never a formula: left as
    # it is, so a phone column reads as phones.
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not E164.match(value):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a stream."""

    def write(self, value: str) -> str:
        return value


def _lines(header: list[str], rows: Iterable[list[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(header)
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])


def guest_rows(restaurant: Restaurant) -> Iterator[list[object]]:
    guest: Guest
    for guest in guests_with_history(restaurant=restaurant).iterator(chunk_size=2000):
        yield [
            guest.pk,
            guest.name,
            guest.phone,
            guest.email,
            "; ".join(guest.tags),
            guest.notes,
            guest.visits,
            guest.no_shows,
            guest.cancellations,
            guest.last_visit,
            guest.next_visit,
            guest.created_at,
        ]


def booking_rows(restaurant: Restaurant, start: dt.date, end: dt.date) -> Iterator[list[object]]:
    booking: Booking
    for booking in bookings_in_range(restaurant=restaurant, start=start, end=end):
        yield [
            booking.pk,
            booking.date,
            booking.time_slot,
            booking.client_name,
            booking.party_size,
            booking.phone,
            booking.email,
            booking.status,
            booking.source,
            booking.notes,
            booking.guest_id,
            booking.created_at,
        ]


def csv_response(filename: str, header: list[str], rows: Iterable[list[object]]):
    response = StreamingHttpResponse(_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def guests_csv(restaurant: Restaurant) -> StreamingHttpResponse:
    filename = f"guests-{restaurant.pk}-{restaurant.today().isoformat()}.csv"
    return csv_response(filename, GUEST_COLUMNS, guest_rows(restaurant))


def bookings_csv(restaurant: Restaurant, start: dt.date, end: dt.date) -> StreamingHttpResponse:
    filename = f"bookings-{restaurant.pk}-{start.isoformat()}-{end.isoformat()}.csv"
    return csv_response(filename, BOOKING_COLUMNS, booking_rows(restaurant, start, end))


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def export_range(
    *, restaurant: Restaurant, start: dt.date | None, end: dt.date | None
) -> tuple[dt.date, dt.date]:
    """The dates to export, inclusive. Without dates, this month in the restaurant; with one,
    the rest of its month. An end before the start is refused."""
    if start is None and end is None:
        start = restaurant.today().replace(day=1)
    if start is None:
        start = end.replace(day=1)
    if end is None:
        end = _month_end(start)
    if end < start:
        raise BookingInvalid("to", _("The end date is before the start date."))
    return start, end
