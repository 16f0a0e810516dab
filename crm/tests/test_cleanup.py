"""Beat's housekeeping: expired refresh tokens, day-old idempotency keys and outbox events
finished a month ago go; everything still in use stays."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bookings.models import IdempotencyKey
from bookings.services import booking_create
from bookings.tasks import cleanup_idempotency_keys
from crm.outbox.models import Delivery, OutboxEvent
from crm.tasks import cleanup_expired
from crm.tokens.models import IssuedRefreshToken


def test_expired_rows_are_deleted_and_live_ones_kept(host, restaurant, tomorrow):
    now = timezone.now()
    IssuedRefreshToken.objects.create(jti="old", user=host, expires_at=now - dt.timedelta(hours=1))
    IssuedRefreshToken.objects.create(jti="live", user=host, expires_at=now + dt.timedelta(hours=1))
    booking = booking_create(
        restaurant=restaurant, date=tomorrow, time_slot="18:00", client_name="Иван"
    )
    old_key = IdempotencyKey.objects.create(user=host, key="a", fingerprint="x", booking=booking)
    IdempotencyKey.objects.filter(pk=old_key.pk).update(created_at=now - dt.timedelta(hours=25))
    IdempotencyKey.objects.create(user=host, key="b", fingerprint="x", booking=booking)

    month_ago = now - dt.timedelta(days=31)
    done = OutboxEvent.objects.create(
        kind="booking.created",
        restaurant_id=restaurant.pk,
        created_at=month_ago,
        dispatched_at=month_ago,
    )
    Delivery.objects.create(event=done, channel="email", target="email", status="delivered")
    waiting = OutboxEvent.objects.create(
        kind="booking.created",
        restaurant_id=restaurant.pk,
        created_at=month_ago,
        dispatched_at=month_ago,
    )
    Delivery.objects.create(event=waiting, channel="email", target="email", status="pending")
    never = OutboxEvent.objects.create(
        kind="booking.created", restaurant_id=restaurant.pk, created_at=month_ago
    )

    cleanup_expired()
    cleanup_idempotency_keys()

    assert list(IssuedRefreshToken.objects.values_list("jti", flat=True)) == ["live"]
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["b"]
    kept = set(OutboxEvent.objects.values_list("pk", flat=True))
    assert done.pk not in kept and {waiting.pk, never.pk} <= kept
