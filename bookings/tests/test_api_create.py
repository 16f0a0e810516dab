"""`POST /bookings`: the brief's booking, its extras, and every refusal writing nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from bookings.models import Booking, Guest
from bookings.services import booking_create
from conftest import api_client_for


def body(restaurant, day, **changes) -> dict:
    return {
        "restaurant_id": restaurant.pk,
        "date": day.isoformat(),
        "time_slot": "18:00",
        "client_name": "Иван",
        **changes,
    }


def test_booking_answers_201_with_the_briefs_body(host_api, host, restaurant, tomorrow):
    response = host_api.post("/bookings", body(restaurant, tomorrow), format="json")
    assert response.status_code == 201
    booking = Booking.objects.get()
    assert response.json() == {"status": "ok", "booking_id": booking.pk}
    assert response["Location"] == f"/bookings/{booking.pk}"
    assert (booking.restaurant, booking.date, booking.time_slot) == (restaurant, tomorrow, "18:00")
    assert (booking.client_name, booking.party_size, booking.status) == ("Иван", 2, "confirmed")
    assert (booking.source, booking.created_by) == ("api", host)


def test_booking_keeps_the_optional_details(host_api, restaurant, tomorrow):
    response = host_api.post(
        "/bookings",
        body(
            restaurant,
            tomorrow,
            party_size=4,
            phone="8 912 345-67-89",
            email="ivan@example.com",
            notes="Window table",
        ),
        format="json",
    )
    assert response.status_code == 201
    booking = Booking.objects.get(pk=response.json()["booking_id"])
    assert (booking.party_size, booking.phone, booking.email, booking.notes) == (
        4,
        "+79123456789",
        "ivan@example.com",
        "Window table",
    )
    assert booking.guest == Guest.objects.get(phone="+79123456789")


def test_null_optional_details_are_the_defaults(host_api, restaurant, tomorrow):
    extras = {"party_size": None, "phone": None, "email": None, "notes": None}
    response = host_api.post("/bookings", body(restaurant, tomorrow, **extras), format="json")
    assert response.status_code == 201
    booking = Booking.objects.get()
    assert (booking.party_size, booking.phone, booking.email) == (2, "", "")


@pytest.mark.django_db(transaction=True)  # the cache is dropped after commit
def test_the_new_booking_shows_in_the_next_slots_read(host_api, restaurant, tomorrow):
    before = host_api.get(f"/bookings/{restaurant.pk}/{tomorrow}").json()["slots"]
    host_api.post("/bookings", body(restaurant, tomorrow), format="json")
    after = host_api.get(f"/bookings/{restaurant.pk}/{tomorrow}").json()["slots"]
    assert [s for s in before if s["time"] == "18:00"] == [
        {"time": "18:00", "booked": 0, "free": 5}
    ]
    assert [s for s in after if s["time"] == "18:00"] == [{"time": "18:00", "booked": 1, "free": 4}]


def test_full_slot_answers_409(host_api, restaurant, tomorrow):
    for n in range(restaurant.default_table_count):
        booking_create(restaurant=restaurant, date=tomorrow, time_slot="18:00", client_name=f"G{n}")
    response = host_api.post("/bookings", body(restaurant, tomorrow), format="json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"No free tables at 18:00 on {tomorrow.isoformat()}.",
        "code": "slot_full",
    }
    assert Booking.objects.count() == restaurant.default_table_count


def test_booking_another_restaurant_answers_404_like_a_missing_one(
    host_api, other_restaurant, tomorrow
):
    theirs = host_api.post("/bookings", body(other_restaurant, tomorrow), format="json")
    missing = host_api.post(
        "/bookings", {**body(other_restaurant, tomorrow), "restaurant_id": 999_999}, format="json"
    )
    assert theirs.status_code == missing.status_code == 404
    assert (
        theirs.json() == missing.json() == {"detail": "Restaurant not found.", "code": "not_found"}
    )
    assert not Booking.objects.exists()


def test_superuser_booking_a_missing_restaurant_answers_404(superuser, restaurant, tomorrow):
    client = api_client_for(superuser)
    response = client.post(
        "/bookings", {**body(restaurant, tomorrow), "restaurant_id": 999_999}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "Restaurant not found."


def test_superuser_with_a_bad_idempotency_key_for_a_missing_restaurant_answers_404(
    superuser, restaurant, tomorrow
):
    client = api_client_for(superuser)
    response = client.post(
        "/bookings",
        {**body(restaurant, tomorrow), "restaurant_id": 999_999},
        format="json",
        headers={"Idempotency-Key": "x" * 300},
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "Restaurant not found."
    response = client.post(
        "/bookings", body(restaurant, tomorrow), format="json", headers={"Idempotency-Key": ""}
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("idempotency_key:")
    assert not Booking.objects.exists()


def test_a_restaurant_not_yet_confirmed_refuses_an_api_booking(host_api, restaurant, tomorrow):
    restaurant.confirmed = False
    restaurant.save()
    response = host_api.post("/bookings", body(restaurant, tomorrow), format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("restaurant_id: This restaurant takes bookings")
    assert not Booking.objects.exists()


def test_an_api_booking_reads_the_restaurant_with_its_lock(host_api, restaurant, tomorrow):
    """One statement locks the restaurant's row (shared) and the day, and reads the row (and
    whether its floor is described); then the slot's count, the guest, the booking, its audit
    entry and its event: six statements, none before the lock."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    restaurant.default_table_count = 1  # read under the lock, as committed: the slot fills up
    restaurant.save()
    host_api.get(f"/bookings/{restaurant.pk}/{tomorrow}")  # the user, cached for the next ones
    with CaptureQueriesContext(connection) as queries:
        response = host_api.post(
            "/bookings", body(restaurant, tomorrow, client_name="Anna Ivanova"), format="json"
        )
    assert response.status_code == 201, response.content
    statements = [
        q["sql"] for q in queries if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert len(statements) == 6, "\n".join(s[:150] for s in statements)
    first = statements[0]
    assert '"restaurants_restaurant"' in first and '"default_table_count"' in first
    if connection.vendor == "postgresql":
        assert first.endswith("FOR SHARE) AS locked")
        assert f"pg_advisory_xact_lock({restaurant.pk}, {tomorrow.toordinal()})" in first
    booking = Booking.objects.get()
    assert (booking.restaurant, booking.client_name, booking.source) == (
        restaurant,
        "Anna Ivanova",
        "api",
    )
    full = host_api.post("/bookings", body(restaurant, tomorrow), format="json")
    assert full.status_code == 409


YESTERDAY = object()
TOO_FAR = object()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"client_name": ""}, "client_name", "Enter the guest's name."),
        ({"client_name": "   "}, "client_name", "Enter the guest's name."),
        ({"client_name": "x" * 101}, "client_name", "The name is too long"),
        ({"client_name": None}, "client_name", "This field may not be null."),
        ({"client_name": 5}, "client_name", "Must be a string."),
        ({"client_name": ["Иван"]}, "client_name", "Must be a string."),
        ({"time_slot": "18:30"}, "time_slot", "18:30 is not a booking slot of this restaurant."),
        ({"time_slot": "11:00"}, "time_slot", "Slots: 12:00, 13:00"),
        ({"time_slot": "6pm"}, "time_slot", "not a booking slot"),
        ({"time_slot": 18}, "time_slot", "Must be a string."),
        ({"date": "2025-13-01"}, "date", "Enter a real date as YYYY-MM-DD."),
        ({"date": "01.01.2030"}, "date", "Enter a real date as YYYY-MM-DD."),
        ({"date": 5}, "date", "Enter a real date as YYYY-MM-DD."),
        ({"date": YESTERDAY}, "date", "That time has already passed."),
        ({"date": TOO_FAR}, "date", "Bookings open at most 366 days ahead."),
        ({"restaurant_id": "abc"}, "restaurant_id", "Must be a whole number."),
        ({"restaurant_id": "1"}, "restaurant_id", "Must be a whole number."),
        ({"restaurant_id": 1.5}, "restaurant_id", "Must be a whole number."),
        ({"restaurant_id": True}, "restaurant_id", "Must be a whole number."),
        ({"restaurant_id": 10**30}, "restaurant_id", "less than or equal to"),
        ({"restaurant_id": -1}, "restaurant_id", "greater than or equal to 1"),
        ({"party_size": 0}, "party_size", "Party size must be from 1 to 50."),
        ({"party_size": 10**30}, "party_size", "Party size must be from 1 to 50."),
        ({"party_size": "four"}, "party_size", "Must be a whole number."),
        ({"phone": "not a phone"}, "phone", "Enter a valid phone number."),
        ({"phone": 79123456789}, "phone", "Must be a string."),
        ({"email": "nope"}, "email", "Enter a valid e-mail address."),
        ({"notes": "x" * 1001}, "notes", "Notes are too long"),
    ],
)
def test_bad_booking_answers_400_naming_the_field_and_writes_nothing(
    host_api, restaurant, tomorrow, changes, field, message
):
    if changes.get("date") is YESTERDAY:
        changes = {"date": (tomorrow - dt.timedelta(days=2)).isoformat()}
    if changes.get("date") is TOO_FAR:
        changes = {"date": (tomorrow + dt.timedelta(days=400)).isoformat()}
    response = host_api.post("/bookings", body(restaurant, tomorrow, **changes), format="json")
    assert response.status_code == 400, response.content
    error = response.json()
    assert error["detail"].startswith(f"{field}: ")
    assert message in error["detail"]
    assert message in error["errors"][field][0]
    assert not Booking.objects.exists()
    assert not Guest.objects.exists()


