"""Beyond the brief: the day's bookings, one booking, its details, status and cancellation."""

from __future__ import annotations

import datetime as dt

import pytest

from bookings.models import Booking
from bookings.services import booking_create, booking_set_status
from conftest import api_client_for, make_user


def book(restaurant, date, time_slot="18:00", name="Anna", **extra) -> Booking:
    return booking_create(
        restaurant=restaurant, date=date, time_slot=time_slot, client_name=name, **extra
    )


def slot(client, restaurant, date, time="18:00") -> dict:
    slots = client.get(f"/bookings/{restaurant.pk}/{date}").json()["slots"]
    return next(s for s in slots if s["time"] == time)


# --- The day's bookings ---------------------------------------------------------------------


def test_days_bookings_in_slot_order_with_their_details(host_api, restaurant, tomorrow):
    late = book(restaurant, tomorrow, "20:00", "Boris", party_size=3, phone="+79123456789")
    early = book(restaurant, tomorrow, "12:00", "Anna")
    book(restaurant, tomorrow + dt.timedelta(days=1), "12:00", "Other day")
    response = host_api.get(f"/restaurants/{restaurant.pk}/bookings?date={tomorrow}")
    assert response.status_code == 200
    body = response.json()
    assert (body["restaurant_id"], body["date"]) == (restaurant.pk, tomorrow.isoformat())
    assert [b["id"] for b in body["bookings"]] == [early.pk, late.pk]
    boris = body["bookings"][1]
    assert boris == {
        **boris,
        "restaurant_id": restaurant.pk,
        "date": tomorrow.isoformat(),
        "time_slot": "20:00",
        "client_name": "Boris",
        "party_size": 3,
        "phone": "+79123456789",
        "status": "confirmed",
        "source": "page",
        "guest_id": late.guest_id,
    }


def test_days_bookings_default_to_today_in_the_restaurant(host_api, restaurant, tomorrow):
    response = host_api.get(f"/restaurants/{restaurant.pk}/bookings")
    assert response.json()["date"] == restaurant.today().isoformat()


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("", ["Anna", "Boris", "Clara"]),
        ("&status=cancelled", ["Boris"]),
        ("&status=confirmed,seated", ["Anna", "Clara"]),
        ("&status=seated&status=cancelled", ["Boris", "Clara"]),
        ("&status=no-show", []),
    ],
)
def test_days_bookings_filter_by_status(service_day, host_api, restaurant, query, names):
    # Today's: a guest is seated on the booking's own day.
    book(restaurant, service_day, "12:00", "Anna")
    booking_set_status(booking=book(restaurant, service_day, "13:00", "Boris"), status="cancelled")
    booking_set_status(booking=book(restaurant, service_day, "14:00", "Clara"), status="seated")
    response = host_api.get(f"/restaurants/{restaurant.pk}/bookings?date={service_day}{query}")
    assert [b["client_name"] for b in response.json()["bookings"]] == names


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("date=2025-13-45", "date", "Enter a real date as YYYY-MM-DD."),
        ("status=lost", "status", "Unknown status “lost”. Choose one of: confirmed, seated"),
        # An empty status is not "any": the schema's enum refuses it, and so does the API.
        ("status=", "status", "Unknown status “”. Choose one of: confirmed, seated"),
        ("status=seated,", "status", "Unknown status “”. Choose one of: confirmed, seated"),
    ],
)
def test_days_bookings_with_a_bad_filter_answer_400(host_api, restaurant, query, field, message):
    response = host_api.get(f"/restaurants/{restaurant.pk}/bookings?{query}")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}: {message}")


def test_days_bookings_cost_four_queries_whatever_their_number(
    host_api, restaurant, tomorrow, django_assert_max_num_queries
):
    """The restaurant, the bookings with their guests, and their tables in one more."""
    for n in range(5):
        book(restaurant, tomorrow, name=f"Guest {n}", phone=f"+7912345678{n}")
    with django_assert_max_num_queries(4):
        response = host_api.get(f"/restaurants/{restaurant.pk}/bookings?date={tomorrow}")
    assert len(response.json()["bookings"]) == 5


