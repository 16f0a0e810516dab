"""`GET /bookings/{restaurant_id}/{date}`: the brief's slots, its Redis key, and its cost."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from bookings.services import booking_create
from conftest import api_client_for, api_login, make_user
from restaurants.models import Restaurant
from restaurants.services import table_override_set


def url(restaurant_id, date) -> str:
    return f"/bookings/{restaurant_id}/{date}"


def book(restaurant, date, time_slot="18:00", name="Иван"):
    return booking_create(restaurant=restaurant, date=date, time_slot=time_slot, client_name=name)


def at(slots: list[dict], time: str = "18:00") -> dict:
    return next(s for s in slots if s["time"] == time)


def test_slots_answer_the_briefs_shape_every_slot_in_order(host_api, restaurant, tomorrow):
    book(restaurant, tomorrow, "18:00", "Anna")
    book(restaurant, tomorrow, "18:00", "Boris")
    response = host_api.get(url(restaurant.pk, tomorrow.isoformat()))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"restaurant_id", "date", "slots"}
    assert (body["restaurant_id"], body["date"]) == (restaurant.pk, tomorrow.isoformat())
    assert [s["time"] for s in body["slots"]] == restaurant.slot_times()
    assert at(body["slots"]) == {"time": "18:00", "booked": 2, "free": 3}
    assert at(body["slots"], "12:00") == {"time": "12:00", "booked": 0, "free": 5}


def test_slots_of_a_past_day_can_be_read(host_api, restaurant):
    response = host_api.get(url(restaurant.pk, "2020-02-29"))
    assert response.status_code == 200
    assert response.json()["date"] == "2020-02-29"


def test_slots_follow_the_days_table_count(host_api, restaurant, tomorrow):
    table_override_set(restaurant=restaurant, date=tomorrow, table_count=2)
    slots = host_api.get(url(restaurant.pk, tomorrow)).json()["slots"]
    assert at(slots) == {"time": "18:00", "booked": 0, "free": 2}


@pytest.mark.parametrize(
    ("rid", "date", "field", "message"),
    [
        ("{rid}", "2025-13-01", "date", "Enter a real date as YYYY-MM-DD."),
        ("{rid}", "2025-02-30", "date", "Enter a real date as YYYY-MM-DD."),
        ("{rid}", "tomorrow", "date", "Enter a real date as YYYY-MM-DD."),
        ("{rid}", "20250101", "date", "Enter a real date as YYYY-MM-DD."),
        ("{rid}", "2025-1-1", "date", "Enter a real date as YYYY-MM-DD."),
        ("abc", "2025-01-01", "restaurant_id", "Must be a whole number."),
        ("-1", "2025-01-01", "restaurant_id", "Must be a whole number."),
        ("0", "2025-01-01", "restaurant_id", "greater than or equal to 1"),
        ("9" * 30, "2025-01-01", "restaurant_id", "less than or equal to"),
    ],
)
def test_bad_path_answers_400_naming_it(host_api, restaurant, rid, date, field, message):
    response = host_api.get(url(rid.format(rid=restaurant.pk), date))
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith(f"{field}: ")
    assert message in body["detail"]
    assert message in body["errors"][field][0]


def test_other_restaurant_answers_404_like_a_missing_one(host_api, other_restaurant, tomorrow):
    theirs = host_api.get(url(other_restaurant.pk, tomorrow))
    missing = host_api.get(url(999_999, tomorrow))
    assert theirs.status_code == missing.status_code == 404
    assert (
        theirs.json() == missing.json() == {"detail": "Restaurant not found.", "code": "not_found"}
    )


def test_superuser_reads_any_restaurant_and_gets_404_for_a_missing_one(
    superuser, restaurant, other_restaurant, tomorrow
):
    client = api_client_for(superuser)
    assert client.get(url(other_restaurant.pk, tomorrow)).status_code == 200
    missing = client.get(url(999_999, tomorrow))
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Restaurant not found."


@pytest.mark.parametrize("bookings", [0, 1, 5])
def test_slots_read_costs_three_queries_uncached_and_one_cached(
    host_api, restaurant, tomorrow, bookings, django_assert_max_num_queries
):
    table_override_set(restaurant=restaurant, date=tomorrow, table_count=6)
    for n in range(bookings):
        book(restaurant, tomorrow, name=f"Guest {n}")
    with django_assert_max_num_queries(3):  # the user, the restaurant, the day's counts
        first = host_api.get(url(restaurant.pk, tomorrow))
    assert at(first.json()["slots"]) == {"time": "18:00", "booked": bookings, "free": 6 - bookings}
    with django_assert_max_num_queries(1):  # the user only
        second = host_api.get(url(restaurant.pk, tomorrow))
    assert second.json() == first.json()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_redis_holds_the_briefs_key_after_a_read_and_drops_it_after_a_booking():
    from django_redis import get_redis_connection

    redis = get_redis_connection("default")
    client = APIClient()
    api_login(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)  # the brief's admin
    day = Restaurant.objects.get(pk=1).today() + dt.timedelta(days=1)
    key = f"slots:1:{day.isoformat()}"

    first = client.get(url(1, day))
    assert first.status_code == 200
    assert json.loads(redis.get(key)) == first.json()["slots"]
    assert 3590 <= redis.ttl(key) <= 3600

    booked = client.post(
        "/bookings",
        {"restaurant_id": 1, "date": day.isoformat(), "time_slot": "18:00", "client_name": "Иван"},
        format="json",
    )
    assert booked.status_code == 201
    assert redis.get(key) is None  # dropped after the booking committed

    second = client.get(url(1, day))
    assert at(second.json()["slots"])["booked"] == at(first.json()["slots"])["booked"] + 1
    assert json.loads(redis.get(key)) == second.json()["slots"]


@pytest.mark.django_db(transaction=True)
def test_redis_down_slots_and_bookings_still_answer(restaurant, tomorrow, settings, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    client = api_client_for(make_user("walkin", restaurant=restaurant))
    assert client.get(url(restaurant.pk, tomorrow)).status_code == 200
    booked = client.post(
        "/bookings",
        {
            "restaurant_id": restaurant.pk,
            "date": tomorrow.isoformat(),
            "time_slot": "18:00",
            "client_name": "Anna",
        },
        format="json",
    )
    assert booked.status_code == 201
    slots = client.get(url(restaurant.pk, tomorrow))
    assert slots.status_code == 200
    assert at(slots.json()["slots"])["booked"] == 1
    assert "Redis unavailable" in caplog.text
