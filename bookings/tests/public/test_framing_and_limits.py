"""Framing: the public page only by the restaurant's listed sites, the rest of the app never.
Abuse limits: 429 with Retry-After per address and per phone, the honeypot, the minimum time,
and with Redis unreachable the page still books (the limits fail open and say so)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from bookings.models import Booking
from bookings.public import limits
from bookings.public.forms import started_token

pytestmark = pytest.mark.django_db


def details(day: dt.date, n: int = 0, **extra) -> dict:
    return {
        "party_size": 2,
        "date": day.isoformat(),
        "time_slot": f"{12 + n % 11}:00",
        "client_name": "Anna Petrova",
        "phone": "+7 912 345-67-89",
        "consent": "on",
        "started": started_token(),
        **extra,
    }


def frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(p.strip() for p in policy.split(";") if p.strip().startswith("frame-ancestors"))


def test_the_page_may_be_framed_only_by_the_listed_origins(client, online):
    online.online_frame_origins = "https://www.blue-door.example\nhttp://localhost:3000"
    online.save()
    response = client.get("/r/blue-door/")
    assert frame_ancestors(response) == (
        "frame-ancestors https://www.blue-door.example http://localhost:3000"
    )
    assert "X-Frame-Options" not in response


def test_without_listed_origins_the_page_cannot_be_framed(client, online):
    response = client.get("/r/blue-door/")
    assert frame_ancestors(response) == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_the_rest_of_the_app_stays_unframeable(client, online, manager_client):
    online.online_frame_origins = "https://www.blue-door.example"
    online.save()
    for response in (
        client.get("/app/login/"),
        manager_client.get("/app/settings/"),
        manager_client.get("/app/bookings/"),
    ):
        assert frame_ancestors(response) == "frame-ancestors 'none'"
        assert response["X-Frame-Options"] == "DENY"


def test_bookings_per_address_are_limited_with_retry_after(client, online, day, settings):
    settings.PUBLIC_LIMITS = {"booking-ip": (2, 3600)}
    for n in range(2):
        assert (
            client.post("/r/blue-door/book/", details(day, n, phone=f"+7912000000{n}")).status_code
            == 302
        )
    response = client.post("/r/blue-door/book/", details(day, 2, phone="+79120000002"))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert "Please wait a little" in response.content.decode()
    assert Booking.objects.count() == 2


def test_bookings_per_phone_are_limited_however_it_is_typed(client, online, day, settings):
    settings.PUBLIC_LIMITS = {"booking-phone": (1, 3600)}
    assert client.post("/r/blue-door/book/", details(day, 0)).status_code == 302
    response = client.post("/r/blue-door/book/", details(day, 1, phone="8 (912) 345 67 89"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Booking.objects.count() == 1


def test_a_phone_has_a_cap_per_day(client, online, day, settings):
    settings.PUBLIC_LIMITS = {"booking-phone-day": (2, 86400)}
    for n in range(2):
        assert client.post("/r/blue-door/book/", details(day, n)).status_code == 302
    response = client.post("/r/blue-door/book/", details(day, 3))
    assert response.status_code == 429
    assert int(response["Retry-After"]) <= 86400
    assert Booking.objects.count() == 2


def test_a_filled_honeypot_books_nothing(client, online, day):
    response = client.post("/r/blue-door/book/", details(day, website="http://spam.example"))
    assert response.status_code == 400
    assert "could not be sent" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_form_sent_faster_than_a_person_types_books_nothing(client, online, day, settings):
    settings.PUBLIC_FORM_MIN_SECONDS = 3
    response = client.post("/r/blue-door/book/", details(day))
    assert response.status_code == 400
    assert "That was very quick" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_forged_start_time_is_refused(client, online, day):
    response = client.post("/r/blue-door/book/", details(day, started="1700000000"))
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_a_booking_posted_from_another_site_is_refused(client, online, day):
    response = client.post("/r/blue-door/book/", details(day), HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert not Booking.objects.exists()


@pytest.mark.redis
def test_limits_are_counted_in_redis(client, online, day, settings):
    from django_redis import get_redis_connection

    settings.PUBLIC_LIMITS = {"booking-ip": (5, 3600)}
    client.post("/r/blue-door/book/", details(day))
    keys = list(get_redis_connection("default").scan_iter("public-limit:booking-ip:*"))
    assert len(keys) == 1
    assert int(get_redis_connection("default").get(keys[0])) == 1
    assert 0 < get_redis_connection("default").ttl(keys[0]) <= 3600
    assert "127.0.0.1" not in keys[0].decode()  # a digest, not the address


def test_with_redis_unreachable_the_page_still_books_and_logs_it(
    client, online, day, settings, caplog
):
    closed = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.REDIS_URL = closed
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": closed,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    settings.PUBLIC_LIMITS = {"booking-ip": (0, 3600)}  # would refuse everything if counted
    with caplog.at_level(logging.WARNING, logger="bookings.public.limits"):
        page = client.get("/r/blue-door/", {"party": 2, "date": day.isoformat()})
        assert page.status_code == 200
        response = client.post("/r/blue-door/book/", details(day))
    assert response.status_code == 302
    assert Booking.objects.filter(source=Booking.Source.ONLINE).count() == 1
    assert "Abuse limits failed open" in caplog.text


def test_a_limit_resets_with_its_window(settings, time_machine):
    settings.PUBLIC_LIMITS = {"chat-ip": (1, 60)}
    time_machine.move_to(dt.datetime(2030, 1, 1, 12, 0, 10, tzinfo=dt.UTC), tick=False)
    limits.hit("chat-ip", "203.0.113.9")
    with pytest.raises(limits.Limited) as refused:
        limits.hit("chat-ip", "203.0.113.9")
    assert refused.value.retry_after == 50
    limits.hit("chat-ip", "198.51.100.1")  # another address counts apart
    time_machine.move_to(dt.datetime(2030, 1, 1, 12, 1, 0, tzinfo=dt.UTC), tick=False)
    limits.hit("chat-ip", "203.0.113.9")
