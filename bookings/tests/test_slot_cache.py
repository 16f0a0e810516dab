from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.availability import cache as slot_cache
from bookings.availability import slots_for_day, slots_for_day_uncached, slots_json_for_day_by_id
from bookings.services import booking_cancel, booking_create
from restaurants.models import Restaurant
from restaurants.services import restaurant_update_settings, table_override_set


def book(restaurant, date, name="Anna"):
    return booking_create(restaurant=restaurant, date=date, time_slot="18:00", client_name=name)


def at(slots, time="18:00"):
    return next(s for s in slots if s["time"] == time)


@pytest.mark.django_db(transaction=True)
def test_every_change_of_the_day_shows_in_the_next_read(restaurant, tomorrow):
    assert at(slots_for_day(restaurant=restaurant, date=tomorrow))["booked"] == 0
    booking = book(restaurant, tomorrow)
    assert at(slots_for_day(restaurant=restaurant, date=tomorrow))["booked"] == 1
    booking_cancel(booking=booking)
    assert at(slots_for_day(restaurant=restaurant, date=tomorrow))["booked"] == 0
    table_override_set(restaurant=restaurant, date=tomorrow, table_count=2)
    assert at(slots_for_day(restaurant=restaurant, date=tomorrow))["free"] == 2
    restaurant_update_settings(
        restaurant=restaurant, closing_time=restaurant.closing_time.replace(hour=20)
    )
    assert slots_for_day(restaurant=restaurant, date=tomorrow)[-1]["time"] == "19:00"


def test_cached_read_makes_no_query(restaurant, tomorrow):
    slots_for_day(restaurant=restaurant, date=tomorrow)
    with CaptureQueriesContext(connection) as queries:
        slots_for_day(restaurant=restaurant, date=tomorrow)
    assert len(queries) == 0


@pytest.mark.parametrize("bookings", [0, 1, 5])
def test_uncached_read_is_one_query_whatever_the_bookings(restaurant, tomorrow, bookings):
    table_override_set(restaurant=restaurant, date=tomorrow, table_count=6)
    for n in range(bookings):
        book(restaurant, tomorrow, f"Guest {n}")
    with CaptureQueriesContext(connection) as queries:
        slots = slots_for_day_uncached(restaurant=restaurant, date=tomorrow)
    assert len(queries) == 1
    assert at(slots) == {"time": "18:00", "booked": bookings, "free": 6 - bookings}


def test_read_by_id_loads_the_restaurant_only_on_a_miss(restaurant, tomorrow):
    with CaptureQueriesContext(connection) as queries:
        first = slots_json_for_day_by_id(restaurant_id=restaurant.pk, date=tomorrow)
    assert len(queries) == 2
    with CaptureQueriesContext(connection) as queries:
        assert slots_json_for_day_by_id(restaurant_id=restaurant.pk, date=tomorrow) == first
    assert len(queries) == 0


def test_read_by_id_of_a_missing_restaurant_raises(db, tomorrow):
    with pytest.raises(Restaurant.DoesNotExist):
        slots_json_for_day_by_id(restaurant_id=999_999, date=tomorrow)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_redis_holds_the_briefs_key_value_and_ttl(restaurant, tomorrow):
    from django_redis import get_redis_connection

    redis = get_redis_connection("default")
    key = f"slots:{restaurant.pk}:{tomorrow.isoformat()}"
    slots = slots_for_day(restaurant=restaurant, date=tomorrow)
    assert json.loads(redis.get(key)) == slots
    assert 3590 <= redis.ttl(key) <= 3600
    book(restaurant, tomorrow)
    assert redis.get(key) is None  # dropped after commit
    assert at(slots_for_day(restaurant=restaurant, date=tomorrow))["booked"] == 1


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_read_that_raced_a_booking_is_not_cached(restaurant, tomorrow):
    from django_redis import get_redis_connection

    redis = get_redis_connection("default")
    key = slot_cache.slots_key(restaurant.pk, tomorrow)

    def stale_read_then_booking():
        stale = slots_for_day_uncached(restaurant=restaurant, date=tomorrow)
        book(restaurant, tomorrow)  # commits and bumps the generation mid-read
        return stale

    answer = slot_cache.read_through(restaurant.pk, tomorrow, stale_read_then_booking)
    assert at(answer)["booked"] == 0
    assert redis.get(key) is None
    assert at(slots_for_day(restaurant=restaurant, date=tomorrow))["booked"] == 1


@pytest.mark.django_db(transaction=True)
def test_redis_down_answers_from_the_database(restaurant, tomorrow, settings, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    from django.core.cache import caches

    caches._settings = None  # pick up the new CACHES
    try:
        book(restaurant, tomorrow)
        # The fast path's read finds nothing and leaves the answer to the full read.
        assert slot_cache.cached_json(restaurant.pk, tomorrow) is None
        assert at(slots_for_day(restaurant=restaurant, date=tomorrow))["booked"] == 1
        assert "Redis unavailable" in caplog.text
    finally:
        caches._settings = None
