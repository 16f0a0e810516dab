"""The guests' e-mails as an outbox channel: which events mail the guest, and one sending.

Whether to send is decided again when sending, on the booking as it stands: nothing to a guest
without an address or who was forgotten meanwhile, no reminder for a visit that moved (the
reminder for its new time is its own event) or was cancelled.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bookings.emails.messages import Kind, booking_message
from bookings.models import Booking
from crm.outbox import channels
from crm.outbox.channels import Outcome
from crm.outbox.models import Delivery, EventKind, OutboxEvent

NAME = "email"
KINDS = {
    EventKind.BOOKING_CREATED: Kind.CONFIRMATION,
    EventKind.BOOKING_CHANGED: Kind.CHANGE,
    EventKind.BOOKING_CANCELLED: Kind.CANCELLATION,
    EventKind.BOOKING_REMINDER: Kind.REMINDER,
}
# A change the guest hears about: when, and for how many.
VISIT_FIELDS = {"date", "time_slot", "party_size"}
RETRY_BASE_SECONDS = 60
RETRY_WINDOW = dt.timedelta(hours=6)


def targets(event: OutboxEvent) -> list[str]:
    if event.kind not in KINDS:
        return []
    booking = event.payload.get("booking") or {}
    if event.kind != EventKind.BOOKING_REMINDER and not booking.get("email"):
        return []
    if event.kind == EventKind.BOOKING_CHANGED and not VISIT_FIELDS & set(
        event.payload.get("changed", ())
    ):
        return []
    return [NAME]


def send(delivery: Delivery) -> Outcome:
    event = delivery.event
    booking = (
        Booking.objects.select_related("restaurant").filter(pk=event.subject_id).first()
        if event.subject_id
        else None
    )
    if booking is None:
        return Outcome.nothing_to_send("the booking is gone")
    if booking.forgotten:
        return Outcome.nothing_to_send("the guest was forgotten")
    if not booking.email:
        return Outcome.nothing_to_send("no e-mail address")
    kind = KINDS[event.kind]
    if kind == Kind.REMINDER and (
        booking.status != Booking.Status.CONFIRMED
        or booking.starts_at.isoformat() != event.payload.get("starts_at")
        or booking.starts_at <= timezone.now()
    ):
        return Outcome.nothing_to_send("the visit moved, was cancelled or has begun")
    if kind in (Kind.CONFIRMATION, Kind.CHANGE) and not booking.is_active:
        return Outcome.nothing_to_send("the booking is no longer active")
    booking_message(booking, kind).send()
    return Outcome.sent()


def retry_delay(delivery: Delivery, now: dt.datetime) -> dt.timedelta | None:
    return channels.backoff(delivery, now, base_seconds=RETRY_BASE_SECONDS, window=RETRY_WINDOW)


CHANNEL = channels.Channel(name=NAME, targets=targets, send=send, retry_delay=retry_delay)
