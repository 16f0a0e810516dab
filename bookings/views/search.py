"""Find a booking on any date by guest name, phone digits or booking number."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from bookings.calendar_grid import booking_url
from bookings.selectors import SEARCH_LIMIT, bookings_search
from restaurants.current import PageRequest, restaurant_required

QUERY_MAX = 100


@restaurant_required
def search(request: PageRequest) -> HttpResponse:
    """The results alone for HTMX (the bookings page's search box), a page without JavaScript."""
    query = " ".join(request.GET.get("q", "").split())[:QUERY_MAX]
    results = bookings_search(restaurant=request.restaurant, query=query)
    for booking in results:
        booking.day_link = booking_url(booking)
    context = {
        "query": query,
        "results": results,
        "limited": len(results) >= SEARCH_LIMIT,
        "today": request.restaurant.today(),
    }
    template = "bookings/search.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#search-results"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response
