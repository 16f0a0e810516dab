from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from functools import cached_property

from anyascii import anyascii
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from restaurants.personas import PERSONA_CHOICES

MAX_TABLES = 500
# The v1 settings that may be null (docs/api-v1.md): an explicit null clears them.
NULLABLE_SETTINGS = ("host_choice", "greeting_text", "info_text")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(tz)s"), params={"tz": value})


def default_time_zone() -> str:
    return settings.TIME_ZONE


# Online booking: the largest party a guest may book online, and the longest notice or cutoff.
ONLINE_PARTY_MAX = 50
ONLINE_MINUTES_MAX = 14 * 24 * 60
ONLINE_DAYS_AHEAD_MAX = 366
SLUG_MAX = 60
# Paths of the public pages themselves (/r/manage/…) that no restaurant's page may take.
RESERVED_SLUGS = frozenset({"manage"})
_ORIGIN = re.compile(
    r"^https?://[a-z0-9.-]+(:[0-9]{1,5})?$|^https?://\[[0-9a-f:]+\](:[0-9]{1,5})?$"
)


def slug_base(name: str) -> str:
    """A readable address part from a name, Cyrillic too: "Синяя дверь" → "sinyaya-dver"."""
    return slugify(anyascii(name or ""))[: SLUG_MAX - 4].strip("-") or "restaurant"


def parse_origins(text: str) -> list[str]:
    """The framing origins as typed, one per line (or separated by spaces or commas)."""
    return [item.strip().rstrip("/").lower() for item in re.split(r"[\s,]+", text or "") if item]


def validate_origins(text: str) -> None:
    bad = [origin for origin in parse_origins(text) if not _ORIGIN.match(origin)]
    if bad:
        raise ValidationError(
            _("Not an origin: %(bad)s. Write each as https://example.com, one per line."),
            params={"bad": ", ".join(bad)},
        )


