"""The outbox in-process (no broker): events written with the change, deliveries made once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from bookings.exceptions import SlotFull
from bookings.guests.services import guest_forget
from bookings.models import Booking, Guest
from bookings.services import booking_cancel, booking_create, booking_set_status, booking_update
from crm.outbox import services as outbox
from crm.outbox.models import Delivery, DeliveryAttempt, EventKind, OutboxEvent
from crm.tests.receiver import Receiver
from crm.webhooks.services import endpoint_create


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


@pytest.fixture
def hooks_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    settings.WEBHOOK_ALLOW_HTTP = True


@pytest.fixture
def endpoint(restaurant, receiver, hooks_allowed):
    return endpoint_create(
        restaurant=restaurant, url=receiver.url, events=list(EventKind.values[:5])
    )


def book(restaurant, date, time_slot="18:00", **extra) -> Booking:
    extra.setdefault("client_name", "Иван")
    return booking_create(restaurant=restaurant, date=date, time_slot=time_slot, **extra)


def kinds() -> list[str]:
    return list(OutboxEvent.objects.order_by("pk").values_list("kind", flat=True))


def test_each_booking_write_records_its_event(restaurant, service_day):
    # Today's booking: seated is for the booking's own day.
    booking = book(restaurant, service_day, email="ivan@example.com")
    booking_update(booking=booking, time_slot="19:00")
    booking_set_status(booking=booking, status="seated")
    booking_set_status(booking=booking, status="confirmed")
    booking_cancel(booking=booking)
    assert kinds() == [
        "booking.created",
        "booking.changed",
        "booking.status_changed",
        "booking.status_changed",
        "booking.cancelled",
    ]
    created, changed, *_, cancelled = OutboxEvent.objects.order_by("pk")
    assert created.payload["booking"]["id"] == booking.pk
    assert created.payload["booking"]["time_slot"] == "18:00"
    assert created.payload["booking"]["email"] == "ivan@example.com"
    assert changed.payload["booking"]["time_slot"] == "19:00"
    assert changed.payload["changed"] == ["time_slot"]
    assert cancelled.payload["previous_status"] == "confirmed"
    assert {e.subject_id for e in OutboxEvent.objects.all()} == {booking.pk}


def test_a_refused_booking_records_nothing(restaurant, tomorrow):
    restaurant.table_overrides.create(date=tomorrow, table_count=1)
    book(restaurant, tomorrow)
    with pytest.raises(SlotFull):
        book(restaurant, tomorrow, client_name="Пётр")
    assert kinds() == ["booking.created"]


def test_an_update_that_changes_nothing_records_nothing(restaurant, tomorrow):
    booking = book(restaurant, tomorrow)
    booking_update(booking=booking, time_slot="18:00", client_name="Иван")
    assert kinds() == ["booking.created"]


def test_the_payload_is_the_booking_as_the_api_shows_it(restaurant, tomorrow, host_api):
    response = host_api.post(
        "/bookings",
        {
            "restaurant_id": restaurant.pk,
            "date": str(tomorrow),
            "time_slot": "18:00",
            "client_name": "Анна",
            "party_size": 3,
        },
        format="json",
    )
    booking_id = response.json()["booking_id"]
    shown = host_api.get(f"/bookings/{booking_id}").json()
    event = OutboxEvent.objects.get()
    assert event.payload["booking"] == shown


def test_an_events_booking_is_the_apis_booking(restaurant, tomorrow):
    """The payload is composed without DRF's serializer: field for field what BookingOut shows,
    on both floors, with and without a guest, tables known or read, in another time zone."""
    from django.utils import timezone as tz

    from bookings.api.serializers import BookingOut
    from bookings.changes import booking_out
    from bookings.tests.floors import describe_floor

    plain = book(restaurant, tomorrow, phone="89123456789", email="a@example.com", notes="Tea")
    unnamed = book(restaurant, tomorrow, "19:00", client_name="Nobody in the book")
    booking_cancel(booking=unnamed)
    described = restaurant.__class__.objects.create(name="Described", time_zone="Asia/Tokyo")
    tables = describe_floor(described)
    seated = booking_create(
        restaurant=described,
        date=tomorrow,
        time_slot="20:00",
        client_name="Пётр",
        party_size=4,
        table_ids=[tables["H1"].pk, tables["H2"].pk],
    )
    assert [t.name for t in seated.tables.all()] == ["H1", "H2"]
    for zone in ("Europe/Moscow", "UTC", "America/New_York"):
        with tz.override(zone):
            for booking in (plain, unnamed, seated):
                fresh = Booking.objects.get(pk=booking.pk)
                shown = dict(BookingOut(fresh).data)
                assert booking_out(fresh) == shown
                assert list(booking_out(fresh)) == list(shown)  # the same fields, in order
                held = [tables["H2"], tables["H1"]]  # given in any order, shown by position
                if booking is seated:
                    assert booking_out(fresh, tables=held) == shown


def test_a_forgotten_guests_event_payload_is_redacted(restaurant, tomorrow):
    booking = book(restaurant, tomorrow, phone="89123456789", notes="Window")
    Booking.objects.filter(pk=booking.pk).update(forgotten=True)
    booking_set_status(booking=booking, status="cancelled")
    payload = OutboxEvent.objects.filter(kind="booking.cancelled").get().payload["booking"]
    assert (payload["client_name"], payload["phone"], payload["notes"]) == ("", "", "")
    assert payload["id"] == booking.pk


def test_a_recorded_event_reads_back_as_written(restaurant, tomorrow):
    booking = book(restaurant, tomorrow)
    event = OutboxEvent.objects.get(subject_id=booking.pk)
    assert (event.kind, event.restaurant_id, event.dedupe_key, event.dispatched_at) == (
        "booking.created",
        restaurant.pk,
        None,
        None,
    )
    assert event.uuid is not None and event.created_at <= timezone.now()
    # Each event is its own row, under its own id and uuid.
    second = book(restaurant, tomorrow, "19:00")
    other = OutboxEvent.objects.get(subject_id=second.pk)
    assert other.pk > event.pk and other.uuid != event.uuid


def test_dispatch_plans_one_delivery_per_target_however_often_it_runs(
    restaurant, tomorrow, endpoint, receiver
):
    booking = book(restaurant, tomorrow, email="ivan@example.com")
    event = OutboxEvent.objects.get(subject_id=booking.pk)
    outbox.event_dispatch(event_id=event.pk, queue=False)
    outbox.event_dispatch(event_id=event.pk, queue=False)
    targets = sorted(Delivery.objects.filter(event=event).values_list("target", flat=True))
    assert targets == ["email", endpoint.target]
    for delivery in Delivery.objects.filter(event=event):
        outbox.delivery_attempt(delivery_id=delivery.pk)
        assert outbox.delivery_attempt(delivery_id=delivery.pk) is None  # made already
    assert len(receiver.received) == 1
    assert len(mail.outbox) == 1
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}


@pytest.mark.django_db(transaction=True)
def test_a_committed_booking_reaches_the_endpoint_signed(restaurant, tomorrow, endpoint, receiver):
    booking = book(restaurant, tomorrow)
    (got,) = receiver.received
    Webhook(endpoint.secret).verify(got.body, got.headers)
    assert got.json["type"] == "booking.created"
    assert got.json["data"]["booking"]["id"] == booking.pk
    assert got.headers["webhook-id"] == f"msg_{OutboxEvent.objects.get().uuid.hex}"
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == ("delivered", 200)


@pytest.mark.django_db(transaction=True)
def test_an_endpoint_hears_only_its_events(restaurant, tomorrow, receiver, hooks_allowed):
    endpoint_create(restaurant=restaurant, url=receiver.url, events=["booking.cancelled"])
    booking = book(restaurant, tomorrow)
    booking_update(booking=booking, time_slot="19:00")
    booking_cancel(booking=booking)
    assert [b["type"] for b in receiver.bodies()] == ["booking.cancelled"]


@pytest.mark.django_db(transaction=True)
def test_another_restaurants_endpoint_hears_nothing(
    restaurant, other_restaurant, tomorrow, receiver, hooks_allowed
):
    endpoint_create(restaurant=other_restaurant, url=receiver.url, events=["booking.created"])
    book(restaurant, tomorrow)
    assert receiver.received == []


def test_a_failed_attempt_is_tried_again_later_with_a_longer_wait(
    restaurant, tomorrow, endpoint, receiver, settings
):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    receiver.answers = [500, 503]
    book(restaurant, tomorrow)
    event = OutboxEvent.objects.get()
    outbox.event_dispatch(event_id=event.pk, queue=False)
    delivery = Delivery.objects.get(target=endpoint.target)
    start = timezone.now()
    first = outbox.delivery_attempt(delivery_id=delivery.pk, now=start)
    assert (first.status, first.last_status_code) == ("pending", 500)
    assert first.next_attempt_at == start + dt.timedelta(seconds=30)
    # Not yet due: nothing is sent.
    assert outbox.delivery_attempt(delivery_id=delivery.pk, now=start) is None
    second = outbox.delivery_attempt(delivery_id=delivery.pk, now=first.next_attempt_at)
    assert second.last_status_code == 503
    assert second.next_attempt_at == first.next_attempt_at + dt.timedelta(seconds=60)
    third = outbox.delivery_attempt(delivery_id=delivery.pk, now=second.next_attempt_at)
    assert (third.status, third.attempts, third.last_status_code) == ("delivered", 3, 200)
    assert len(receiver.received) == 3
    assert list(DeliveryAttempt.objects.order_by("pk").values_list("status_code", flat=True)) == [
        500,
        503,
        200,
    ]


def test_a_redirect_is_a_failure_and_is_not_followed(restaurant, tomorrow, endpoint, receiver):
    receiver.answers = [302]
    book(restaurant, tomorrow)
    outbox.event_dispatch(event_id=OutboxEvent.objects.get().pk, queue=False)
    delivery = Delivery.objects.get(target=endpoint.target)
    result = outbox.delivery_attempt(delivery_id=delivery.pk)
    assert (result.status, result.last_status_code) == ("pending", 302)
    assert len(receiver.received) == 1


def test_a_day_of_failures_turns_the_endpoint_off_and_tells_the_managers(
    restaurant, tomorrow, endpoint, receiver, manager, django_capture_on_commit_callbacks
):
    manager.email = "boss@example.com"
    manager.save()
    receiver.answers = [500] * 50
    book(restaurant, tomorrow)
    outbox.event_dispatch(event_id=OutboxEvent.objects.get().pk, queue=False)
    delivery = Delivery.objects.get(target=endpoint.target)
    now = delivery.created_at
    attempts = 0
    with django_capture_on_commit_callbacks(execute=True):
        while (result := outbox.delivery_attempt(delivery_id=delivery.pk, now=now)) is not None:
            attempts += 1
            if result.status != "pending":
                break
            now = result.next_attempt_at
    assert result.status == "failed"
    assert now == delivery.created_at + dt.timedelta(hours=24)
    assert attempts == len(receiver.received) > 5
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at is not None
    (notice,) = [m for m in mail.outbox if "boss@example.com" in m.to]
    assert endpoint.url in notice.subject


def test_the_sweep_hands_over_events_the_queue_never_got(restaurant, tomorrow, endpoint, receiver):
    # Recorded in a transaction that commits in this test's own: nothing was handed over.
    book(restaurant, tomorrow)
    event = OutboxEvent.objects.get()
    assert event.dispatched_at is None
    assert outbox.outbox_sweep(now=timezone.now()) == (0, 0)  # not stuck yet
    later = timezone.now() + dt.timedelta(minutes=5)
    assert outbox.outbox_sweep(now=later) == (1, 0)
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert len(receiver.received) == 1
    assert outbox.outbox_sweep(now=later) == (0, 0)


def test_retry_makes_a_failed_delivery_again(restaurant, tomorrow, endpoint, receiver):
    book(restaurant, tomorrow)
    outbox.event_dispatch(event_id=OutboxEvent.objects.get().pk, queue=False)
    delivery = Delivery.objects.get(target=endpoint.target)
    outbox.delivery_attempt(delivery_id=delivery.pk)
    assert outbox.delivery_retry(deliveries=[delivery]) == 1
    assert Delivery.objects.get(pk=delivery.pk).status == "pending"
    outbox.delivery_attempt(delivery_id=delivery.pk)
    assert len(receiver.received) == 2


def test_forgetting_a_guest_strips_every_later_payload(restaurant, tomorrow, endpoint, receiver):
    booking = book(
        restaurant, tomorrow, client_name="Ирина", phone="89123456789", email="irina@example.com"
    )
    guest = Guest.objects.get()
    guest_id = guest.pk
    guest_forget(guest=guest)
    booking.refresh_from_db()
    assert booking.forgotten
    # Its creation, recorded before, and a change made after: neither names her.
    booking_update(booking=booking, time_slot="20:00")
    for event in OutboxEvent.objects.order_by("pk"):
        outbox.event_dispatch(event_id=event.pk, queue=False)
    for delivery in Delivery.objects.filter(target=endpoint.target).order_by("pk"):
        outbox.delivery_attempt(delivery_id=delivery.pk)
    bodies = receiver.bodies()
    assert [b["type"] for b in bodies] == ["booking.created", "guest.forgotten", "booking.changed"]
    for body in bodies:
        text = str(body)
        assert "Ирина" not in text and "irina@" not in text and "9123456789" not in text
    assert bodies[1]["data"] == {"guest_id": guest_id, "booking_ids": [booking.pk]}
    assert mail.outbox == []  # nor is she written to
    assert set(Delivery.objects.filter(target="email").values_list("status", flat=True)) <= {
        "skipped"
    }
