"""Idempotent booking: a request sent again with the same key answers what the first one did.

A client that lost the answer to `POST /bookings` (a timeout, a dropped connection) and sends it
again, or a host who clicks Book twice, must not book twice. The request carries a key of the
client's choosing (the API's `Idempotency-Key` header, the booking dialog's hidden field); the
booking core stores it with the booking it made, in the same transaction. For 24 hours the same
key from the same user with the same request answers that booking again, and writes nothing;
with another request it is refused.

Two requests with one key at once: under the restaurant's lock the second finds the first's
key; for two restaurants the unique constraint on (user, key) makes the second wait for the
first and fail, and it answers the first one's booking.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.exceptions import BookingInvalid, IdempotencyKeyReused
from bookings.models import Booking, IdempotencyKey

KEY_MAX = 255
KEEP_FOR = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Idempotency:
    """Who sent a booking request, under which key, and what the request said."""

    user_id: int
    key: str
    fingerprint: str

    @classmethod
    def of(cls, *, user_id: int, key: str, request: Any) -> Idempotency:
        """The key checked (BookingInvalid naming `idempotency_key`), the request fingerprinted.

        `request` is the request as parsed (JSON or form fields): the same data in another key
        order or spacing is the same request.
        """
        if not key or len(key) > KEY_MAX or not key.isprintable():
            raise BookingInvalid(
                "idempotency_key",
                _("The Idempotency-Key must be 1 to %(max)d printable characters.")
                % {"max": KEY_MAX},
            )
        text = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
        return cls(user_id=user_id, key=key, fingerprint=hashlib.sha256(text.encode()).hexdigest())


def earlier_booking(idempotency: Idempotency) -> Booking | None:
    """The booking an earlier request with this key made, or None when the key is new.

    Raises IdempotencyKeyReused when the key was used, within the day, for another request.
    """
    row = (
        IdempotencyKey.objects.filter(
            user_id=idempotency.user_id,
            key=idempotency.key,
            created_at__gte=timezone.now() - KEEP_FOR,
        )
        .select_related("booking__restaurant")
        .first()
    )
    if row is None:
        return None
    if row.fingerprint != idempotency.fingerprint:
        raise IdempotencyKeyReused(
            _(
                "This Idempotency-Key was already used for another booking request. "
                "Send a new key for a new request."
            )
        )
    return row.booking


def remember(idempotency: Idempotency, booking: Booking) -> None:
    """Store the key with the booking it made. Call it in the booking's transaction."""
    # Keys older than a day are forgotten: the user's own, whenever they store a new one.
    IdempotencyKey.objects.filter(
        user_id=idempotency.user_id, created_at__lt=timezone.now() - KEEP_FOR
    ).delete()
    IdempotencyKey.objects.create(
        user_id=idempotency.user_id,
        key=idempotency.key,
        fingerprint=idempotency.fingerprint,
        booking=booking,
    )
