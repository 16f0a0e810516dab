"""Writes of the outbox: record an event, plan its deliveries, make one, sweep, retry."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from crm import sql
from crm.outbox import channels, handover
from crm.outbox.models import Delivery, DeliveryAttempt, OutboxEvent

logger = logging.getLogger("crm.outbox")


def event_record(
    *,
    kind: str,
    restaurant_id: int,
    payload: dict,
    subject_id: int | None = None,
    dedupe_key: str | None = None,
) -> OutboxEvent | None:
    """Write an event in the caller's transaction; it goes to the queue once that commits.

    With `dedupe_key`, an event already recorded under it is not recorded again (None).
    """
    event = OutboxEvent(
        kind=kind,
        restaurant_id=restaurant_id,
        subject_id=subject_id,
        payload=payload,
        dedupe_key=dedupe_key,
    )
    if dedupe_key is None:
        # Written out: every booking records one, and the ORM's INSERT costs more than the
        # rest of the event. No signal is connected to the outbox's rows.
        sql.insert(event)
    else:
        try:
            with transaction.atomic():
                event.save()
        except IntegrityError:
            return None
    transaction.on_commit(lambda: hand_over(event.pk))
    return event


def hand_over(event_id: int) -> None:
    """Give an event to the queue. A broker that is down is logged: the sweep comes back."""
    try:
        handover.dispatch_later(event_id)
    except Exception:  # the broker is down or refused it: the sweep hands it over later
        logger.warning("outbox event %s not handed over; the sweep will", event_id, exc_info=True)


def _queue_delivery(delivery_id: int, *, countdown: float | None = None) -> None:
    from crm.tasks import deliver

    try:
        if countdown is None:
            deliver.delay(delivery_id)
        else:
            deliver.apply_async((delivery_id,), countdown=countdown)
    except Exception:
        logger.warning("delivery %s not handed over; the sweep will", delivery_id, exc_info=True)


def _eager() -> bool:
    from crm.celery import app

    return bool(app.conf.task_always_eager)


def event_dispatch(*, event_id: int, queue: bool = True) -> list[int]:
    """Plan an event's deliveries (once: one row per target) and queue those still pending
    (unless not `queue`); the ids of those pending."""
    event = OutboxEvent.objects.filter(pk=event_id).first()
    if event is None:
        return []
    if event.dispatched_at is None:
        rows = [
            Delivery(event=event, channel=channel.name, target=target)
            for channel in channels.all_channels()
            for target in channel.targets(event)
        ]
        with transaction.atomic():
            Delivery.objects.bulk_create(rows, ignore_conflicts=True)
            OutboxEvent.objects.filter(pk=event.pk, dispatched_at__isnull=True).update(
                dispatched_at=timezone.now()
            )
    pending = list(
        Delivery.objects.filter(event=event, status=Delivery.Status.PENDING).values_list(
            "pk", flat=True
        )
    )
    for delivery_id in pending if queue else ():
        _queue_delivery(delivery_id)
    return pending


def delivery_attempt(*, delivery_id: int, now: dt.datetime | None = None) -> Delivery | None:
    """Make one attempt at a pending delivery that is due, unless another worker is at it.

    The delivery's row is held (SELECT … FOR UPDATE SKIP LOCKED) until its outcome is
    written, so the same delivery handed over twice is sent once. None when there was nothing
    to do: already made, not yet due, or held by another worker.
    """
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event")
            .filter(pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        channel = channels.get(delivery.channel)
        if channel is None:
            outcome = channels.Outcome.failed(f"no channel {delivery.channel!r}", final=True)
        else:
            try:
                outcome = channel.send(delivery)
            except Exception as exc:  # one bad attempt is recorded, never lost
                logger.exception("delivery %s failed", delivery.pk)
                outcome = channels.Outcome.failed(f"{type(exc).__name__}: {exc}")
        delivery.attempts += 1
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error[:2000]
        DeliveryAttempt.objects.create(
            delivery=delivery, at=now, status_code=outcome.status_code, error=outcome.error[:2000]
        )
        delay = None
        if outcome.ok:
            delivery.status = (
                Delivery.Status.SKIPPED if outcome.skipped else Delivery.Status.DELIVERED
            )
            delivery.finished_at = now
        else:
            delay = None if outcome.final or channel is None else channel.retry_delay(delivery, now)
            if delay is None:
                delivery.status = Delivery.Status.FAILED
                delivery.finished_at = now
            else:
                delivery.next_attempt_at = now + delay
        delivery.save()
        if channel is not None:
            channel.after(delivery, outcome, now)
    if delay is not None and not _eager():
        # In-process (no broker) the next attempt waits for the sweep instead.
        _queue_delivery(delivery.pk, countdown=delay.total_seconds())
    return delivery


def outbox_sweep(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Hand over again what the queue has not acted on: events never dispatched and deliveries
    past their time, each older than OUTBOX_STUCK_SECONDS. Both steps are idempotent, so
    handing over something that was on its way after all costs one no-op task."""
    now = now or timezone.now()
    stuck = now - dt.timedelta(seconds=settings.OUTBOX_STUCK_SECONDS)
    events = list(
        OutboxEvent.objects.filter(dispatched_at__isnull=True, created_at__lte=stuck)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    for event_id in events:
        hand_over(event_id)
    deliveries = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=stuck)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:1000]
    )
    for delivery_id in deliveries:
        _queue_delivery(delivery_id)
    return len(events), len(deliveries)


def delivery_retry(*, deliveries: Iterable[Delivery]) -> int:
    """Try deliveries again now (admin's retry, the Settings page's replay): pending, due."""
    ids = [d.pk for d in deliveries]
    with transaction.atomic():
        count = Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.PENDING, next_attempt_at=timezone.now(), finished_at=None
        )
        for delivery_id in ids:
            transaction.on_commit(lambda pk=delivery_id: _queue_delivery(pk))
    return count


def events_redact(*, subject_ids: Iterable[int], redact: Callable[[dict], dict]) -> int:
    """Rewrite the payloads of these subjects' events (a guest forgotten: no later delivery
    may carry what was erased). Call it in the transaction that erases."""
    count = 0
    for event in OutboxEvent.objects.select_for_update().filter(subject_id__in=list(subject_ids)):
        event.payload = redact(event.payload)
        event.save(update_fields=["payload"])
        count += 1
    return count
