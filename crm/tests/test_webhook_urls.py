"""Where webhooks may go: https only, public addresses only (resolved and checked), no
redirects, a timeout; plain http and private addresses only when allowed (DEBUG, tests)."""

from __future__ import annotations

import pytest
from django.utils import translation

from crm.outbox.models import Delivery, EventKind, OutboxEvent
from crm.outbox.services import delivery_attempt, event_dispatch
from crm.tests.receiver import Receiver
from crm.webhooks.delivery import WebhookUrlRefused, check_url_form, resolve
from crm.webhooks.models import WebhookEndpoint


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English, whatever an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def production(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    settings.WEBHOOK_ALLOW_HTTP = False


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://partner.example.com/hook", "https://"),
        ("ftp://partner.example.com/hook", "https://"),
        ("https://user:pw@partner.example.com/hook", "user name"),
        ("https://127.0.0.1/hook", "public address"),
        ("https://10.1.2.3/hook", "public address"),
        ("https://192.168.0.10/hook", "public address"),
        ("https://169.254.169.254/latest/meta-data", "public address"),
        ("https://[::1]/hook", "public address"),
        ("https://[::ffff:127.0.0.1]/hook", "public address"),
        ("https://[fe80::1]/hook", "public address"),
        ("https://partner.example.com:99999/", "valid URL"),
    ],
)
def test_unsafe_urls_are_refused(production, url, why):
    with pytest.raises(WebhookUrlRefused, match=why):
        check_url_form(url)


def test_a_public_https_url_passes(production):
    assert check_url_form("https://partner.example.com:8443/hook?x=1") == (
        "https",
        "partner.example.com",
        8443,
    )


def test_a_name_that_resolves_to_loopback_is_refused(production):
    with pytest.raises(WebhookUrlRefused, match="public address"):
        resolve("localhost", 443)


def test_loopback_is_allowed_when_the_setting_says_so(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    assert "127.0.0.1" in resolve("localhost", 443)


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


def attempt(restaurant, receiver) -> Delivery:
    endpoint = WebhookEndpoint.objects.create(
        restaurant=restaurant, url=receiver.url, events=[EventKind.BOOKING_CREATED]
    )
    event = OutboxEvent.objects.create(
        kind=EventKind.BOOKING_CREATED, restaurant_id=restaurant.pk, payload={"booking": {}}
    )
    event_dispatch(event_id=event.pk, queue=False)
    delivery = Delivery.objects.get(target=endpoint.target)
    return delivery_attempt(delivery_id=delivery.pk)


def test_a_stored_endpoint_on_a_private_address_is_never_called(restaurant, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    settings.WEBHOOK_ALLOW_HTTP = True
    result = attempt(restaurant, receiver)
    assert result.status == "pending" and "public address" in result.last_error
    assert receiver.received == []


def test_a_slow_receiver_times_out(restaurant, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    receiver.delay = 3
    result = attempt(restaurant, receiver)
    assert result.status == "pending"
    assert result.last_status_code is None
    assert "timed out" in result.last_error.lower()
