"""`Idempotency-Key` on `POST /bookings` and the booking dialog: a request sent again books once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connections
from rest_framework.test import APIClient

from bookings.models import Booking, IdempotencyKey
from conftest import api_client_for, api_login, make_user


def body(restaurant, day, **changes) -> dict:
    return {
        "restaurant_id": restaurant.pk,
        "date": day.isoformat(),
        "time_slot": "18:00",
        "client_name": "Иван",
        **changes,
    }


def post(client, data: dict, key: str | None = "order-1"):
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post("/bookings", data, format="json", **headers)


def test_the_same_key_and_body_answer_the_first_booking_and_write_nothing(
    host_api, restaurant, tomorrow
):
    first = post(host_api, body(restaurant, tomorrow))
    assert first.status_code == 201
    again = post(host_api, {**body(restaurant, tomorrow)})  # the same body, sent again
    assert again.status_code == 201
    assert again.json() == first.json() == {"status": "ok", "booking_id": Booking.objects.get().pk}
    assert again["Location"] == first["Location"]


def test_the_same_body_in_another_key_order_is_the_same_request(host_api, restaurant, tomorrow):
    data = body(restaurant, tomorrow, party_size=3)
    first = post(host_api, data)
    reordered = dict(reversed(list(data.items())))
    assert post(host_api, reordered).json() == first.json()
    assert Booking.objects.count() == 1


def test_a_replay_answers_201_even_once_the_slot_is_full(host_api, restaurant, tomorrow):
    first = post(host_api, body(restaurant, tomorrow))
    for n in range(4):
        post(host_api, body(restaurant, tomorrow, client_name=f"Guest {n}"), key=None)
    assert post(host_api, body(restaurant, tomorrow), key=None).status_code == 409
    assert post(host_api, body(restaurant, tomorrow)).json() == first.json()


def test_the_same_key_with_another_body_answers_422_and_writes_nothing(
    host_api, restaurant, tomorrow
):
    post(host_api, body(restaurant, tomorrow))
    response = post(host_api, body(restaurant, tomorrow, time_slot="19:00"))
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert "Idempotency-Key was already used" in response.json()["detail"]
    assert Booking.objects.count() == 1


def test_without_a_key_each_request_books(host_api, restaurant, tomorrow):
    post(host_api, body(restaurant, tomorrow), key=None)
    post(host_api, body(restaurant, tomorrow), key=None)
    assert Booking.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_keys_belong_to_their_user(host_api, restaurant, tomorrow):
    other = api_client_for(make_user("colleague", restaurant=restaurant))
    post(host_api, body(restaurant, tomorrow))
    assert post(other, body(restaurant, tomorrow)).status_code == 201
    assert Booking.objects.count() == 2


def test_a_key_is_kept_for_24_hours(host_api, restaurant, tomorrow):
    data = body(restaurant, tomorrow + dt.timedelta(days=2))
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as clock:
        assert post(host_api, data).status_code == 201
        clock.shift(dt.timedelta(hours=23, minutes=59))
        api_login(host_api, "host")  # the first access token has expired meanwhile
        assert post(host_api, data).status_code == 201
        assert Booking.objects.count() == 1
        clock.shift(dt.timedelta(minutes=2))
        assert post(host_api, data).status_code == 201
        assert Booking.objects.count() == 2  # a day later the key is new again
        assert IdempotencyKey.objects.count() == 1  # and the old one is gone


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there"])
def test_a_bad_key_answers_400_naming_it(host_api, restaurant, tomorrow, key):
    response = post(host_api, body(restaurant, tomorrow), key=key)
    assert response.status_code == 400
    assert "idempotency_key" in response.json()["errors"]
    assert not Booking.objects.exists()


def test_a_key_of_255_characters_is_accepted(host_api, restaurant, tomorrow):
    assert post(host_api, body(restaurant, tomorrow), key="k" * 255).status_code == 201


def test_a_refused_request_stores_no_key(host_api, restaurant, tomorrow):
    assert post(host_api, body(restaurant, tomorrow, time_slot="03:00")).status_code == 400
    assert post(host_api, body(restaurant, tomorrow)).status_code == 201  # the key is still new


def concurrently(token: str, bodies: list[dict], key: str) -> list[tuple[int, dict]]:
    start = threading.Barrier(len(bodies))
    answers: list = [None] * len(bodies)

    def send(index: int) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        try:
            start.wait()
            response = post(client, bodies[index], key=key)
            answers[index] = (response.status_code, response.json())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_make_one_booking(host, restaurant, tomorrow):
    token = api_login(APIClient(), "host")["access_token"]
    for round_ in range(20):
        day = tomorrow + dt.timedelta(days=round_)
        answers = concurrently(token, [body(restaurant, day)] * 8, key=f"round-{round_}")
        assert {code for code, _ in answers} == {201}, answers
        assert len({answer["booking_id"] for _, answer in answers}) == 1
    assert Booking.objects.count() == 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_key_sent_at_once_to_two_restaurants_books_one(restaurant, other_restaurant, tomorrow):
    user = make_user("both", restaurant=restaurant)
    user.memberships.create(restaurant=other_restaurant, role="host")
    token = api_login(APIClient(), "both")["access_token"]
    for round_ in range(20):
        day = tomorrow + dt.timedelta(days=round_)
        bodies = [body(restaurant, day), body(other_restaurant, day)]
        answers = concurrently(token, bodies, key=f"round-{round_}")
        assert sorted(code for code, _ in answers) == [201, 422], answers
    assert Booking.objects.count() == 20


# --- The booking dialog ----------------------------------------------------------------------


def dialog_post(client, day, key: str, **changes):
    return client.post(
        "/app/bookings/new/",
        {
            "date": day.isoformat(),
            "time_slot": "19:00",
            "client_name": "Anna",
            "party_size": 2,
            "idempotency_key": key,
            **changes,
        },
        HTTP_HX_REQUEST="true",
    )


def test_the_dialog_carries_a_new_key_each_time_it_opens(host_client, tomorrow):
    url = f"/app/bookings/new/?date={tomorrow}&slot=19:00"
    keys = [host_client.get(url).context["form"]["idempotency_key"].value() for _ in range(2)]
    assert all(len(key) == 32 for key in keys) and keys[0] != keys[1]
    assert 'name="idempotency_key"' in host_client.get(url).text


def test_the_dialog_sent_twice_books_once(host_client, tomorrow):
    assert dialog_post(host_client, tomorrow, "k1").status_code == 200
    assert dialog_post(host_client, tomorrow, "k1").status_code == 200
    assert Booking.objects.count() == 1


def test_a_used_dialog_sent_with_other_details_says_so(host_client, tomorrow):
    dialog_post(host_client, tomorrow, "k1")
    response = dialog_post(host_client, tomorrow, "k1", client_name="Boris")
    assert "This booking form has already made a booking" in response.text
    assert Booking.objects.count() == 1
