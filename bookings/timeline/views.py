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


def timeline_url(date: dt.date) -> str:
    return f"{reverse('bookings:timeline')}?date={date.isoformat()}"


@restaurant_required
def timeline(request: PageRequest) -> HttpResponse:
    """The timeline of `?date=` (today without one). An HTMX request for the board gets the
    board alone, which is what the page swaps when bookings change."""
    restaurant = request.restaurant
    today = restaurant.today()
    date = parse_date(request.GET.get("date")) or today
    if abs((date - today).days) > 800:
        date = today
    board = day_timeline(restaurant=restaurant, date=date)
    write_tracks([row for area in board.areas for row in area.rows], date=date)
    context = {
        "timeline": board,
        "date": date,
        "today": today,
        "is_today": date == today,
        "this_url": timeline_url(date),
        "prev_url": timeline_url(date - dt.timedelta(days=1)),
        "next_url": timeline_url(date + dt.timedelta(days=1)),
        "today_url": timeline_url(today),
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
