"""The guests' booking page: the steps, booking through the core, refusals that write nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from bookings.models import Booking, Guest
from bookings.public.forms import started_token
from bookings.services import booking_create

pytestmark = pytest.mark.django_db


def details(day: dt.date, **extra) -> dict:
    return {
        "party_size": 2,
        "date": day.isoformat(),
        "time_slot": "19:00",
        "client_name": "Anna Petrova",
        "phone": "+7 912 345-67-89",
        "email": "anna@example.com",
        "notes": "Window, please",
        "consent": "on",
        "website": "",
        "started": started_token(),
        **extra,
    }


def test_page_is_public_and_walks_party_date_time(client: Client, online, day):
    page = client.get("/r/blue-door/")
    assert page.status_code == 200
    assert "How many guests?" in page.content.decode()

    dates = client.get("/r/blue-door/", {"party": 2, "month": f"{day:%Y-%m}"}).content.decode()
    assert f'data-day="{day.isoformat()}"' in dates
    assert "pday-open" in dates

    times = client.get("/r/blue-door/", {"party": 2, "date": day.isoformat()}).content.decode()
    assert re.findall(r'class="choice">(\d\d:\d\d)<', times) == [f"{h}:00" for h in range(12, 23)]

    form = client.get(
        "/r/blue-door/", {"party": 2, "date": day.isoformat(), "time": "19:00"}
    ).content.decode()
    assert 'name="client_name"' in form
    assert "Tables are held for 15 minutes." in form


def test_a_restaurant_not_booking_online_has_no_page(client: Client, restaurant):
    restaurant.slug = "quiet"
    restaurant.save()
    assert client.get("/r/quiet/").status_code == 404
    assert client.get("/r/nowhere/").status_code == 404


def test_a_guest_books_online_through_the_core(client: Client, online, day):
    response = client.post("/r/blue-door/book/", details(day))
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.source, booking.date, booking.time_slot, booking.party_size) == (
        Booking.Source.ONLINE,
        day,
        "19:00",
        2,
    )
    assert booking.guest == Guest.objects.get(restaurant=online, phone="+79123456789")
    manage = client.get(response["Location"])
    body = manage.content.decode()
    assert manage.status_code == 200
    assert "You&#x27;re booked!" in body or "You're booked!" in body
    assert f"BLU-{booking.pk:05d}" in body


def test_a_taken_time_is_refused_with_the_nearest_free_times(client: Client, online, day):
    for n in range(5):
        booking_create(
            restaurant=online, date=day, time_slot="19:00", client_name=f"G{n}", party_size=2
        )
    response = client.post("/r/blue-door/book/", details(day))
    assert response.status_code == 409
    body = response.content.decode()
    assert "that time was just taken" in body
    nearest = re.search(r'data-testid="nearest-times">(.*?)</ul>', body, re.S).group(1)
    assert re.findall(r">(\d\d:\d\d)<", nearest) == ["17:00", "18:00", "20:00", "21:00"]
    assert Booking.objects.filter(source=Booking.Source.ONLINE).count() == 0


def test_a_party_above_the_online_limit_is_told_to_call(client: Client, online, day):
    body = client.get("/r/blue-door/", {"party": 7}).content.decode()
    assert "Online we book up to 6 guests." in body
    assert "+7 495 123-45-67" in body
    response = client.post("/r/blue-door/book/", details(day, party_size=7))
    assert response.status_code == 400
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"client_name": ""}, "client_name"),
        ({"phone": ""}, "phone"),
        ({"phone": "12"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"consent": ""}, "consent"),
    ],
)
def test_bad_details_are_shown_beside_the_field_and_write_nothing(
    client: Client, online, day, change, field
):
    response = client.post("/r/blue-door/book/", details(day, **change))
    assert response.status_code == 400
    assert f'data-field-error="{field}"' in response.content.decode()
    assert not Booking.objects.exists()


def test_within_the_minimum_notice_no_time_is_offered_or_taken(client, online, time_machine):
    now = online.now().replace(hour=16, minute=30, second=0, microsecond=0)
    time_machine.move_to(now)
    today = now.date()
    times = client.get("/r/blue-door/", {"party": 2, "date": today.isoformat()}).content.decode()
    offered = re.findall(r'class="choice">(\d\d:\d\d)<', times)
    assert offered[0] == "18:00"  # 17:00 is within the hour's notice
    response = client.post("/r/blue-door/book/", details(today, time_slot="17:00"))
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_the_times_offered_are_the_apis_answer_for_that_party(client, online, day, host_api):
    from restaurants.models import Table

    Table.objects.create(restaurant=online, name="A", min_seats=1, max_seats=2)
    Table.objects.create(restaurant=online, name="B", min_seats=1, max_seats=4)
    booking_create(restaurant=online, date=day, time_slot="19:00", client_name="Big", party_size=4)
    api = host_api.get(f"/bookings/{online.pk}/{day.isoformat()}?party_size=4").json()
    available = [slot["time"] for slot in api["slots"] if slot["available"]]
    page = client.get("/r/blue-door/", {"party": 4, "date": day.isoformat()}).content.decode()
    offered = re.findall(r'class="choice">(\d\d:\d\d)<', page)
    assert "19:00" not in offered
    assert offered == available
    two = client.get("/r/blue-door/", {"party": 2, "date": day.isoformat()}).content.decode()
    assert "19:00" in re.findall(r'class="choice">(\d\d:\d\d)<', two)
