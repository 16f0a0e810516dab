"""The webhooks' outbox channel: which endpoints hear an event, and one attempt at one."""

from __future__ import annotations

import datetime as dt

import urllib3
from django.conf import settings
from django.utils import timezone

from crm.outbox import channels
from crm.outbox.channels import Outcome
from crm.outbox.models import PUBLIC_KINDS, Delivery, OutboxEvent
from crm.webhooks import delivery as http
from crm.webhooks.models import WebhookEndpoint
from crm.webhooks.services import endpoint_attempted, window

NAME = "webhook"


def targets(event: OutboxEvent) -> list[str]:
    if event.kind not in PUBLIC_KINDS:
        return []
    endpoints = WebhookEndpoint.objects.filter(restaurant_id=event.restaurant_id, is_active=True)
    return [e.target for e in endpoints if event.kind in e.events]


def _endpoint_id(delivery: Delivery) -> int:
    return int(delivery.target.split(":", 1)[1])


def message_id(event: OutboxEvent) -> str:
    """The `webhook-id`: one per event, the same on every retry, so a receiver can dedupe."""
    return f"msg_{event.uuid.hex}"


def send(delivery: Delivery) -> Outcome:
    endpoint = WebhookEndpoint.objects.filter(pk=_endpoint_id(delivery)).first()
    if endpoint is None:
        return Outcome.failed("endpoint removed", final=True)
    if not endpoint.is_active:
        return Outcome.failed("endpoint turned off", final=True)
    body = http.body_for(delivery.event)
    headers = http.signed_headers(endpoint.secret, message_id(delivery.event), body, timezone.now())
    try:
        status = http.post(endpoint.url, body, headers)
    except http.WebhookUrlRefused as exc:
        return Outcome.failed(f"refused: {exc}")
    except urllib3.exceptions.HTTPError as exc:
        return Outcome.failed(f"{type(exc).__name__}: {exc}")
    if 200 <= status < 300:
        return Outcome.sent(status)
    return Outcome.failed(f"answered {status}", status)


def retry_delay(delivery: Delivery, now: dt.datetime) -> dt.timedelta | None:
    return channels.backoff(
        delivery, now, base_seconds=settings.WEBHOOK_RETRY_BASE_SECONDS, window=window()
    )


def after(delivery: Delivery, outcome: Outcome, now: dt.datetime) -> None:
    if outcome.final:
        return
    endpoint_attempted(endpoint_id=_endpoint_id(delivery), outcome=outcome, now=now)


CHANNEL = channels.Channel(
    name=NAME, targets=targets, send=send, retry_delay=retry_delay, after=after
)
