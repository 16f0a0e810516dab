"""The `crm` app's models; they live beside the code that uses them."""

from __future__ import annotations

from crm.outbox.models import Delivery, DeliveryAttempt, OutboxEvent
from crm.tokens.models import IssuedRefreshToken, TokenState
from crm.webhooks.models import WebhookEndpoint

__all__ = [
    "Delivery",
    "DeliveryAttempt",
    "IssuedRefreshToken",
    "OutboxEvent",
    "TokenState",
    "WebhookEndpoint",
]
