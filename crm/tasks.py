"""The outbox's tasks and the plumbing's periodic cleanup (beat: CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from crm.outbox import services


@shared_task(name="outbox.dispatch")
def dispatch(event_id: int) -> int:
    return len(services.event_dispatch(event_id=event_id))


@shared_task(name="outbox.deliver")
def deliver(delivery_id: int) -> str | None:
    delivery = services.delivery_attempt(delivery_id=delivery_id)
    return None if delivery is None else delivery.status


@shared_task(name="outbox.sweep")
def sweep() -> tuple[int, int]:
    return services.outbox_sweep()


@shared_task(
    name="crm.send_mail",
    bind=True,
    max_retries=8,
    default_retry_delay=30,
)
def send_mail_task(self, *, to: str, subject: str, body: str) -> None:
    """A staff mail (`crm.mail`); a refused one is tried again, 30 s, 1 min, 2 min, … later."""
    from crm.mail import mail_send

    if not mail_send(to=to, subject=subject, body=body) and not self.request.is_eager:
        raise self.retry(countdown=30 * 2**self.request.retries)


@shared_task(name="crm.cleanup_expired")
def cleanup_expired() -> int:
    """Refresh tokens past their expiry, and outbox events finished a month ago."""
    from crm.outbox.models import Delivery, OutboxEvent
    from crm.tokens.models import IssuedRefreshToken

    now = timezone.now()
    tokens, _ = IssuedRefreshToken.objects.filter(expires_at__lt=now).delete()
    old = OutboxEvent.objects.filter(
        created_at__lt=now - dt.timedelta(days=30), dispatched_at__isnull=False
    ).exclude(deliveries__status=Delivery.Status.PENDING)
    events, _ = old.delete()
    return tokens + events
