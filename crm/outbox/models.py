"""The outbox's rows: events, their deliveries, and each delivery's attempts."""

from __future__ import annotations

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    BOOKING_CREATED = "booking.created", _("Booking created")
    BOOKING_CHANGED = "booking.changed", _("Booking changed")
    BOOKING_STATUS_CHANGED = "booking.status_changed", _("Booking status changed")
    BOOKING_CANCELLED = "booking.cancelled", _("Booking cancelled")
    GUEST_FORGOTTEN = "guest.forgotten", _("Guest forgotten")
    # Internal: the e-mail reminder a set number of hours before a visit; no webhook hears it.
    BOOKING_REMINDER = "booking.reminder", _("Booking reminder")


# What a webhook endpoint may subscribe to.
PUBLIC_KINDS = tuple(k for k in EventKind.values if k != EventKind.BOOKING_REMINDER)


class OutboxEvent(models.Model):
    """Something that happened, written in the same transaction as the change itself."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("event"), max_length=40, choices=EventKind.choices)
    # Plain ids: the outbox is plumbing below the apps whose events it carries.
    restaurant_id = models.BigIntegerField(_("restaurant id"), db_index=True)
    subject_id = models.BigIntegerField(_("booking id"), null=True, blank=True, db_index=True)
    # Set for an event that must be recorded once only (a reminder for a visit's time).
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    payload = models.JSONField(encoder=DjangoJSONEncoder, default=dict)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    # When a worker planned its deliveries; empty means the queue has not got it yet.
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(dispatched_at__isnull=True),
                name="outbox_event_undispatched",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class Delivery(models.Model):
    """One event sent to one target. Unique per (event, target): handed over twice, it is made
    once; the worker that makes it holds its row (SELECT … FOR UPDATE SKIP LOCKED)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        SKIPPED = "skipped", _("Nothing to send")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=20)
    target = models.CharField(_("target"), max_length=60)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_status_code = models.PositiveIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, default="")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["event", "target"], name="one_delivery_per_target")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="delivery_pending_due",
            ),
            models.Index(fields=["target", "-id"], name="delivery_target_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.target}"


class DeliveryAttempt(models.Model):
    """One try at a delivery: what the other side answered, or why it could not be reached."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField(_("at"), default=timezone.now)
    status_code = models.PositiveIntegerField(_("status code"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True, default="")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.at:%Y-%m-%d %H:%M:%S}"
