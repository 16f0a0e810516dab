"""The timeline page: the day's tables across its hours, with the host's desk beside it."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from bookings.forms import parse_date
from bookings.timeline.html import write_tracks
from bookings.timeline.selectors import day_timeline
from bookings.waitlist.views import desk_context
from restaurants.current import PageRequest, restaurant_required

# Cancelled and no-show bookings drawn too: a query parameter, so the choice is in the URL.
SHOW_INACTIVE = "inactive=show"


def timeline_url(date: dt.date, *, show_inactive: bool = False) -> str:
    url = f"{reverse('bookings:timeline')}?date={date.isoformat()}"
    return f"{url}&{SHOW_INACTIVE}" if show_inactive else url


@restaurant_required
def timeline(request: PageRequest) -> HttpResponse:
    """The timeline of `?date=` (today without one); `&inactive=show` draws the cancelled and
    no-show bookings too. An HTMX request for the board gets the board alone, which is what
    the page swaps when bookings change."""
    restaurant = request.restaurant
    today = restaurant.today()
    date = parse_date(request.GET.get("date")) or today
    if abs((date - today).days) > 800:
        date = today
    show = request.GET.get("inactive") == "show"
    board = day_timeline(restaurant=restaurant, date=date, show_inactive=show)
    write_tracks([row for area in board.areas for row in area.rows], date=date)
    context = {
        "timeline": board,
        "date": date,
        "today": today,
        "is_today": date == today,
        "show_inactive": show,
        "this_url": timeline_url(date, show_inactive=show),
        "toggle_inactive_url": timeline_url(date, show_inactive=not show),
        "prev_url": timeline_url(date - dt.timedelta(days=1), show_inactive=show),
        "next_url": timeline_url(date + dt.timedelta(days=1), show_inactive=show),
        "today_url": timeline_url(today, show_inactive=show),
        "day_list_url": f"{reverse('bookings:day')}?date={date.isoformat()}",
        "book_url": reverse("bookings:new"),
    }
    if request.htmx and request.htmx.target == "timeline-board":
        response = render(request, "bookings/timeline.html#timeline-board", context)
    else:
        context.update(desk_context(request))
        response = render(request, "bookings/timeline.html", context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
