"""The outbox's hand-over publishes Celery's own message for `outbox.dispatch`, on Redis.

No worker runs here: the messages stay in the broker's queue, where they are read and compared
with the one `dispatch.delay` publishes. That a worker acts on them is `test_worker.py`'s.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import urlsplit

import pytest
import redis as redis_client
from django.conf import settings

from crm.outbox import handover, services
from crm.tests.worker import BROKER_DB, _reset_publisher

pytestmark = pytest.mark.redis


@pytest.fixture
def broker():
    """The app publishing to a Redis database of its own, as a deployment's does."""
    from crm.celery import app

    url = urlsplit(settings.REDIS_URL)
    client = redis_client.Redis(host=url.hostname, port=url.port or 6379, db=BROKER_DB)
    client.flushdb()
    before = app.conf.broker_url
    app.conf.broker_url = f"redis://{url.hostname}:{url.port or 6379}/{BROKER_DB}"
    app.conf.task_always_eager = False
    _reset_publisher(app)
    try:
        yield client
    finally:
        app.conf.task_always_eager = True
        app.conf.broker_url = before
        _reset_publisher(app)
        client.flushdb()


def queued(client) -> list[dict]:
    """The queue's messages, oldest first, their bodies decoded."""
    messages = [json.loads(raw) for raw in reversed(client.lrange("celery", 0, -1))]
    for message in messages:
        message["body"] = json.loads(base64.b64decode(message["body"]))
    return messages


IDS = {"id", "root_id"}


def test_the_hand_over_is_the_message_celery_sends(broker):
    from crm.tasks import dispatch

    dispatch.delay(41)
    handover.dispatch_later(41)
    handover.dispatch_later(42)
    celery_s, ours, next_one = queued(broker)
    for message in (ours, next_one):
        assert {k: v for k, v in message["headers"].items() if k not in IDS} == {
            k: v for k, v in celery_s["headers"].items() if k not in IDS and k != "argsrepr"
        } | {"argsrepr": message["headers"]["argsrepr"]}
        assert message["headers"]["root_id"] == message["headers"]["id"]
        assert message["properties"]["correlation_id"] == message["headers"]["id"]
        unique = {"correlation_id", "delivery_tag"}
        assert {k: v for k, v in message["properties"].items() if k not in unique} == {
            k: v for k, v in celery_s["properties"].items() if k not in unique
        }
        assert {k: v for k, v in message.items() if k not in ("headers", "properties", "body")} == {
            k: v for k, v in celery_s.items() if k not in ("headers", "properties", "body")
        }
    assert celery_s["body"] == ours["body"]
    assert next_one["body"][0] == [42] and next_one["headers"]["argsrepr"] == "(42,)"
    assert len({m["headers"]["id"] for m in (celery_s, ours, next_one)}) == 3


def test_a_committed_event_is_handed_over_once(
    broker, restaurant, tomorrow, django_capture_on_commit_callbacks
):
    from bookings.services import booking_create
    from crm.outbox.models import OutboxEvent

    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(
            restaurant=restaurant, date=tomorrow, time_slot="18:00", client_name="Anna"
        )
        assert queued(broker) == []  # nothing before the commit
    event = OutboxEvent.objects.get(subject_id=booking.pk)
    (message,) = queued(broker)
    assert (message["headers"]["task"], message["body"][0]) == ("outbox.dispatch", [event.pk])


def test_a_broker_that_is_down_loses_the_hand_over_to_the_sweep_only(broker, caplog):
    from crm.celery import app

    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    _reset_publisher(app)
    handover.forget_templates()
    services.hand_over(7)  # logged, not raised
    assert "outbox event 7 not handed over" in caplog.text