# --- One booking ----------------------------------------------------------------------------


def test_booking_reads_as_it_was_made(host_api, restaurant, tomorrow):
    booking = book(restaurant, tomorrow, notes="Birthday")
    response = host_api.get(f"/bookings/{booking.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == booking.pk
    assert response.json()["notes"] == "Birthday"


def test_patch_changes_details_and_leaves_the_rest(host_api, restaurant, tomorrow):
    booking = book(restaurant, tomorrow, party_size=2, notes="Window")
    response = host_api.patch(
        f"/bookings/{booking.pk}",
        {"client_name": "Anna Petrova", "party_size": 6, "notes": None},
        format="json",
    )
    assert response.status_code == 200
    booking.refresh_from_db()
    assert (booking.client_name, booking.party_size, booking.notes) == ("Anna Petrova", 6, "Window")
    assert response.json()["party_size"] == 6


@pytest.mark.django_db(transaction=True)  # the cache is dropped after commit
def test_patch_moves_a_booking_and_both_slots_show_it(restaurant, host, tomorrow):
    client = api_client_for(host)
    booking = book(restaurant, tomorrow, "18:00")
    assert slot(client, restaurant, tomorrow, "18:00")["booked"] == 1
    response = client.patch(f"/bookings/{booking.pk}", {"time_slot": "19:00"}, format="json")
    assert response.status_code == 200
    assert slot(client, restaurant, tomorrow, "18:00")["booked"] == 0
    assert slot(client, restaurant, tomorrow, "19:00")["booked"] == 1


def test_moving_into_a_full_slot_answers_409_and_changes_nothing(host_api, restaurant, tomorrow):
    for n in range(restaurant.default_table_count):
        book(restaurant, tomorrow, "19:00", f"G{n}")
    booking = book(restaurant, tomorrow, "18:00")
    response = host_api.patch(
        f"/bookings/{booking.pk}", {"time_slot": "19:00", "notes": "moved"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "slot_full"
    booking.refresh_from_db()
    assert (booking.time_slot, booking.notes) == ("18:00", "")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"client_name": ""}, "client_name"),
        ({"time_slot": "18:30"}, "time_slot"),
        ({"date": "2020-01-01"}, "date"),
        ({"party_size": "many"}, "party_size"),
        ({"status": "seated"}, "status"),
    ],
)
def test_bad_patch_answers_400_and_changes_nothing(host_api, restaurant, tomorrow, changes, field):
    booking = book(restaurant, tomorrow)
    response = host_api.patch(f"/bookings/{booking.pk}", changes, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}: ")
    fresh = Booking.objects.get(pk=booking.pk)
    assert (fresh.client_name, fresh.time_slot, fresh.status) == ("Anna", "18:00", "confirmed")


