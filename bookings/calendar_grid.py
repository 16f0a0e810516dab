"""The bookings page's month calendar: its grid of weeks, each day tinted by how full it is."""

from __future__ import annotations

import calendar
import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext, ngettext

from bookings.availability import month_occupancy
from restaurants.models import Restaurant

# A calendar far from today is a typo, not a plan; keep month navigation within this range.
YEARS_AROUND = 5


def day_url(date: dt.date, month: tuple[int, int] | None = None) -> str:
    params = {"date": date.isoformat()}
    if month and month != (date.year, date.month):
        params["month"] = f"{month[0]:04d}-{month[1]:02d}"
    return f"{reverse('bookings:day')}?{urlencode(params)}"


def bookings_and_guests(bookings: int, covers: int) -> str:
    """What a host counts on a day: "3 bookings, 10 guests", each in its plural form."""
    return gettext("%(bookings)s, %(guests)s") % {
        "bookings": ngettext("%(n)d booking", "%(n)d bookings", bookings) % {"n": bookings},
        "guests": ngettext("%(n)d guest", "%(n)d guests", covers) % {"n": covers},
    }


def day_label(occ: dict) -> str:
    """A calendar day's occupancy in words: closed, no bookings, or bookings and guests."""
    if occ["closed"]:
        return gettext("closed")
    if not occ["booked"]:
        return gettext("no bookings")
    return bookings_and_guests(occ["booked"], occ.get("covers", 0))


def booking_url(booking) -> str:
    """A booking's row on its day's list, picked out."""
    query = urlencode({"date": booking.date.isoformat(), "booking": booking.pk})
    return f"{reverse('bookings:day')}?{query}#booking-{booking.pk}"


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def occupancy_level(day: dict) -> str:
    if day["closed"]:
        return "closed"
    ratio = day["ratio"]
    if day["booked"] == 0:
        return "empty"
    if ratio >= 1:
        return "full"
    if ratio >= 0.75:
        return "high"
    if ratio >= 0.4:
        return "mid"
    return "low"


def month_grid(
    restaurant: Restaurant, date: dt.date, month: tuple[int, int], today: dt.date
) -> dict:
    year, month_no = month
    occupancy = month_occupancy(restaurant=restaurant, year=year, month=month_no)
    # Django counts weekdays from Sunday (0), Python's calendar from Monday (0).
    first_weekday = (int(formats.get_format("FIRST_DAY_OF_WEEK")) - 1) % 7
    # The calendar is one tab stop (WAI-ARIA date grid): the chosen day, or the month's
    # today, or its first day; arrow keys move from there (static/js/app.js).
    in_month = [d for d in occupancy if d.year == year and d.month == month_no]
    tab_day = next((d for d in (date, today) if d in occupancy), min(in_month, default=None))
    weeks = []
    for week in calendar.Calendar(first_weekday).monthdatescalendar(year, month_no):
        cells = []
        for day in week:
            occ = occupancy.get(day)
            cells.append(
                {
                    "date": day,
                    "in_month": occ is not None,
                    "past": day < today,
                    "today": day == today,
                    "selected": day == date,
                    "occ": occ,
                    "level": occupancy_level(occ) if occ else "",
                    "label": day_label(occ) if occ else "",
                    "tab_stop": day == tab_day,
                    "url": day_url(day),
                }
            )
        weeks.append(cells)
    prev_month = shift_month(year, month_no, -1)
    next_month = shift_month(year, month_no, 1)
    low, high = today.year - YEARS_AROUND, today.year + YEARS_AROUND
    return {
        "month_start": dt.date(year, month_no, 1),
        "weekdays": [cell["date"] for cell in weeks[0]],
        "weeks": weeks,
        "prev_url": day_url(date, prev_month) if prev_month[0] >= low else "",
        "next_url": day_url(date, next_month) if next_month[0] <= high else "",
        "calendar_url": day_url(date, month),
        "today_url": day_url(today),
    }
