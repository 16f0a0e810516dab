"""What a guest may book online: the seating engine's answer, within the restaurant's rules.

The times are `bookings.availability.bookable_slots` for the party (the same answer as the
API's `?party_size=`, through the same slot cache), less those inside the minimum notice or
beyond the days ahead the restaurant allows online.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.http import Http404
from django.utils import formats

from bookings.availability import bookable_slots
from restaurants.models import Restaurant

# How many other times or days a guest is offered when the one asked for is full.
ALTERNATIVES = 4


def online_restaurant(slug: str) -> Restaurant:
    """The restaurant whose page this is; 404 when there is none or it does not book online."""
    restaurant = Restaurant.objects.filter(slug=slug, online_booking=True).first()
    if restaurant is None:
        raise Http404("No such booking page.")
    return restaurant


def first_online_moment(restaurant: Restaurant) -> dt.datetime:
    """The earliest start a guest may book now (the minimum notice from now)."""
    return restaurant.now() + dt.timedelta(minutes=restaurant.online_min_notice_minutes)


def last_online_date(restaurant: Restaurant) -> dt.date:
    return restaurant.today() + dt.timedelta(days=restaurant.online_days_ahead)


def date_in_window(restaurant: Restaurant, date: dt.date) -> bool:
    return first_online_moment(restaurant).date() <= date <= last_online_date(restaurant)


def online_times(*, restaurant: Restaurant, date: dt.date, party: int) -> list[str]:
    """The times ("HH:MM") a party of `party` may book online on `date`, in order."""
    if party > restaurant.online_max_party or not date_in_window(restaurant, date):
        return []
    earliest = first_online_moment(restaurant)
    return [
        slot["time"]
        for slot in bookable_slots(restaurant=restaurant, date=date, party=party)
        if restaurant.slot_start(date, slot["time"]) >= earliest
    ]


def is_online_time(*, restaurant: Restaurant, date: dt.date, time_slot: str, party: int) -> bool:
    return time_slot in online_times(restaurant=restaurant, date=date, party=party)


def nearest_times(times: list[str], asked: str, count: int = ALTERNATIVES) -> list[str]:
    """The `count` times nearest to `asked`, in the order of the day."""

    def minutes(value: str) -> int:
        hours, mins = value.split(":")
        return int(hours) * 60 + int(mins)

    try:
        target = minutes(asked)
    except ValueError:
        return times[:count]
    return sorted(sorted(times, key=lambda t: abs(minutes(t) - target))[:count])


def nearest_open_dates(
    *, restaurant: Restaurant, date: dt.date, party: int, count: int = ALTERNATIVES
) -> list[dt.date]:
    """The dates nearest to `date` (after it first) that have a time for the party."""
    found: list[dt.date] = []
    first, last = first_online_moment(restaurant).date(), last_online_date(restaurant)
    for offset in range(1, (last - first).days + 2):
        for day in (date + dt.timedelta(days=offset), date - dt.timedelta(days=offset)):
            if first <= day <= last and online_times(restaurant=restaurant, date=day, party=party):
                found.append(day)
        if len(found) >= count:
            break
    return sorted(found[:count])


def month_days(
    *, restaurant: Restaurant, party: int, month: tuple[int, int], chosen: dt.date | None
) -> dict:
    """A month's grid of weeks for the date step: each day open (a time for the party) or not."""
    year, month_no = month
    first_weekday = (int(formats.get_format("FIRST_DAY_OF_WEEK")) - 1) % 7
    first, last = first_online_moment(restaurant).date(), last_online_date(restaurant)
    weeks = []
    for week in calendar.Calendar(first_weekday).monthdatescalendar(year, month_no):
        cells = []
        for day in week:
            in_month = day.month == month_no
            open_ = (
                in_month
                and first <= day <= last
                and bool(online_times(restaurant=restaurant, date=day, party=party))
            )
            cells.append(
                {"date": day, "in_month": in_month, "open": open_, "selected": day == chosen}
            )
        weeks.append(cells)
    return {
        "month_start": dt.date(year, month_no, 1),
        "weekdays": [cell["date"] for cell in weeks[0]],
        "weeks": weeks,
        "has_prev": dt.date(year, month_no, 1) > first,
        "has_next": dt.date(year, month_no, calendar.monthrange(year, month_no)[1]) < last,
    }
