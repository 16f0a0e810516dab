"""Settings → Webhooks: managers add endpoints (the secret shown once), read the log, replay."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bookings.services import booking_create
from crm.outbox.models import Delivery, OutboxEvent
from crm.tests.receiver import Receiver
from crm.webhooks.models import WebhookEndpoint

URL = "/app/settings/webhooks/"


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = settings.WEBHOOK_ALLOW_HTTP = True
    with Receiver() as r:
        yield r


def add(client, **data):
    form = {"url": "https://pos.example.com/hook", "events": ["booking.created"], **data}
    return client.post(URL, form)


def test_a_manager_adds_an_endpoint_and_sees_its_secret_once(manager_client, restaurant):
    response = add(manager_client, description="POS", events=["booking.created", "guest.forgotten"])
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.restaurant, endpoint.url, endpoint.description) == (
        restaurant,
        "https://pos.example.com/hook",
        "POS",
    )
    assert endpoint.events == ["booking.created", "guest.forgotten"]
    first = manager_client.get(URL).content.decode()
    assert endpoint.secret in first and endpoint.secret.startswith("whsec_")
    again = manager_client.get(URL).content.decode()
    assert endpoint.secret not in again and "pos.example.com/hook" in again


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"url": "http://pos.example.com/"}, "url", "https://"),
        ({"url": "https://10.0.0.7/hook"}, "url", "public address"),
        ({"url": "https://127.0.0.1/hook"}, "url", "public address"),
        ({"url": "https://169.254.169.254/latest"}, "url", "public address"),
        ({"url": "not a url"}, "url", "https://"),
        ({"events": []}, "events", "at least one event"),
        ({"events": ["booking.teleported"]}, "events", "booking.teleported"),
    ],
)
def test_a_bad_endpoint_is_refused_beside_its_field(manager_client, data, field, message):
    response = add(manager_client, **data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-field-error="{field}"' in html
    assert message in html
    assert not WebhookEndpoint.objects.exists()


def test_hosts_may_not_manage_webhooks(host_client, restaurant):
    assert host_client.get(URL).status_code == 403
    assert add(host_client).status_code == 403
    assert not WebhookEndpoint.objects.exists()


def test_another_restaurants_endpoint_answers_404_like_a_missing_one(
    manager_client, other_restaurant
):
    theirs = WebhookEndpoint.objects.create(restaurant=other_restaurant, url="https://x.example/")
    for action in ("remove", "turn-on"):
        assert manager_client.post(f"{URL}{theirs.pk}/{action}/").status_code == 404
        assert manager_client.post(f"{URL}{theirs.pk + 99}/{action}/").status_code == 404
    assert WebhookEndpoint.objects.filter(pk=theirs.pk).exists()


def test_the_log_shows_deliveries_and_replays_one(
    manager_client,
    restaurant,
    other_restaurant,
    tomorrow,
    receiver,
    django_capture_on_commit_callbacks,
):
    endpoint = WebhookEndpoint.objects.create(
        restaurant=restaurant, url=receiver.url, events=["booking.created"]
    )
    receiver.answers = [503]
    with django_capture_on_commit_callbacks(execute=True):
        booking_create(restaurant=restaurant, date=tomorrow, time_slot="18:00", client_name="A")
    delivery = Delivery.objects.get(target=endpoint.target)
    assert (delivery.status, delivery.last_status_code) == ("pending", 503)
    html = manager_client.get(URL).content.decode()
    assert "booking.created" in html and "503" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(f"{URL}deliveries/{delivery.pk}/replay/")
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_status_code) == ("delivered", 200)
    assert len(receiver.received) == 2
    # Another restaurant's delivery: 404, as a missing one.
    theirs = WebhookEndpoint.objects.create(
        restaurant=other_restaurant, url=receiver.url, events=["booking.created"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        booking_create(
            restaurant=other_restaurant, date=tomorrow, time_slot="18:00", client_name="B"
        )
    foreign = Delivery.objects.get(target=theirs.target)
    assert manager_client.post(f"{URL}deliveries/{foreign.pk}/replay/").status_code == 404
    assert manager_client.post(f"{URL}deliveries/{foreign.pk + 99}/replay/").status_code == 404
    assert OutboxEvent.objects.count() == 2


def test_a_turned_off_endpoint_shows_a_banner_and_can_be_turned_on(manager_client, restaurant):
    endpoint = WebhookEndpoint.objects.create(
        restaurant=restaurant,
        url="https://pos.example.com/hook",
        is_active=False,
        failing_since=timezone.now(),
        disabled_at=timezone.now(),
    )
    settings_page = manager_client.get("/app/settings/").content.decode()
    assert 'data-testid="webhook-off"' in settings_page
    assert 'data-testid="endpoint-off"' in manager_client.get(URL).content.decode()
    assert manager_client.post(f"{URL}{endpoint.pk}/turn-on/").status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.failing_since is None and endpoint.disabled_at is None
    assert 'data-testid="webhook-off"' not in manager_client.get("/app/settings/").content.decode()


def test_removing_an_endpoint_stops_its_pending_deliveries(manager_client, restaurant, tomorrow):
    endpoint = WebhookEndpoint.objects.create(
        restaurant=restaurant, url="https://pos.example.com/hook", events=["booking.created"]
    )
    booking_create(restaurant=restaurant, date=tomorrow, time_slot="18:00", client_name="A")
    from crm.outbox import services as outbox

    outbox.event_dispatch(event_id=OutboxEvent.objects.get().pk, queue=False)
    assert manager_client.post(f"{URL}{endpoint.pk}/remove/").status_code == 302
    assert not WebhookEndpoint.objects.exists()
    assert Delivery.objects.get(target=endpoint.target).status == "failed"


def test_the_reminder_setting_is_saved_on_the_settings_page(manager_client, restaurant):
    form = {
        "name": restaurant.name,
        "default_table_count": 5,
        "opening_time": "12:00",
        "closing_time": "23:00",
        "slot_minutes": 60,
        "reminder_hours": 3,
    }
    assert manager_client.post("/app/settings/", form).status_code == 302
    restaurant.refresh_from_db()
    assert restaurant.reminder_hours == 3
    bad = manager_client.post("/app/settings/", {**form, "reminder_hours": 0})
    assert 'data-field-error="reminder_hours"' in bad.content.decode()
    restaurant.refresh_from_db()
    assert restaurant.reminder_hours == 3
