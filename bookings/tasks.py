"""The bookings' periodic tasks (beat: CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone


@shared_task(name="bookings.reminders_due")
def reminders_due(now: str | None = None) -> int:
    """Record the reminders now due; `now` (ISO 8601) stands in for the clock when given."""
    from bookings.emails.reminders import reminders_due as record

    return record(now=dt.datetime.fromisoformat(now) if now else None)


@shared_task(name="bookings.cleanup_idempotency_keys")
def cleanup_idempotency_keys() -> int:
    """Idempotency keys answer for a day (`bookings.idempotency.KEEP_FOR`); then they go."""
    from bookings.idempotency import KEEP_FOR
    from bookings.models import IdempotencyKey

    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
    return deleted
