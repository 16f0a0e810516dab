"""The run sheet: a day's bookings laid out for paper, without navigation or buttons."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from bookings.calendar_grid import bookings_and_guests
from bookings.forms import parse_date
from bookings.models import Booking
from bookings.selectors import bookings_for_day
from restaurants.current import PageRequest, restaurant_required


@restaurant_required
def run_sheet(request: PageRequest) -> HttpResponse:
    """The chosen day's bookings that still hold a table, in time order, one line each."""
    restaurant = request.restaurant
    date = parse_date(request.GET.get("date")) or restaurant.today()
    bookings = list(
        bookings_for_day(restaurant=restaurant, date=date, statuses=list(Booking.ACTIVE_STATUSES))
    )
    freed = Booking.objects.filter(restaurant=restaurant, date=date).exclude(
        status__in=Booking.ACTIVE_STATUSES
    )
    context = {
        "date": date,
        "bookings": bookings,
        "summary": bookings_and_guests(len(bookings), sum(b.party_size for b in bookings)),
        "freed": freed.count(),
        "printed_at": restaurant.now(),
    }
    return render(request, "bookings/run_sheet.html", context)
