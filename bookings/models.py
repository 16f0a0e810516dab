from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from restaurants.models import Restaurant

CLIENT_NAME_MAX = 100
PARTY_SIZE_MAX = 50
NOTES_MAX = 1000
GUEST_NOTES_MAX = 2000


class Guest(models.Model):
    """A guest of one restaurant, matched by phone; visits come from their bookings."""

    restaurant = models.ForeignKey(Restaurant, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(_("name"), max_length=CLIENT_NAME_MAX)
    phone = models.CharField(_("phone"), max_length=20, blank=True, default="")
    email = models.EmailField(_("e-mail"), blank=True, default="")
    notes = models.TextField(_("notes"), blank=True, default="", max_length=GUEST_NOTES_MAX)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # The tags lowercased between bars ("|vip|allergy|"), kept by `save`: a tag filter and a
    # search by tag are then a plain LIKE on every database (SQLite cannot look inside JSON).
    tag_index = models.CharField(max_length=400, blank=True, default="", editable=False)
    # The name and e-mail lowercased by Python, kept by `save`: SQLite's LIKE ignores case only
    # in ASCII, so "иван" would not find "Иван" there; this finds it on every database.
    search_text = models.CharField(max_length=400, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("guest")
        verbose_name_plural = _("guests")
        constraints = [
            models.UniqueConstraint(
                fields=["restaurant", "phone"],
                condition=~models.Q(phone=""),
                name="one_guest_per_phone",
            )
        ]
        indexes = [models.Index(fields=["restaurant", "name"])]

    def __str__(self) -> str:
        return f"{self.name} {self.phone}".strip()

    def save(self, *args, **kwargs) -> None:
        self.tag_index = tag_index(self.tags)
        self.search_text = f"{self.name} {self.email}".lower()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "tag_index", "search_text"}
        super().save(*args, **kwargs)


def tag_index(tags: list[str]) -> str:
    """`|vip|allergy|`: every tag lowercased, fenced by bars so a tag matches only whole."""
    return "".join(f"|{tag.lower()}" for tag in tags or []) + "|" if tags else ""


class Booking(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        SEATED = "seated", _("Seated")
        COMPLETED = "completed", _("Completed")
        NO_SHOW = "no_show", _("No-show")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        PAGE = "page", _("Host page")
        API = "api", _("API")
        ASSISTANT = "assistant", _("AI host")
        ADMIN = "admin", _("Admin")

    # The bookings that hold a table. Cancelled and no-show ones free it.
    ACTIVE_STATUSES = (Status.CONFIRMED, Status.SEATED, Status.COMPLETED)

    # Which status changes a host may make. Reinstating a freed booking takes a table again,
    # so those changes are checked against the slot's free tables.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.CONFIRMED: (Status.SEATED, Status.NO_SHOW, Status.CANCELLED),
        Status.SEATED: (Status.COMPLETED, Status.CONFIRMED, Status.CANCELLED),
        Status.COMPLETED: (Status.SEATED,),
        Status.NO_SHOW: (Status.CONFIRMED, Status.SEATED),
        Status.CANCELLED: (Status.CONFIRMED,),
    }

    restaurant = models.ForeignKey(Restaurant, on_delete=models.CASCADE, related_name="bookings")
    guest = models.ForeignKey(
        Guest, on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings"
    )
    date = models.DateField(_("date"))
    time_slot = models.CharField(_("time"), max_length=5)
    client_name = models.CharField(_("guest name"), max_length=CLIENT_NAME_MAX)
    party_size = models.PositiveSmallIntegerField(
        _("party size"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(PARTY_SIZE_MAX)],
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, default="")
    email = models.EmailField(_("e-mail"), blank=True, default="")
    notes = models.TextField(_("notes"), blank=True, default="", max_length=NOTES_MAX)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["date", "time_slot", "id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [
            # Covers the slot-count aggregate: restaurant and date, grouped by slot, by status.
            models.Index(
                fields=["restaurant", "date", "time_slot", "status"], name="booking_day_slots"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_name}, {self.date:%Y-%m-%d} {self.time_slot}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    def can_change_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, ())


class IdempotencyKey(models.Model):
    """A booking request's `Idempotency-Key`: the same request sent again answers what the first
    did, so a client that retries after a lost answer, or a double click, books once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of the request as parsed: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_booking_per_idempotency_key")
        ]

    def __str__(self) -> str:
        return self.key
