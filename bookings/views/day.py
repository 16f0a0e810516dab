"""The bookings page: the month calendar, the chosen day's slots and its bookings, each a
partial that HTMX swaps on its own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy

from bookings.availability import day_slots_for_booking
from bookings.calendar_grid import YEARS_AROUND, bookings_and_guests, day_url, month_grid
from bookings.forms import parse_date, parse_month
from bookings.models import Booking
from bookings.selectors import bookings_for_day
from restaurants.current import PageRequest, restaurant_required
from restaurants.models import Restaurant

# The pieces of the bookings page an HTMX request may ask for, by the id of its target.
DAY_PARTS = ("day-view", "calendar", "slot-list", "day-bookings")
# The day's list without its cancelled bookings: a query parameter, so the choice is in the URL.
HIDE_CANCELLED = "cancelled=hide"
# Sent to the page after any change of bookings: its parts refresh themselves.
CHANGED_EVENT = "bookings-changed"


@dataclass(frozen=True)
class Action:
    status: str
    label: str
    confirm: bool = False


ACTIONS = (
    Action(Booking.Status.SEATED, gettext_lazy("Seated")),
    Action(Booking.Status.COMPLETED, gettext_lazy("Completed")),
    Action(Booking.Status.NO_SHOW, gettext_lazy("No-show")),
    Action(Booking.Status.CANCELLED, gettext_lazy("Cancel"), confirm=True),
)


def slot_rows(restaurant: Restaurant, date: dt.date) -> dict:
    slots = []
    for slot in day_slots_for_booking(restaurant=restaurant, date=date):
        slots.append(
            {
                **slot,
                "full": slot["free"] == 0,
                "tables": slot["booked"] + slot["free"],
                "book_url": f"{reverse('bookings:new')}?"
                + urlencode({"date": date.isoformat(), "slot": slot["time"]}),
            }
        )
    running = None
    if date == restaurant.today():
        now = restaurant.now()
        running = next(
            (s for s in slots if not s["ended"] and restaurant.slot_start(date, s["time"]) <= now),
            None,
        )
    # What a host means by "free": the tables free in the slot under way, not a day's sum.
    return {"slots": slots, "free_now": running}


def _bookings_context(restaurant: Restaurant, date: dt.date, *, hide_cancelled: bool) -> dict:
    bookings = list(bookings_for_day(restaurant=restaurant, date=date))
    today = restaurant.today()
    for booking in bookings:
        booking.actions = [a for a in ACTIONS if booking.can_change_to(a.status, today=today)]
    active = [b for b in bookings if b.is_active]
    cancelled = [b for b in bookings if b.status == Booking.Status.CANCELLED]
    if hide_cancelled:
        bookings = [b for b in bookings if b.status != Booking.Status.CANCELLED]
    url = day_url(date)
    return {
        "bookings": bookings,
        "active_count": len(active),
        "covers": sum(b.party_size for b in active),
        "day_summary": bookings_and_guests(len(active), sum(b.party_size for b in active)),
        "cancelled_count": len(cancelled),
        "hide_cancelled": hide_cancelled,
        "bookings_url": f"{url}&{HIDE_CANCELLED}" if hide_cancelled else url,
        "toggle_cancelled_url": url if hide_cancelled else f"{url}&{HIDE_CANCELLED}",
    }


@restaurant_required
def day(request: PageRequest) -> HttpResponse:
    """The bookings page: calendar, the chosen day's slots and bookings.

    An HTMX request gets only the piece its target names, so each swapped part is one partial.
    """
    restaurant = request.restaurant
    today = restaurant.today()
    date = parse_date(request.GET.get("date")) or today
    month = parse_month(request.GET.get("month")) or (date.year, date.month)
    if abs(month[0] - today.year) > YEARS_AROUND:
        month = (date.year, date.month)
    if abs(date.year - today.year) > YEARS_AROUND:
        date, month = today, (today.year, today.month)

    part = "page"
    if request.htmx and not request.htmx.history_restore_request:
        part = request.htmx.target if request.htmx.target in DAY_PARTS else "day-view"
    highlight = request.GET.get("booking", "")
    context: dict = {
        "highlight": int(highlight) if highlight.isdigit() and len(highlight) < 12 else None,
        "date": date,
        "today": today,
        "is_past_day": date < today,
        "day_url": day_url(date, month),
        "slots_url": day_url(date),
    }
    if part in ("page", "day-view", "calendar"):
        context.update(month_grid(restaurant, date, month, today))
    if part in ("page", "day-view", "slot-list"):
        context.update(slot_rows(restaurant, date))
    if part in ("page", "day-view", "day-bookings"):
        hide = request.GET.get("cancelled") == "hide"
        context.update(_bookings_context(restaurant, date, hide_cancelled=hide))
    if part == "page":
        from bookings.waitlist.views import desk_context

        context.update(desk_context(request))
    template = "bookings/day.html" if part == "page" else f"bookings/day.html#{part}"
    response = render(request, template, context)
    # The same URL answers a whole page or one part: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
