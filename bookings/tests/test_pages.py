"""The host's pages through Django's test client: full pages, HTMX partials, permissions."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from bookings.availability import month_occupancy
from bookings.models import Booking
from bookings.services import booking_create
from conftest import make_user
from restaurants.services import table_override_set

DAY = "/app/bookings/"
NEW = "/app/bookings/new/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def htmx(target: str | None = None) -> dict:
    headers = dict(HTMX)
    if target:
        headers["HTTP_HX_TARGET"] = target
    return headers


def book(restaurant, date, time_slot="18:00", name="Anna", **extra) -> Booking:
    return booking_create(
        restaurant=restaurant, date=date, time_slot=time_slot, client_name=name, **extra
    )


def test_pages_need_sign_in(client, db):
    for url in (DAY, NEW, "/app/dashboard/", "/app/settings/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/app/login/")


def test_home_leads_to_the_bookings_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:day")


def test_sign_in_page_signs_in(client, host):
    page = client.get("/app/login/")
    assert page.status_code == 200
    assert b'name="username"' in page.content
    response = client.post(
        "/app/login/", {"username": "host", "password": "s3cret-pass-word"}, follow=True
    )
    assert response.status_code == 200
    assert b"Blue Door" in response.content
    assert response.redirect_chain[-1][0] == reverse("bookings:day")


def test_wrong_password_is_refused_with_a_message(client, host):
    response = client.post("/app/login/", {"username": "host", "password": "nope"})
    assert response.status_code == 200
    assert b"alert-error" in response.content
    assert "_auth_user_id" not in client.session


def test_bookings_page_shows_slots_and_the_days_bookings(host_client, restaurant, tomorrow):
    book(restaurant, tomorrow, "18:00", "Anna")
    response = host_client.get(DAY, {"date": tomorrow.isoformat()})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="calendar"' in html and 'id="slot-list"' in html and 'id="day-bookings"' in html
    assert 'data-slot="18:00" data-booked="1" data-free="4"' in html
    assert 'data-slot="12:00" data-booked="0" data-free="5"' in html
    assert "Anna" in html
    assert f'data-date="{tomorrow.isoformat()}" aria-current="date"' in html
    assert "<dialog" in html


@pytest.mark.parametrize("value", ["", "yesterday", "2025-13-45", "0001-01-01", "9999-12-31"])
def test_a_bad_date_falls_back_to_today(host_client, restaurant, value):
    response = host_client.get(DAY, {"date": value, "month": "garbage"})
    assert response.status_code == 200
    today = restaurant.today().isoformat()
    assert f'data-date="{today}" aria-current="date"' in response.content.decode()


def test_month_far_away_falls_back_to_the_dates_month(host_client, restaurant):
    today = restaurant.today()
    response = host_client.get(DAY, {"date": today.isoformat(), "month": "9999-12"})
    assert response.status_code == 200
    assert f'data-date="{today.isoformat()}"' in response.content.decode()


def test_htmx_gets_only_the_part_it_targets(host_client, restaurant, tomorrow):
    book(restaurant, tomorrow, "18:00", "Anna")
    url = f"{DAY}?date={tomorrow.isoformat()}"
    slots = host_client.get(url, **htmx("slot-list")).content.decode()
    assert slots.lstrip().startswith('<section id="slot-list"')
    assert (
        "<html" not in slots and 'id="calendar"' not in slots and 'id="day-bookings"' not in slots
    )
    assert 'data-slot="18:00" data-booked="1"' in slots

    listing = host_client.get(url, **htmx("day-bookings")).content.decode()
    assert listing.lstrip().startswith('<section id="day-bookings"')
    assert "Anna" in listing and 'id="slot-list"' not in listing

    calendar = host_client.get(url, **htmx("calendar")).content.decode()
    assert calendar.lstrip().startswith('<section id="calendar"')
    assert 'id="slot-list"' not in calendar

    view = host_client.get(url, **htmx("day-view")).content.decode()
    assert view.lstrip().startswith('<div id="day-view"')
    assert all(f'id="{part}"' in view for part in ("calendar", "slot-list", "day-bookings"))
    assert "<html" not in view


def test_history_restore_gets_the_whole_page(host_client, tomorrow):
    response = host_client.get(
        DAY, {"date": tomorrow.isoformat()}, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX
    )
    assert b"<html" in response.content


def test_booking_modal_form_is_a_partial_for_htmx(host_client, tomorrow):
    response = host_client.get(NEW, {"date": tomorrow.isoformat(), "slot": "18:00"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="booking-form"')
    assert 'name="client_name"' in html and "<html" not in html
    plain = host_client.get(NEW, {"date": tomorrow.isoformat(), "slot": "18:00"})
    assert b"<html" in plain.content and b'name="client_name"' in plain.content


def test_booking_modal_for_a_slot_that_does_not_exist_says_so(host_client, tomorrow):
    response = host_client.get(NEW, {"date": tomorrow.isoformat(), "slot": "03:17"}, **HTMX)
    assert response.status_code == 400
    assert b"This slot does not exist" in response.content
    assert b'name="client_name"' not in response.content


@pytest.mark.django_db(transaction=True)
def test_booking_through_htmx_books_and_triggers_the_refresh(host_client, restaurant, tomorrow):
    response = host_client.post(
        NEW,
        {
            "date": tomorrow.isoformat(),
            "time_slot": "19:00",
            "client_name": "  Boris  Petrov ",
            "party_size": "4",
            "phone": "8 912 345 67 89",
            "notes": "window",
        },
        **HTMX,
    )
    assert response.status_code == 200
    events = json.loads(response["HX-Trigger"])
    assert events["bookings-changed"] == {"date": tomorrow.isoformat()}
    assert "Boris Petrov" in events["booking-created"]["message"]
    assert response["HX-Reswap"] == "none"
    booking = Booking.objects.get()
    assert (booking.client_name, booking.party_size, booking.phone) == (
        "Boris Petrov",
        4,
        "+79123456789",
    )
    assert booking.source == Booking.Source.PAGE and booking.created_by.username == "host"
    slots = host_client.get(f"{DAY}?date={tomorrow.isoformat()}", **htmx("slot-list"))
    assert b'data-slot="19:00" data-booked="1" data-free="4"' in slots.content


def test_booking_without_javascript_redirects_with_a_message(host_client, restaurant, tomorrow):
    response = host_client.post(
        NEW,
        {
            "date": tomorrow.isoformat(),
            "time_slot": "19:00",
            "client_name": "Vera",
            "party_size": 2,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{DAY}?date={tomorrow.isoformat()}"
    assert "Booked: Vera" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"client_name": "   "}, "client_name", "Enter the guest&#x27;s name."),
        ({"phone": "12"}, "phone", "Enter a valid phone number."),
        ({"email": "not-an-email"}, "email", "Enter a valid e-mail address."),
        ({"party_size": "0"}, "party_size", "greater than or equal to 1"),
        ({"party_size": ""}, "party_size", "This field is required."),
    ],
)
def test_bad_input_shows_an_error_beside_the_field_and_writes_nothing(
    host_client, tomorrow, data, field, message
):
    post = {"date": tomorrow.isoformat(), "time_slot": "18:00", "client_name": "Anna"}
    post["party_size"] = "2"
    post.update(data)
    response = host_client.post(NEW, post, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "HX-Trigger" not in response
    assert f'data-field-error="{field}">' in html
    error = html.split(f'data-field-error="{field}">', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert f'aria-describedby="id_{field}_error"' in html
    assert not Booking.objects.exists()


def test_past_slot_is_refused_in_the_form(host_client, restaurant):
    yesterday = restaurant.today() - dt.timedelta(days=1)
    response = host_client.post(
        NEW,
        {"date": yesterday.isoformat(), "time_slot": "18:00", "client_name": "A", "party_size": 2},
        **HTMX,
    )
    assert b"That time has already passed." in response.content
    assert b'data-testid="form-error"' in response.content
    assert not Booking.objects.exists()


def test_full_slot_refuses_with_a_clear_message(host_client, restaurant, tomorrow):
    table_override_set(restaurant=restaurant, date=tomorrow, table_count=1)
    book(restaurant, tomorrow, "18:00", "First")
    response = host_client.post(
        NEW,
        {"date": tomorrow.isoformat(), "time_slot": "18:00", "client_name": "B", "party_size": 2},
        **HTMX,
    )
    assert "No free tables at 18:00" in response.content.decode()
    assert Booking.objects.count() == 1
    page = host_client.get(DAY, {"date": tomorrow.isoformat()}).content.decode()
    slot = page.split('data-slot="18:00"', 1)[1].split("</li>", 1)[0]
    assert "badge-full" in slot and "bookings/new" not in slot


@pytest.mark.django_db(transaction=True)
def test_status_actions_follow_the_bookings_life(service_day, host_client, restaurant):
    booking = book(restaurant, service_day)
    url = f"/app/bookings/{booking.pk}/status/"
    page = host_client.get(DAY, {"date": service_day.isoformat()}).content.decode()
    actions = page.split(f'data-booking="{booking.pk}"', 1)[1].split("</li>", 1)[0]
    assert 'data-action="seated"' in actions and 'data-action="cancelled"' in actions
    assert 'data-action="completed"' not in actions  # not before the guests are seated
    assert "hx-confirm=" in actions

    response = host_client.post(url, {"status": "seated"}, **HTMX)
    assert json.loads(response["HX-Trigger"])["show-message"]["level"] == "success"
    booking.refresh_from_db()
    assert booking.status == "seated"

    response = host_client.post(url, {"status": "no_show"}, **HTMX)
    events = json.loads(response["HX-Trigger"])
    assert "bookings-changed" not in events and events["show-message"]["level"] == "error"
    booking.refresh_from_db()
    assert booking.status == "seated"


@pytest.mark.django_db(transaction=True)
def test_cancelling_frees_a_table(host_client, restaurant, tomorrow):
    booking = book(restaurant, tomorrow)
    response = host_client.post(
        f"/app/bookings/{booking.pk}/status/", {"status": "cancelled"}, follow=True
    )
    assert "Cancelled" in response.content.decode()
    assert 'data-slot="18:00" data-booked="0" data-free="5"' in response.content.decode()


def test_another_restaurants_booking_answers_404(
    host_client, other_restaurant, tomorrow, restaurant
):
    theirs = book(other_restaurant, tomorrow, "18:00", "Secret")
    response = host_client.post(f"/app/bookings/{theirs.pk}/status/", {"status": "cancelled"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "confirmed"
    page = host_client.get(DAY, {"date": tomorrow.isoformat()})
    assert b"Secret" not in page.content


def test_markup_in_a_guest_name_is_shown_as_text(host_client, restaurant, tomorrow):
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    book(restaurant, tomorrow, "18:00", evil)
    restaurant.name = "<b>Blue</b>"
    restaurant.save()
    for url, kwargs in [
        (f"{DAY}?date={tomorrow.isoformat()}", {}),
        (f"{DAY}?date={tomorrow.isoformat()}", htmx("day-bookings")),
        ("/app/dashboard/", {}),
    ]:
        html = host_client.get(url, **kwargs).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "<b>Blue</b>" not in html
    html = host_client.get(f"{DAY}?date={tomorrow.isoformat()}").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_user_without_a_restaurant_is_told_so(client, db):
    client.force_login(make_user("loner"))
    response = client.get(DAY)
    assert response.status_code == 403
    assert b"not a member of any restaurant" in response.content


def test_switcher_changes_the_restaurant_and_refuses_foreign_ones(
    client, restaurant, other_restaurant, db
):
    from restaurants.models import Membership, Restaurant

    third = Restaurant.objects.create(name="Third", default_table_count=2)
    user = make_user("both", restaurant=restaurant)
    Membership.objects.create(user=user, restaurant=third, role="host")
    client.force_login(user)
    page = client.get(DAY).content.decode()
    assert 'id="restaurant-switch"' in page and "Third" in page and "Elsewhere" not in page
    response = client.post(
        "/app/restaurant/", {"restaurant": third.pk, "next": "/app/dashboard/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/app/dashboard/"
    assert b'data-testid="restaurant-name">Third<' in response.content
    response = client.post(
        "/app/restaurant/", {"restaurant": other_restaurant.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("bookings:day")
    page = client.get(DAY).content.decode()
    assert 'data-testid="restaurant-name">Third<' in page


def test_single_restaurant_user_gets_no_switcher(host_client):
    assert b'id="restaurant-switch"' not in host_client.get(DAY).content


def test_month_occupancy_counts_active_bookings_against_tables_and_overrides(
    restaurant, tomorrow, django_assert_num_queries
):
    slots = len(restaurant.slot_times())
    book(restaurant, tomorrow, "18:00", "A")
    cancelled = book(restaurant, tomorrow, "19:00", "B")
    cancelled.status = "cancelled"
    cancelled.save()
    table_override_set(restaurant=restaurant, date=tomorrow, table_count=2)
    with django_assert_num_queries(1):
        month = month_occupancy(restaurant=restaurant, year=tomorrow.year, month=tomorrow.month)
    day = month[tomorrow]
    assert (day["booked"], day["tables"], day["capacity"]) == (1, 2, 2 * slots)
    assert day["ratio"] == pytest.approx(1 / (2 * slots))
    first = tomorrow.replace(day=1)
    assert min(month) == first and all(d.month == first.month for d in month)


def test_closed_day_is_marked_closed(host_client, restaurant, tomorrow):
    table_override_set(restaurant=restaurant, date=tomorrow, table_count=0)
    html = host_client.get(DAY, {"date": tomorrow.isoformat()}).content.decode()
    assert 'class="day occ-closed' in html.split(f'data-date="{tomorrow.isoformat()}"')[0][-200:]


def test_bookings_page_queries_do_not_grow_with_bookings(
    host_client, restaurant, tomorrow, django_assert_max_num_queries
):
    for n in range(5):
        book(restaurant, tomorrow, f"{12 + n}:00", f"Guest {n}")
    # Twelve, one for all the bookings' tables, and one for today's waitlist.
    with django_assert_max_num_queries(14):
        host_client.get(DAY, {"date": tomorrow.isoformat()})
