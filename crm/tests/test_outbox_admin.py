"""The outbox and webhook endpoints in Django admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bookings.services import booking_create
from conftest import make_user, page_client_for
from crm.outbox import services as outbox
from crm.outbox.models import Delivery, OutboxEvent
from crm.tests.receiver import Receiver
from crm.webhooks.models import WebhookEndpoint


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = settings.WEBHOOK_ALLOW_HTTP = True
    with Receiver() as r:
        yield r


@pytest.fixture
def staff_manager(restaurant):
    return make_user("boss", restaurant=restaurant, role="manager", is_staff=True)


def test_a_superuser_retries_a_failed_delivery_from_admin(
    admin_client, restaurant, tomorrow, receiver, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpoint.objects.create(
        restaurant=restaurant, url=receiver.url, events=["booking.created"]
    )
    receiver.answers = [500]
    booking_create(restaurant=restaurant, date=tomorrow, time_slot="18:00", client_name="Иван")
    outbox.event_dispatch(event_id=OutboxEvent.objects.get().pk, queue=False)
    delivery = Delivery.objects.get(target=endpoint.target)
    outbox.delivery_attempt(delivery_id=delivery.pk)
    assert admin_client.get(reverse("admin:crm_delivery_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:crm_delivery_change", args=[delivery.pk]))
    assert "answered 500" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:crm_delivery_changelist"),
            {"action": "retry", "_selected_action": [delivery.pk]},
        )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 200)
    assert len(receiver.received) == 2


def test_the_outbox_is_for_superusers_only(staff_manager, restaurant):
    client = page_client_for(staff_manager)
    for name in ("admin:crm_delivery_changelist", "admin:crm_outboxevent_changelist"):
        assert client.get(reverse(name)).status_code == 403


def test_adding_an_endpoint_in_admin_shows_its_secret_once(staff_manager, restaurant, receiver):
    client = page_client_for(staff_manager)
    response = client.post(
        reverse("admin:crm_webhookendpoint_add"),
        {
            "restaurant": restaurant.pk,
            "url": "https://partner.example.com/hooks",
            "events": ["booking.created", "booking.cancelled"],
            "description": "POS",
            "is_active": "on",
        },
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["booking.created", "booking.cancelled"]
    assert endpoint.secret in response.content.decode()
    again = client.get(reverse("admin:crm_webhookendpoint_change", args=[endpoint.pk]))
    assert endpoint.secret not in again.content.decode()


def test_admin_refuses_a_plain_http_url(staff_manager, restaurant, settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    client = page_client_for(staff_manager)
    response = client.post(
        reverse("admin:crm_webhookendpoint_add"),
        {
            "restaurant": restaurant.pk,
            "url": "http://partner.example.com/",
            "events": ["booking.created"],
        },
    )
    assert response.status_code == 200
    assert "https://" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_a_manager_reaches_only_their_restaurants_endpoints(
    staff_manager, restaurant, other_restaurant
):
    own = WebhookEndpoint.objects.create(restaurant=restaurant, url="https://a.example.com/")
    theirs = WebhookEndpoint.objects.create(
        restaurant=other_restaurant, url="https://b.example.com/"
    )
    client = page_client_for(staff_manager)
    listing = client.get(reverse("admin:crm_webhookendpoint_changelist")).content.decode()
    assert "a.example.com" in listing and "b.example.com" not in listing
    foreign = client.get(reverse("admin:crm_webhookendpoint_change", args=[theirs.pk]))
    missing = client.get(reverse("admin:crm_webhookendpoint_change", args=[theirs.pk + 100]))
    assert foreign.status_code == missing.status_code == 302
    assert client.get(reverse("admin:crm_webhookendpoint_change", args=[own.pk])).status_code == 200
