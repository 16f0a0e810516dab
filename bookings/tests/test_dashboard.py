"""The dashboard: today's numbers, per-slot and weekly occupancy, this month's outcomes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from bookings.services import booking_create, booking_set_status
from restaurants.services import table_override_set

URL = "/app/dashboard/"


@pytest.fixture
def noon(restaurant):
    # Mid-month, before the first slot ends, so every booking below is in the future.
    when = dt.datetime(2030, 6, 14, 9, 0, tzinfo=restaurant.tz)
    with time_machine.travel(when, tick=False):
        yield when.date()


def book(restaurant, date, time_slot, name, party_size=2):
    return booking_create(
        restaurant=restaurant,
        date=date,
        time_slot=time_slot,
        client_name=name,
        party_size=party_size,
    )


def test_dashboard_shows_today_the_week_and_the_month(client, manager, restaurant, noon):
    today = noon
    book(restaurant, today, "18:00", "Anna", 4)
    book(restaurant, today, "18:00", "Boris", 3)
    booking_set_status(booking=book(restaurant, today, "19:00", "Gone", 6), status="cancelled")
    booking_set_status(booking=book(restaurant, today, "20:00", "Late", 2), status="no_show")
    tomorrow = today + dt.timedelta(days=1)
    for n in range(5):
        book(restaurant, tomorrow, "12:00", f"Lunch {n}")
    table_override_set(restaurant=restaurant, date=today + dt.timedelta(days=2), table_count=0)

    client.force_login(manager)
    html = client.get(URL).content.decode()
    assert 'data-testid="today-bookings">2<' in html
    assert 'data-testid="today-covers">7<' in html
    assert 'data-testid="month-no-shows">1<' in html
    assert 'data-testid="month-cancellations">1<' in html
    slot = html.split(
        '<li class="grid grid-cols-[3.5rem_1fr_5rem] items-center gap-3 text-sm" '
        'data-slot="18:00">',
        1,
    )[1].split("</li>", 1)[0]
    assert "2 of 5" in slot and "width: 40%" in slot
    # The chart: an accessible SVG with one bar per day of the coming week.
    assert '<svg class="chart' in html and 'role="img"' in html
    assert html.count('class="chart-bar ') == 7
    slots = len(restaurant.slot_times())
    assert f'data-date="{tomorrow.isoformat()}" data-percent="{round(500 / (5 * slots))}"' in html
    assert "Share of tables booked on each of the next 7 days" in html
    upcoming = html.split('id="upcoming-title"', 1)[1]
    assert "Anna" in upcoming and "Lunch 0" in upcoming
    assert "Gone" not in upcoming and "Late" not in upcoming


def test_dashboard_queries_do_not_grow_with_bookings(
    client, manager, restaurant, noon, django_assert_max_num_queries
):
    client.force_login(manager)
    for n in range(8):
        book(restaurant, noon + dt.timedelta(days=n % 4), f"{12 + n}:00", f"Guest {n}")
    with django_assert_max_num_queries(14):
        response = client.get(URL)
    assert response.status_code == 200


def test_dashboard_numbers_use_the_russian_format(client, manager, restaurant, noon):
    client.force_login(manager)
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert ">Сводка<" in html and "14 июня 2030" in html
    assert 'viewBox="0 0 560 240"' in html  # SVG geometry keeps its decimal dots
