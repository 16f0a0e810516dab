"""The bookings page and the dashboard say what a host means, in both languages (defects
found in use: counts of table-slots, one form error at a time, "yet" on a past day, "4.12")."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from bookings.calendar_grid import bookings_and_guests
from bookings.models import Booking
from bookings.services import booking_create, booking_set_status

DAY = "/app/bookings/"
NEW = "/app/bookings/new/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def book(restaurant, date, time_slot="18:00", name="Anna", **extra) -> Booking:
    return booking_create(
        restaurant=restaurant, date=date, time_slot=time_slot, client_name=name, **extra
    )


@pytest.fixture
def evening(restaurant):
    """19:30 on a mid-month day, in the restaurant's time zone: the 19:00 slot is under way."""
    when = dt.datetime(2030, 6, 12, 19, 30, tzinfo=restaurant.tz)
    with time_machine.travel(when, tick=False):
        yield when.date()


@pytest.mark.parametrize(
    ("language", "bookings", "guests", "text"),
    [
        ("en", 1, 1, "1 booking, 1 guest"),
        ("en", 2, 5, "2 bookings, 5 guests"),
        ("ru", 1, 1, "1 бронь, 1 гость"),
        ("ru", 2, 3, "2 брони, 3 гостя"),
        ("ru", 5, 11, "5 броней, 11 гостей"),
        ("ru", 21, 22, "21 бронь, 22 гостя"),
        ("ru", 12, 101, "12 броней, 101 гость"),
    ],
)
def test_bookings_and_guests_in_their_plural_forms(language, bookings, guests, text):
    with translation.override(language):
        assert bookings_and_guests(bookings, guests) == text


def calendar_label(html: str, date: dt.date) -> str:
    cell = html.split(f'data-date="{date.isoformat()}"')[1]
    return cell.split('aria-label="')[1].split('"')[0]


def test_calendar_days_count_bookings_and_guests_not_table_slots(evening, host_client, restaurant):
    day = evening + dt.timedelta(days=2)
    book(restaurant, day, "18:00", "Anna", party_size=3)
    gone = book(restaurant, day, "19:00", "Gone", party_size=4)
    booking_set_status(booking=gone, status="cancelled")
    html = host_client.get(DAY, {"date": evening.isoformat()}).content.decode()
    assert calendar_label(html, day).endswith(": 1 booking, 3 guests")
    assert calendar_label(html, day + dt.timedelta(days=1)).endswith(": no bookings")
    assert "of 55" not in html

    host_client.cookies["django_language"] = "ru"
    html = host_client.get(DAY, {"date": evening.isoformat()}).content.decode()
    assert calendar_label(html, day).endswith(": 1 бронь, 3 гостя")


def test_today_says_how_many_tables_are_free_now(evening, host_client, restaurant):
    book(restaurant, evening, "19:00", "Anna")
    book(restaurant, evening, "21:00", "Boris")
    html = host_client.get(DAY).content.decode()
    free_now = html.split('data-testid="free-now">')[1].split("<")[0]
    assert free_now == "4 of 5 tables free now (19:00)"
    assert "free tables left" not in html
    assert "2 bookings, 4 guests" in html

    host_client.cookies["django_language"] = "ru"
    html = host_client.get(DAY).content.decode()
    free_now = html.split('data-testid="free-now">')[1].split("<")[0]
    assert free_now == "Сейчас (19:00) свободно 4 стола из 5"


def test_another_day_has_no_free_now_and_a_past_day_says_it_has_passed(
    evening, host_client, restaurant
):
    html = host_client.get(DAY, {"date": (evening + dt.timedelta(days=1)).isoformat()})
    assert 'data-testid="free-now"></p>' in html.content.decode()
    past = host_client.get(DAY, {"date": (evening - dt.timedelta(days=1)).isoformat()})
    past = past.content.decode()
    assert "This day has passed." in past
    assert "There were no bookings on this day." in past
    assert "yet" not in past.split('id="day-bookings"')[1]
    future = host_client.get(DAY, {"date": (evening + dt.timedelta(days=1)).isoformat()})
    assert "No bookings on this day yet." in future.content.decode()


def test_cancelled_bookings_can_be_hidden_and_shown_again(evening, host_client, restaurant):
    day = evening + dt.timedelta(days=1)
    kept = book(restaurant, day, "18:00", "Kept")
    gone = booking_set_status(booking=book(restaurant, day, "19:00", "Gone"), status="cancelled")

    html = host_client.get(DAY, {"date": day.isoformat()}).content.decode()
    assert f'data-booking="{gone.pk}"' in html
    hide = f"/app/bookings/?date={day.isoformat()}&amp;cancelled=hide"
    assert f'href="{hide}"' in html and "Hide cancelled" in html

    headers = {**HTMX, "HTTP_HX_TARGET": "day-bookings"}
    part = host_client.get(DAY, {"date": day.isoformat(), "cancelled": "hide"}, **headers)
    part = part.content.decode()
    assert part.lstrip().startswith('<section id="day-bookings"')
    assert f'data-booking="{kept.pk}"' in part
    assert f'data-booking="{gone.pk}"' not in part
    # The list refreshes itself after a change still without them, and offers to show them.
    assert f'hx-get="{hide}"' in part
    assert "Show 1 cancelled" in part
    # The day's counts never counted them.
    assert "1 booking, 2 guests" in part


def test_the_booking_form_shows_every_error_at_once_and_writes_nothing(
    evening, host_client, restaurant
):
    day = evening + dt.timedelta(days=1)
    response = host_client.post(
        NEW,
        {
            "date": day.isoformat(),
            "time_slot": "18:00",
            "client_name": " ",
            "phone": "12",
            "party_size": "2",
            "email": "not-an-address",
            "notes": "x" * 1001,
        },
        **HTMX,
    )
    html = response.content.decode()
    for field, message in (
        ("client_name", "Enter the guest&#x27;s name."),
        ("phone", "Enter a valid phone number."),
        ("email", "Enter a valid e-mail address."),
        ("notes", "Ensure this value has at most 1000 characters"),
    ):
        error = html.split(f'data-field-error="{field}">')[1].split("</p>")[0]
        assert message in error, field
    assert html.count('aria-invalid="true"') == 4
    assert not Booking.objects.exists()

    # Fixed fields lose their error; the one still wrong keeps it.
    response = host_client.post(
        NEW,
        {
            "date": day.isoformat(),
            "time_slot": "18:00",
            "client_name": "Anna",
            "phone": "+7 912 345-67-89",
            "party_size": "2",
            "email": "still wrong",
        },
        **HTMX,
    )
    html = response.content.decode()
    assert 'data-field-error="email"' in html
    for field in ("client_name", "phone", "notes"):
        assert f'data-field-error="{field}"' not in html
    assert not Booking.objects.exists()


def test_dashboard_writes_short_dates_as_the_language_does(evening, host_client, restaurant):
    html = host_client.get("/app/dashboard/").content.decode()
    assert "Jun 12" in html and "Jun 13" in html
    assert "12.06" not in html
    host_client.cookies["django_language"] = "ru"
    html = host_client.get("/app/dashboard/").content.decode()
    assert "12 июн" in html
    assert "12.06" not in html


def test_dashboard_chart_describes_days_in_bookings_and_guests(evening, host_client, restaurant):
    book(restaurant, evening + dt.timedelta(days=1), "18:00", "Anna", party_size=4)
    html = host_client.get("/app/dashboard/").content.decode()
    desc = html.split('id="week-chart-desc">')[1].split("</desc>")[0]
    assert "1 booking, 4 guests" in desc
    assert "table booked" not in desc and "tables booked" not in desc
