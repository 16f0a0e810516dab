"""The dashboard: today's slots and totals, the week's occupancy as a chart, what comes next."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import pgettext

from bookings.availability import week_occupancy
from bookings.charts import week_chart
from bookings.selectors import day_totals, month_outcomes, upcoming_bookings
from bookings.views.day import slot_rows
from restaurants.current import PageRequest, restaurant_required


@restaurant_required
def dashboard(request: PageRequest) -> HttpResponse:
    restaurant = request.restaurant
    today = restaurant.today()
    slots = slot_rows(restaurant, today)["slots"]
    for slot in slots:
        slot["percent"] = round(100 * slot["booked"] / slot["tables"]) if slot["tables"] else 0
    week = week_occupancy(restaurant=restaurant, start=today, days=7)
    context = {
        "today": today,
        "totals": day_totals(restaurant=restaurant, date=today),
        "slots": slots,
        "week": week,
        "chart": week_chart(week, today),
        "upcoming": upcoming_bookings(restaurant=restaurant),
        "outcomes": month_outcomes(restaurant=restaurant, year=today.year, month=today.month),
        "month_start": today.replace(day=1),
        # A day and its month, short, the way the page's language writes it: "Dec 4", "4 дек".
        "short_day": pgettext("date format: day and month, short", "M j"),
    }
    return render(request, "bookings/dashboard.html", context)