class Restaurant(models.Model):
    name = models.CharField(_("name"), max_length=120)
    default_table_count = models.PositiveSmallIntegerField(
        _("tables"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TABLES)],
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        default="RU",
        help_text=_("Two-letter code; phone numbers without a country code are read as local."),
    )
    opening_time = models.TimeField(_("opens at"), default=dt.time(12, 0))
    closing_time = models.TimeField(
        _("closes at"),
        default=dt.time(23, 0),
        help_text=_("00:00 means midnight. The last slot ends by closing time."),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length, minutes"),
        default=60,
        validators=[MinValueValidator(15), MaxValueValidator(240)],
    )
    # The three v1 settings are `string|null`: null is "not set" (a cleared field, a new
    # restaurant), so these break Django's habit of storing "" for an empty text (DJ001).
    host_choice = models.CharField(  # noqa: DJ001
        _("AI host persona"),
        max_length=40,
        null=True,
        blank=True,
        default=None,
        choices=PERSONA_CHOICES,
    )
    greeting_text = models.TextField(  # noqa: DJ001
        _("greeting"), null=True, blank=True, default=None, max_length=1000
    )
    info_text = models.TextField(  # noqa: DJ001
        _("information for guests"), null=True, blank=True, default=None, max_length=4000
    )
    pacing_covers = models.PositiveSmallIntegerField(
        _("pacing, guests per slot"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_(
            "At most this many guests may start at one time, whatever tables are free. "
            "Empty: no limit."
        ),
    )
    # Online booking: the guests' own page at /r/<slug>/, off until a manager turns it on.
    online_booking = models.BooleanField(
        _("online booking"),
        default=False,
        help_text=_("Guests book themselves on the restaurant's public page."),
    )
    slug = models.SlugField(
        _("page address"),
        max_length=SLUG_MAX,
        unique=True,
        blank=True,
        help_text=_(
            "The public page lives at /r/<address>/: Latin letters, digits and dashes. "
            "Empty: made from the name."
        ),
    )
    public_phone = models.CharField(
        _("public phone"),
        max_length=40,
        blank=True,
        default="",
        help_text=_("Shown to guests: whom to call for a large party or a late change."),
    )
    online_min_notice_minutes = models.PositiveIntegerField(
        _("minimum notice, minutes"),
        default=120,
        validators=[MaxValueValidator(ONLINE_MINUTES_MAX)],
        help_text=_("Guests book online at least this long before the visit."),
    )
    online_days_ahead = models.PositiveSmallIntegerField(
        _("days ahead"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(ONLINE_DAYS_AHEAD_MAX)],
        help_text=_("How far ahead guests may book online."),
    )
    online_max_party = models.PositiveSmallIntegerField(
        _("largest party online"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(ONLINE_PARTY_MAX)],
        help_text=_("Larger parties are asked to call."),
    )
    online_change_cutoff_minutes = models.PositiveIntegerField(
        _("change cutoff, minutes"),
        default=120,
        validators=[MaxValueValidator(ONLINE_MINUTES_MAX)],
        help_text=_("Guests change or cancel through their link until this long before the visit."),
    )
    online_policy_text = models.TextField(
        _("booking policy"),
        blank=True,
        default="",
        max_length=4000,
        help_text=_("What guests agree to when they book online."),
    )
    online_frame_origins = models.TextField(
        _("sites that may embed the page"),
        blank=True,
        default="",
        max_length=2000,
        validators=[validate_origins],
        help_text=_("One origin per line, e.g. https://www.example.com. Empty: none."),
    )
    reminder_hours = models.PositiveSmallIntegerField(
        _("reminder, hours before"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
        help_text=_("E-mail guests a reminder this many hours before their visit. Empty: none."),
    )
    # A restaurant made by sign-up takes no bookings until its manager's e-mail address is
    # confirmed (the booking core refuses them); every other restaurant is confirmed.
    confirmed = models.BooleanField(
        _("e-mail confirmed"),
        default=True,
        help_text=_("Takes bookings only once the address given at sign-up is confirmed."),
    )
    require_manager_2fa = models.BooleanField(
        _("managers must use two-factor sign-in"),
        default=False,
        help_text=_("A manager without it is asked to turn it on before anything else."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("restaurant")
        verbose_name_plural = _("restaurants")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(self.name, exclude_pk=self.pk)
            if (fields := kwargs.get("update_fields")) is not None:
                kwargs["update_fields"] = {*fields, "slug"}
        super().save(*args, **kwargs)

    @property
    def frame_origins(self) -> list[str]:
        return parse_origins(self.online_frame_origins)

    def clean(self) -> None:
        if self.slug:
            self.slug = self.slug.lower()
            if self.slug in RESERVED_SLUGS:
                raise ValidationError({"slug": _("This address is reserved. Choose another.")})
        if self.slot_minutes and self.slot_minutes % 5:
            raise ValidationError({"slot_minutes": _("Use a multiple of 5 minutes.")})
        if self.opening_time and self.closing_time is not None:
            if self._minutes(self.closing_time, closing=True) <= self._minutes(self.opening_time):
                raise ValidationError({"closing_time": _("Closing time must be after opening.")})
            # A slot length below one minute is refused by the field's own validators; the
            # grid cannot be laid out with it (a zero step would not even end).
            if self.slot_minutes and self.slot_minutes > 0 and not self.slot_times():
                raise ValidationError(
                    {"slot_minutes": _("Not even one slot fits between opening and closing.")}
                )
        if self.country:
            self.country = self.country.upper()

    @staticmethod
    def _minutes(value: dt.time, *, closing: bool = False) -> int:
        minutes = value.hour * 60 + value.minute
        # Closing at 00:00 means the end of the day, not its start.
        return 24 * 60 if closing and minutes == 0 else minutes

    def slot_times(self) -> list[str]:
        """The day's slot start times, "HH:MM", in order: every slot that ends by closing."""
        start = self._minutes(self.opening_time)
        end = self._minutes(self.closing_time, closing=True)
        step = self.slot_minutes
        return [f"{m // 60:02d}:{m % 60:02d}" for m in range(start, end - step + 1, step)]

    def has_slot(self, time_slot: str) -> bool:
        return time_slot in self.slot_times()

    @cached_property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def now(self) -> dt.datetime:
        return timezone.now().astimezone(self.tz)

    def today(self) -> dt.date:
        return self.now().date()

    def slot_start(self, date: dt.date, time_slot: str) -> dt.datetime:
        """When a slot of a date starts, in the restaurant's time zone."""
        hours, minutes = map(int, time_slot.split(":"))
        return dt.datetime.combine(date, dt.time(hours, minutes), tzinfo=self.tz)

    def slot_has_ended(self, date: dt.date, time_slot: str) -> bool:
        """Whether the slot is over in the restaurant's own time zone.

        A slot that has started but not ended can still be booked: that is a walk-in.
        """
        start = self.slot_start(date, time_slot)
        return start + dt.timedelta(minutes=self.slot_minutes) <= self.now()


def unique_slug(name: str, *, exclude_pk: int | None = None, taken: set[str] | None = None) -> str:
    """The name's slug, with -2, -3… when another restaurant has it already."""
    base = slug_base(name)
    existing = taken
    if existing is None:
        existing = set(
            Restaurant.objects.filter(slug__startswith=base)
            .exclude(pk=exclude_pk)
            .values_list("slug", flat=True)
        )
    slug, n = base, 1
    while slug in existing or slug in RESERVED_SLUGS:
        n += 1
        slug = f"{base}-{n}"
    return slug


MAX_SEATS = 100


class Table(models.Model):
    """A table of the floor. A restaurant with none is an undescribed floor: its
    `default_table_count` identical tables, any party at one, a visit of one slot."""

    restaurant = models.ForeignKey(Restaurant, on_delete=models.CASCADE, related_name="tables")
    name = models.CharField(
        pgettext_lazy("table", "name"), max_length=40, help_text=_("e.g. 12, Window 3")
    )
    min_seats = models.PositiveSmallIntegerField(
        _("fewest guests"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SEATS)],
    )
    max_seats = models.PositiveSmallIntegerField(
        _("most guests"), default=2, validators=[MinValueValidator(1), MaxValueValidator(MAX_SEATS)]
    )
    area = models.CharField(
        _("area"), max_length=40, blank=True, default="", help_text=_("e.g. hall, terrace, bar")
    )
    combination_group = models.CharField(
        _("combination group"),
        max_length=40,
        blank=True,
        default="",
        help_text=_("Tables of one group can be pushed together; their seats add up."),
    )
    position = models.PositiveIntegerField(_("order"), default=0, db_index=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("table")
        verbose_name_plural = _("tables")
        constraints = [
            models.UniqueConstraint(
                fields=["restaurant", "name"], name="one_table_name_per_restaurant"
            ),
            models.CheckConstraint(
                condition=models.Q(min_seats__lte=models.F("max_seats")), name="table_min_le_max"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.min_seats and self.max_seats and self.min_seats > self.max_seats:
            raise ValidationError(
                {"min_seats": _("The fewest guests cannot be more than the most.")}
            )


class VisitLength(models.Model):
    """How long a party of a size stays (turn time): parties up to `up_to_party` guests, or any
    larger party when it is empty. With no rules a visit lasts one slot."""

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="visit_lengths"
    )
    up_to_party = models.PositiveSmallIntegerField(
        _("parties up to"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("Guests; empty means any larger party."),
    )
    minutes = models.PositiveSmallIntegerField(
        _("minutes"), validators=[MinValueValidator(15), MaxValueValidator(720)]
    )

    class Meta:
        ordering = ["restaurant", models.F("up_to_party").asc(nulls_last=True)]
        verbose_name = _("visit length")
        verbose_name_plural = _("visit lengths")
        constraints = [
            models.UniqueConstraint(
                fields=["restaurant", "up_to_party"], name="one_visit_length_per_party"
            ),
            models.UniqueConstraint(
                fields=["restaurant"],
                condition=models.Q(up_to_party__isnull=True),
                name="one_visit_length_for_larger_parties",
            ),
        ]

    def __str__(self) -> str:
        if self.up_to_party is None:
            return _("larger parties: %(minutes)d min") % {"minutes": self.minutes}
        return _("up to %(party)d: %(minutes)d min") % {
            "party": self.up_to_party,
            "minutes": self.minutes,
        }


class TableCountOverride(models.Model):
    """A different number of tables on one date: a private event, a closed terrace."""

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="table_overrides"
    )
    date = models.DateField(_("date"))
    table_count = models.PositiveSmallIntegerField(
        _("tables"),
        validators=[MaxValueValidator(MAX_TABLES)],
        help_text=_("0 closes the restaurant for bookings that day."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["date"]
        verbose_name = _("table count on a date")
        verbose_name_plural = _("table counts on dates")
        constraints = [
            models.UniqueConstraint(
                fields=["restaurant", "date"], name="one_table_override_per_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.restaurant}: {self.table_count} on {self.date:%Y-%m-%d}"


class Membership(models.Model):
    class Role(models.TextChoices):
        HOST = "host", _("Host")
        MANAGER = "manager", _("Manager")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    restaurant = models.ForeignKey(Restaurant, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.HOST)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "restaurant"], name="one_membership_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.restaurant} ({self.get_role_display()})"

    def get_additional_data(self) -> dict:
        """Kept with each audit entry, so the team page finds it by restaurant and names it."""
        try:
            username = self.user.get_username()
        except self._meta.get_field("user").related_model.DoesNotExist:
            username = str(self.user_id)  # the user is being deleted with their memberships
        return {"restaurant_id": self.restaurant_id, "user": username}


from restaurants.team.models import Invitation  # noqa: E402  (a model of this app)

__all__ = ["Invitation", "Membership", "Restaurant", "Table", "TableCountOverride", "VisitLength"]
