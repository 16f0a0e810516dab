"""End to end on a real Celery worker and Redis: the API's booking reaches a partner's
receiver, signed; failures are retried; a broker down at commit loses nothing and sends once;
a forgotten guest is named no more; a reminder goes once, for the booking's current time."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from standardwebhooks.webhooks import Webhook

from crm.outbox.models import Delivery, EventKind, OutboxEvent
from crm.tests.receiver import Receiver
from crm.tests.worker import wait_for
from crm.webhooks.services import endpoint_create

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


@pytest.fixture
def endpoint(restaurant, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = settings.WEBHOOK_ALLOW_HTTP = True
    return endpoint_create(
        restaurant=restaurant, url=receiver.url, events=list(EventKind.values[:5])
    )


def book(api, restaurant, date, **extra) -> int:
    body = {
        "restaurant_id": restaurant.pk,
        "date": str(date),
        "time_slot": "18:00",
        "client_name": "Иван",
        **extra,
    }
    response = api.post("/bookings", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()["booking_id"]


def test_a_booking_made_through_the_api_reaches_the_receiver_signed(
    celery_worker, restaurant, tomorrow, host_api, endpoint, receiver
):
    booking_id = book(host_api, restaurant, tomorrow)
    wait_for(lambda: receiver.received, what="the webhook")
    (got,) = receiver.received
    Webhook(endpoint.secret).verify(got.body, got.headers)  # raises when the signature is wrong
    assert got.json["type"] == "booking.created"
    assert got.json["data"]["booking"]["id"] == booking_id
    assert got.json["data"]["booking"] == host_api.get(f"/bookings/{booking_id}").json()


def test_a_receiver_answering_500_twice_gets_the_third_attempt(
    celery_worker, restaurant, tomorrow, host_api, endpoint, receiver
):
    receiver.answers = [500, 500]
    book(host_api, restaurant, tomorrow)
    wait_for(lambda: len(receiver.received) >= 3, what="three attempts")
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    delivery = wait_for(
        lambda: Delivery.objects.filter(target=endpoint.target, status="delivered").first(),
        what="the delivery marked delivered",
    )
    assert delivery.attempts == 3
    codes = list(delivery.tries.order_by("pk").values_list("status_code", flat=True))
    assert codes == [500, 500, 200]


def test_broker_down_at_commit_then_up_delivers_exactly_once(
    celery_worker, restaurant, tomorrow, host_api, endpoint, receiver
):
    celery_worker.proxy.stop()
    try:
        booking_id = book(host_api, restaurant, tomorrow)  # the answer does not wait for Redis
        event = OutboxEvent.objects.get(subject_id=booking_id)
        time.sleep(3)  # sweeps come and go meanwhile; none can reach the broker
        assert receiver.received == []
        event.refresh_from_db()
        assert event.dispatched_at is None
    finally:
        celery_worker.proxy.start()
    wait_for(lambda: receiver.received, seconds=90, what="the sweep's delivery")
    # Several sweeps later, still once.
    time.sleep(5)
    assert len(receiver.received) == 1
    assert receiver.received[0].json["data"]["booking"]["id"] == booking_id
    assert (
        Delivery.objects.filter(event__subject_id=booking_id, target=endpoint.target).count() == 1
    )


def test_a_forgotten_guests_later_payloads_carry_no_name_phone_or_email(
    celery_worker, restaurant, tomorrow, host_api, manager_api, endpoint, receiver
):
    booking_id = book(
        host_api,
        restaurant,
        tomorrow,
        client_name="Ирина Петрова",
        phone="89123456789",
        email="irina@example.com",
    )
    wait_for(lambda: receiver.received, what="the creation's webhook")
    guest_id = host_api.get(f"/bookings/{booking_id}").json()["guest_id"]
    assert manager_api.delete(f"/guests/{guest_id}").status_code == 204
    assert (
        host_api.patch(f"/bookings/{booking_id}", {"time_slot": "20:00"}, format="json").status_code
        == 200
    )
    assert host_api.post(f"/bookings/{booking_id}/cancel").status_code == 200
    wait_for(lambda: len(receiver.received) >= 4, what="the later webhooks")
    later = receiver.bodies()[1:]
    assert sorted(b["type"] for b in later) == [
        "booking.cancelled",
        "booking.changed",
        "guest.forgotten",
    ]
    for body in later:
        text = str(body)
        assert "Ирина" not in text and "irina@example.com" not in text
        assert "9123456789" not in text


def test_a_reminder_is_sent_once_for_the_bookings_current_time(
    celery_worker, restaurant, tomorrow, host_api
):
    from bookings.tasks import reminders_due

    restaurant.reminder_hours = 3
    restaurant.save()
    booking_id = book(host_api, restaurant, tomorrow, email="guest@example.com")
    assert (
        host_api.patch(f"/bookings/{booking_id}", {"time_slot": "20:00"}, format="json").status_code
        == 200
    )

    def at(hour: int) -> str:
        return dt.datetime.combine(tomorrow, dt.time(hour), tzinfo=restaurant.tz).isoformat()

    reminders_due.delay(now=at(16))  # two hours before the old time: nothing due now
    reminders_due.delay(now=at(18))  # two hours before the new time
    reminders_due.delay(now=at(19))  # again: already reminded for 20:00
    reminders = wait_for(
        lambda: list(Delivery.objects.filter(event__kind="booking.reminder", status="delivered")),
        what="the reminder",
    )
    time.sleep(3)
    sent = celery_worker.sent_mail()
    assert sent.count("Subject: See you soon at Blue Door") == 1
    assert "20:00" in sent.split("Subject: See you soon at Blue Door")[1]
    assert OutboxEvent.objects.filter(kind="booking.reminder").count() == 1
    assert len(reminders) == 1
