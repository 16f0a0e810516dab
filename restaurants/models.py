from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
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

    def clean(self) -> None:
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
