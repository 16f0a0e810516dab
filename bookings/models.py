from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
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
        WALK_IN = "walk_in", _("Walk-in")
        ONLINE = "online", _("Online")

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
    # The visit: from the slot's start for the visit length of the party (one slot on an
    # undescribed floor). The tables it holds are `BookingTable` rows over the same span.
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    tables = models.ManyToManyField(
        "restaurants.Table",
        through="BookingTable",
        related_name="bookings",
        blank=True,
        verbose_name=_("tables"),
    )
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
    # The guest's language for what is sent to them (e-mails); empty: the site's default.
    language = models.CharField(
        _("language"), max_length=8, blank=True, default="", choices=settings.LANGUAGES
    )
    # The guest asked to be forgotten: nothing is sent to them, no payload names them.
    forgotten = models.BooleanField(_("guest forgotten"), default=False)
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

    def save(self, *args, **kwargs) -> None:
        # The booking core gives every booking its visit; a row made by hand (a fixture, a
        # shell) gets the v1 floor's, one slot from its time.
        if self.starts_at is None and self.date and self.time_slot:
            self.starts_at = self.restaurant.slot_start(self.date, self.time_slot)
        if self.ends_at is None and self.starts_at is not None:
            self.ends_at = self.starts_at + dt.timedelta(minutes=self.restaurant.slot_minutes)
        super().save(*args, **kwargs)

    @property
    def ends_time(self) -> str:
        """When the visit ends, "HH:MM" in the restaurant's time zone."""
        return f"{self.ends_at.astimezone(self.restaurant.tz):%H:%M}"

    @property
    def table_names(self) -> str:
        """Its tables, pushed together: "H1+H2" (from a prefetch when there is one)."""
        return "+".join(table.name for table in self.tables.all())

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    # What may happen only on the booking's own day, in the restaurant's time zone: a guest is
    # seated, finishes or fails to come on the day of the visit, never before nor after it.
    SAME_DAY_STATUSES = (Status.SEATED, Status.COMPLETED, Status.NO_SHOW)

    def can_change_to(self, status: str, *, today: dt.date | None = None) -> bool:
        return self.status_refusal(status, today=today) is None

    def allowed_statuses(self, *, today: dt.date | None = None) -> list[str]:
        """The statuses a host may move this booking to now, in the order of its life."""
        today = today or self.restaurant.today()
        return [s for s in self.Status.values if self.can_change_to(s, today=today)]

    def status_refusal(self, status: str, *, today: dt.date | None = None) -> str | None:
        """Why this booking may not become `status` now (a sentence for the host), or None.

        The day decides as much as the order: a booking of a later day may only be cancelled
        (or a cancel undone), one of a past day no longer changes, and seated, completed and
        no-show happen on its own day; completed only after seated.
        """
        if status not in self.TRANSITIONS.get(self.status, ()):
            return gettext("A %(old)s booking cannot become %(new)s.") % {
                "old": self.get_status_display().lower(),
                "new": self.Status(status).label.lower(),
            }
        today = today or self.restaurant.today()
        if self.date < today:
            return gettext("This booking's day has passed; its status no longer changes.")
        if self.date > today and status in self.SAME_DAY_STATUSES:
            return gettext(
                "Seated, completed and no-show are for the booking's own day; this one is on "
                "%(date)s: it can only be edited or cancelled before then."
            ) % {"date": date_format(self.date, "DATE_FORMAT")}
        return None


class BookingTable(models.Model):
    """A table a booking holds, for the booking's visit while the booking is active.

    The span and the active flag are the booking's own, copied here so that one PostgreSQL
    exclusion constraint (migration 0005) can refuse two active rows of one table whose spans
    overlap: the last line against a double-booked table, whatever the Python above it does.
    """

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="held_tables")
    # A table is deleted only when no future booking holds it (restaurants.services).
    table = models.ForeignKey("restaurants.Table", on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("booked table")
        verbose_name_plural = _("booked tables")
        constraints = [
            models.UniqueConstraint(fields=["booking", "table"], name="one_row_per_booked_table"),
        ]
        indexes = [
            models.Index(fields=["table", "starts_at"], name="booked_table_span"),
        ]

    def __str__(self) -> str:
        return f"{self.table} · {self.booking}"


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


class WaitlistEntry(models.Model):
    """A party waiting for a table today, in order of arrival (`created_at`).

    Its quote is the wait the host told it on arrival, in minutes (null: no table was expected
    to free up that day). Seated from the list, it becomes a walk-in booking (`booking`).
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        SEATED = "seated", _("Seated")
        LEFT = "left", _("Left")

    restaurant = models.ForeignKey(Restaurant, on_delete=models.CASCADE, related_name="waitlist")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=CLIENT_NAME_MAX)
    phone = models.CharField(_("phone"), max_length=20, blank=True, default="")
    party_size = models.PositiveSmallIntegerField(
        _("party size"), validators=[MinValueValidator(1), MaxValueValidator(PARTY_SIZE_MAX)]
    )
    notes = models.TextField(_("notes"), blank=True, default="", max_length=NOTES_MAX)
    quoted_minutes = models.PositiveSmallIntegerField(_("quoted wait, minutes"), null=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    # A foreign key, not one-to-one: the audit trail reads a booking's one-to-one relations
    # whenever it records one, which would cost every booking a query.
    booking = models.ForeignKey(
        Booking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="waitlist_entries",
        verbose_name=_("booking"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("arrived"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist")
        indexes = [models.Index(fields=["restaurant", "date", "status"], name="waitlist_day")]

    def __str__(self) -> str:
        return f"{self.name} ({self.party_size})"