# --- Status and cancellation ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("steps", "final"),
    [
        (["seated", "completed"], "completed"),
        (["no-show"], "no_show"),
        (["no_show", "confirmed"], "confirmed"),
        (["cancelled"], "cancelled"),
        (["seated", "cancelled"], "cancelled"),
    ],
)
def test_status_moves_along_the_bookings_life(service_day, host_api, restaurant, steps, final):
    booking = book(restaurant, service_day)
    for status in steps:
        response = host_api.post(
            f"/bookings/{booking.pk}/status", {"status": status}, format="json"
        )
        assert response.status_code == 200, response.content
    assert response.json()["status"] == final
    booking.refresh_from_db()
    assert booking.status == final


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("completed", "A confirmed booking cannot become completed."),
        ("lost", "Unknown status “lost”. Choose one of: confirmed, seated"),
        (5, "Unknown status “5”"),
    ],
)
def test_bad_status_answers_400(host_api, restaurant, tomorrow, status, message):
    booking = book(restaurant, tomorrow)
    response = host_api.post(f"/bookings/{booking.pk}/status", {"status": status}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("status: ")
    assert message in response.json()["detail"]
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_reinstating_into_a_full_slot_answers_409(host_api, restaurant, tomorrow):
    cancelled = book(restaurant, tomorrow, name="First")
    booking_set_status(booking=cancelled, status="cancelled")
    for n in range(restaurant.default_table_count):
        book(restaurant, tomorrow, name=f"G{n}")
    response = host_api.post(
        f"/bookings/{cancelled.pk}/status", {"status": "confirmed"}, format="json"
    )
    assert response.status_code == 409
    cancelled.refresh_from_db()
    assert cancelled.status == "cancelled"


@pytest.mark.django_db(transaction=True)  # the cache is dropped after commit
def test_cancel_frees_the_table_and_is_idempotent(restaurant, host, tomorrow):
    client = api_client_for(host)
    booking = book(restaurant, tomorrow)
    assert slot(client, restaurant, tomorrow)["free"] == 4
    for _ in range(2):
        response = client.post(f"/bookings/{booking.pk}/cancel")
        assert response.status_code == 200
        assert response.json()["status"] == "cancelled"
    assert slot(client, restaurant, tomorrow)["free"] == 5


def test_a_completed_booking_cannot_be_cancelled(service_day, host_api, restaurant):
    booking = book(restaurant, service_day)
    booking_set_status(booking=booking, status="seated")
    booking_set_status(booking=booking, status="completed")
    response = host_api.post(f"/bookings/{booking.pk}/cancel")
    assert response.status_code == 400
    assert response.json()["detail"] == "status: A completed booking cannot become cancelled."


# --- Tenant isolation -----------------------------------------------------------------------

BOOKING_ENDPOINTS = [
    ("get", "/bookings/{id}", None),
    ("patch", "/bookings/{id}", {"notes": "mine now"}),
    ("post", "/bookings/{id}/status", {"status": "cancelled"}),
    ("post", "/bookings/{id}/cancel", None),
]


@pytest.mark.parametrize(("method", "url", "data"), BOOKING_ENDPOINTS)
def test_booking_of_another_restaurant_answers_404_like_a_missing_one(
    host_api, other_restaurant, tomorrow, method, url, data
):
    theirs = book(other_restaurant, tomorrow)
    response = getattr(host_api, method)(url.format(id=theirs.pk), data, format="json")
    missing = getattr(host_api, method)(url.format(id=999_999), data, format="json")
    assert response.status_code == missing.status_code == 404
    assert (
        response.json() == missing.json() == {"detail": "Booking not found.", "code": "not_found"}
    )
    theirs.refresh_from_db()
    assert (theirs.status, theirs.notes) == ("confirmed", "")


@pytest.mark.parametrize(("method", "url", "data"), BOOKING_ENDPOINTS)
def test_bad_booking_id_answers_400(host_api, method, url, data):
    response = getattr(host_api, method)(url.format(id="abc"), data, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "booking_id: Must be a whole number."


def test_days_bookings_of_another_restaurant_answer_404(host_api, other_restaurant, tomorrow):
    book(other_restaurant, tomorrow)
    theirs = host_api.get(f"/restaurants/{other_restaurant.pk}/bookings?date={tomorrow}")
    missing = host_api.get(f"/restaurants/999999/bookings?date={tomorrow}")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


def test_a_user_of_two_restaurants_reaches_both(restaurant, other_restaurant, tomorrow):
    from restaurants.models import Membership

    user = make_user("both", restaurant=restaurant)
    Membership.objects.create(user=user, restaurant=other_restaurant, role="host")
    client = api_client_for(user)
    theirs = book(other_restaurant, tomorrow)
    assert client.get(f"/bookings/{theirs.pk}").status_code == 200
    assert client.get(f"/restaurants/{other_restaurant.pk}/bookings").status_code == 200