@pytest.mark.parametrize("missing", ["restaurant_id", "date", "time_slot", "client_name"])
def test_missing_field_answers_400_naming_it(host_api, restaurant, tomorrow, missing):
    data = body(restaurant, tomorrow)
    del data[missing]
    response = host_api.post("/bookings", data, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == f"{missing}: This field is required."
    assert not Booking.objects.exists()


def test_several_bad_fields_are_all_named(host_api, restaurant, tomorrow):
    response = host_api.post(
        "/bookings", {"restaurant_id": "abc", "date": 5, "time_slot": "18:00"}, format="json"
    )
    assert response.status_code == 400
    error = response.json()
    assert set(error["errors"]) == {"restaurant_id", "date", "client_name"}
    for field in error["errors"]:
        assert f"{field}: " in error["detail"]


@pytest.mark.parametrize(
    ("raw", "content_type", "status", "detail"),
    [
        ("{not json", "application/json", 400, "The request body is not valid JSON"),
        ('{"restaurant_id": 1,}', "application/json", 400, "The request body is not valid JSON"),
        (b"\xff\xfe\x00", "application/json", 400, "The request body is not valid JSON"),
        ("[1, 2]", "application/json", 400, "Invalid data. Expected a dictionary, but got list."),
        ('"text"', "application/json", 400, "Expected a dictionary, but got str."),
        ("null", "application/json", 400, "No data provided"),
        ("", "application/json", 400, "This field is required."),
        ("restaurant_id=1", "application/x-www-form-urlencoded", 415, "Unsupported media type"),
        ("<xml/>", "text/xml", 415, "Unsupported media type"),
        ('{"client_name": "' + "x" * 300_000 + '"}', "application/json", 413, "at most 256 KB"),
    ],
)
def test_bad_body_answers_json_error_and_writes_nothing(
    host_api, restaurant, raw, content_type, status, detail
):
    response = host_api.generic("POST", "/bookings", raw, content_type=content_type)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert detail in response.json()["detail"]
    assert not Booking.objects.exists()


def test_nested_junk_never_answers_500(host_api, restaurant, tomorrow):
    for junk in [{"a": [1, {"b": None}]}, [], {}, 1e308, -0.0, "\u0000", "🍝" * 50]:
        for field in ["restaurant_id", "date", "time_slot", "client_name", "party_size", "phone"]:
            response = host_api.post(
                "/bookings", body(restaurant, tomorrow, **{field: junk}), format="json"
            )
            assert response.status_code in (400, 201), (field, junk, response.content)
            assert response.json()["detail"] if response.status_code == 400 else True


def test_get_on_bookings_answers_405_json(host_api):
    response = host_api.get("/bookings")
    assert response.status_code == 405
    assert response.json()["detail"] == 'Method "GET" not allowed.'
