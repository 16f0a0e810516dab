"""Sign-up: an account, its first restaurant and the manager role; bookings once confirmed."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from bookings.exceptions import BookingInvalid
from bookings.models import Booking
from bookings.services import booking_create
from conftest import api_client_for, make_user
from restaurants.models import Membership, Restaurant

pytestmark = pytest.mark.django_db(transaction=True)  # the mail goes on commit

FORM = {
    "username": "olga",
    "email": "olga@example.com",
    "password1": "long-pass-9x",
    "password2": "long-pass-9x",
    "restaurant_name": "Pelmeni & Co",
    "time_zone": "Asia/Yekaterinburg",
    "country": "ru",
    "opening_time": "10:00",
    "closing_time": "22:00",
    "table_count": "8",
}


@pytest.fixture(autouse=True)
def open_signup(settings):
    settings.SIGNUP_OPEN = True


def confirm_link() -> str:
    return re.search(r"http://testserver(/app/signup/confirm/\S+/)", mail.outbox[-1].body).group(1)


def test_sign_up_makes_a_manager_of_a_new_restaurant_that_opens_once_confirmed(client):
    response = client.post("/app/signup/", FORM)
    assert response.status_code == 302 and response["Location"] == "/app/bookings/"
    restaurant = Restaurant.objects.get(name="Pelmeni & Co")
    assert (restaurant.time_zone, restaurant.country, restaurant.default_table_count) == (
        "Asia/Yekaterinburg",
        "RU",
        8,
    )
    assert restaurant.slot_times()[0] == "10:00" and restaurant.slot_times()[-1] == "21:00"
    assert Membership.objects.get(restaurant=restaurant).role == "manager"
    assert not restaurant.confirmed

    page = client.get("/app/bookings/").content.decode()
    assert 'data-testid="unconfirmed"' in page  # signed in, told to confirm
    tomorrow = restaurant.today().replace(day=1)
    with pytest.raises(BookingInvalid):
        booking_create(restaurant=restaurant, date=tomorrow, time_slot="12:00", client_name="A")
    api = api_client_for(Membership.objects.get(restaurant=restaurant).user, "long-pass-9x")
    refused = api.post(
        "/bookings",
        {
            "restaurant_id": restaurant.pk,
            "date": str(restaurant.today()),
            "time_slot": "21:00",
            "client_name": "Anna",
        },
        format="json",
    )
    assert refused.status_code == 400 and "restaurant_id" in refused.json()["errors"]
    assert not Booking.objects.exists()

    assert mail.outbox[-1].to == ["olga@example.com"]
    assert client.get(confirm_link()).status_code == 302
    restaurant.refresh_from_db()
    assert restaurant.confirmed
    assert 'data-testid="unconfirmed"' not in client.get("/app/bookings/").content.decode()


def test_sign_up_is_closed_unless_switched_on(client, settings):
    settings.SIGNUP_OPEN = False
    assert client.get("/app/signup/").status_code == 404
    assert client.post("/app/signup/", FORM).status_code == 404
    assert "/app/signup/" not in client.get("/app/login/").content.decode()
    assert not Restaurant.objects.filter(name="Pelmeni & Co").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "no-at-sign"),
        ("password2", "different-pass-9x"),
        ("password1", "123"),
        ("time_zone", "Mars/Olympus"),
        ("country", "Russia"),
        ("closing_time", "09:00"),
        ("table_count", "0"),
        ("restaurant_name", ""),
        ("username", "bad name!"),
    ],
)
def test_bad_sign_up_shows_the_error_beside_the_field_and_writes_nothing(client, field, value):
    data = {**FORM, field: value}
    if field == "password1":
        data["password2"] = value
    response = client.post("/app/signup/", data)
    assert response.status_code == 200  # the form again, with the errors
    page = response.content.decode()
    assert 'data-field-error="' in page
    expected = "closing_time" if field == "closing_time" else field
    assert f'data-field-error="{expected}"' in page, page[:200]
    assert not Restaurant.objects.filter(name="Pelmeni & Co").exists()
    assert not Membership.objects.filter(user__username="olga").exists()
    assert mail.outbox == []


def test_a_taken_username_is_refused(client):
    make_user("Olga")
    response = client.post("/app/signup/", FORM)
    assert response.status_code == 200
    assert 'data-field-error="username"' in response.content.decode()


def test_a_tampered_confirmation_link_opens_nothing(client):
    client.post("/app/signup/", FORM)
    link = confirm_link()
    assert client.get(link[:-3] + "xx/").status_code == 404
    assert not Restaurant.objects.get(name="Pelmeni & Co").confirmed


@pytest.mark.redis  # the in-process cache forgets counts whenever a restaurant is made
def test_sign_ups_from_one_address_are_limited(client, settings):
    settings.SIGNUP_LIMIT_PER_HOUR = 1
    client.post("/app/signup/", FORM)
    second = client.post("/app/signup/", {**FORM, "username": "other", "email": "o@example.com"})
    assert second.status_code == 429
    assert Restaurant.objects.filter(name="Pelmeni & Co").count() == 1


def test_the_link_can_be_sent_again(client):
    client.post("/app/signup/", FORM)
    assert len(mail.outbox) == 1
    assert client.post("/app/signup/resend/").status_code == 302
    assert len(mail.outbox) == 2 and mail.outbox[-1].to == ["olga@example.com"]
