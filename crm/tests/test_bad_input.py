"""Hostile and broken requests: each is refused with a 4xx JSON error and writes nothing.

What a real server refuses before Django sees it (over-long header lines) is in
`test_faults.py`, against the production server.
"""

from __future__ import annotations

import pytest

from bookings.models import Booking
from restaurants.models import Restaurant

TEN_MB = 10 * 1024 * 1024


def booking_body(restaurant, day) -> dict:
    return {
        "restaurant_id": restaurant.pk,
        "date": day.isoformat(),
        "time_slot": "18:00",
        "client_name": "Иван",
    }


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["detail"] and body["code"]
    return body


@pytest.mark.parametrize("path", ["/bookings", "/auth/login"])
def test_a_ten_megabyte_body_answers_413(host_api, restaurant, path):
    raw = b'{"client_name": "' + b"x" * TEN_MB + b'"}'
    response = host_api.generic("POST", path, raw, content_type="application/json")
    body = assert_json_error(response, 413)
    assert body["code"] == "too_large"
    assert "256 KB" in body["detail"]
    assert not Booking.objects.exists()


def test_a_large_form_sign_in_answers_413(anon_api, host):
    raw = "username=host&password=" + "x" * (300 * 1024)
    response = anon_api.generic(
        "POST", "/auth/login", raw, content_type="application/x-www-form-urlencoded"
    )
    assert_json_error(response, 413)


@pytest.mark.parametrize(
    ("content_type", "status"),
    [
        (";;;==", 415),
        ("", 415),
        ("text/plain", 415),
        ("application/json; charset=no-such-charset", 201),  # unknown charset: read as UTF-8
        ("application/json; charset=utf-16", 400),  # a UTF-8 body is not UTF-16
        ("application/json; boundary", 201),
    ],
)
def test_a_broken_content_type_is_refused_or_read_safely(
    host_api, restaurant, tomorrow, content_type, status
):
    import json

    raw = json.dumps(booking_body(restaurant, tomorrow)).encode()
    response = host_api.generic("POST", "/bookings", raw, content_type=content_type)
    if status == 201:
        assert response.status_code == 201, response.content
        assert Booking.objects.count() == 1
    else:
        assert_json_error(response, status)
        assert not Booking.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        b'{"client_name": "\xe9\xff"}',  # Latin-1, not UTF-8
        b"\xff\xfe{\x00}\x00",
        b"\x00\x01\x02",
    ],
)
def test_a_body_that_is_not_utf8_answers_400(host_api, restaurant, raw):
    response = host_api.generic("POST", "/bookings", raw, content_type="application/json")
    body = assert_json_error(response, 400)
    assert "not valid JSON" in body["detail"]
    assert not Booking.objects.exists()


@pytest.mark.parametrize("depth", [2_000, 40_000])  # both under the 256 KB bound
@pytest.mark.parametrize("opening", [b"[", b'{"a":'])
def test_deeply_nested_json_answers_400(host_api, manager_api, restaurant, depth, opening):
    raw = opening * depth
    before = Restaurant.objects.filter(pk=restaurant.pk).values().get()
    for client, method, path in [
        (host_api, "POST", "/bookings"),
        (host_api, "POST", "/auth/login"),
        (manager_api, "PUT", f"/restaurants/{restaurant.pk}/settings"),
    ]:
        response = client.generic(method, path, raw, content_type="application/json")
        body = assert_json_error(response, 400)
        assert body["code"] == "parse_error"
    assert not Booking.objects.exists()
    assert Restaurant.objects.filter(pk=restaurant.pk).values().get() == before


def test_nested_but_decodable_json_is_a_field_error(host_api, restaurant, tomorrow):
    import json

    body = booking_body(restaurant, tomorrow)
    nested: object = "Иван"
    for _ in range(500):
        nested = [nested]
    body["client_name"] = nested
    response = host_api.post("/bookings", json.dumps(body), content_type="application/json")
    assert assert_json_error(response, 400)["errors"] == {"client_name": ["Must be a string."]}


@pytest.mark.parametrize(
    "header",
    [
        "junk",
        "Bearer",
        "Bearer a b c",
        "Bearer not.a.token",
        "Bearer " + "a" * 100_000,
        "Bearer " + "é" * 100,
        "Basic dXNlcjpwYXNz",
        "Bearer \x00\x01",
    ],
)
def test_a_junk_authorization_header_answers_401(anon_api, restaurant, tomorrow, header):
    response = anon_api.post(
        "/bookings",
        booking_body(restaurant, tomorrow),
        format="json",
        HTTP_AUTHORIZATION=header,
    )
    assert_json_error(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Booking.objects.exists()


def test_a_bogus_content_length_is_not_trusted(host_api, restaurant, tomorrow):
    import json

    raw = json.dumps(booking_body(restaurant, tomorrow)).encode()
    response = host_api.generic(
        "POST", "/bookings", raw, content_type="application/json", CONTENT_LENGTH="lots"
    )
    # Read as an empty body: a field error, never a 500.
    assert_json_error(response, 400)
    assert not Booking.objects.exists()


@pytest.mark.parametrize("forged", ["?&8eQzo", "evil.example.com", "a" * 300])
def test_a_forged_host_header_answers_400_json_on_the_api(host_api, restaurant, tomorrow, forged):
    response = host_api.post(
        "/bookings", booking_body(restaurant, tomorrow), format="json", HTTP_HOST=forged
    )
    assert assert_json_error(response, 400)["code"] == "bad_request"
    assert not Booking.objects.exists()


def test_a_forged_host_header_on_a_page_answers_the_400_page(client, db):
    response = client.get("/app/login/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "path", ["/bookings/1/2025-01-01/extra", "/auth/login/", "/guests", "/assistants/x"]
)
def test_an_unknown_api_path_answers_404_json(host_api, path):
    """Unmatched, but it starts as the API's paths do: the API's JSON 404."""
    assert assert_json_error(host_api.get(path), 404)["code"] == "not_found"


@pytest.mark.parametrize("path", ["/nothing", "/r/no-such-restaurant/"])
def test_an_unknown_path_outside_the_api_answers_the_404_page(client, db, path):
    """What the API's URL namespace does not hold is a page's: a public page's 404 is HTML."""
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_unknown_page_answers_the_404_page(client, db):
    response = client.get("/app/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "accept",
    ["", "*/*", "application/json", "application/json; charset=utf-8", "text/*, */*;q=0.1"],
)
def test_any_accept_header_that_takes_json_gets_json(host_api, restaurant, tomorrow, accept):
    response = host_api.get(f"/bookings/{restaurant.pk}/{tomorrow}", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["restaurant_id"] == restaurant.pk


def test_a_client_that_takes_no_json_gets_406_in_json(host_api, restaurant, tomorrow):
    response = host_api.get(f"/bookings/{restaurant.pk}/{tomorrow}", HTTP_ACCEPT="text/html")
    assert_json_error(response, 406)


def test_an_unknown_format_override_is_not_found(host_api, restaurant, tomorrow):
    response = host_api.get(f"/bookings/{restaurant.pk}/{tomorrow}?format=xml")
    assert_json_error(response, 404)
