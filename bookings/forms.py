"""Input parsing for the booking pages. The booking core validates; these only read the request."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bookings.exceptions import BookingInvalid
from bookings.fields import clean_email, clean_guest_name, clean_notes, normalize_phone
from bookings.models import CLIENT_NAME_MAX, PARTY_SIZE_MAX
from restaurants.models import Restaurant, Table


def parse_date(value: str | None) -> dt.date | None:
    """A `YYYY-MM-DD` query value, or None when missing or malformed."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def parse_month(value: str | None) -> tuple[int, int] | None:
    """A `YYYY-MM` query value as (year, month), or None when missing or malformed."""
    try:
        parsed = dt.datetime.strptime(value or "", "%Y-%m")
    except ValueError:
        return None
    return parsed.year, parsed.month


def phone_field() -> forms.CharField:
    """A guest's phone as typed: the booking core reads it as E.164 and says what is wrong."""
    return forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )


def email_field() -> forms.CharField:
    """A guest's e-mail as typed: the booking core checks it, so its message is the one shown."""
    return forms.CharField(
        label=_("E-mail"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class BookingForm(forms.Form):
    """A booking made at the front desk. Name, phone, e-mail are checked by `booking_create`,
    so its messages (one wording for pages, API and assistant) appear beside the field."""

    date = forms.DateField(widget=forms.HiddenInput, input_formats=["%Y-%m-%d"])
    time_slot = forms.CharField(widget=forms.HiddenInput, max_length=5)
    # Made when the dialog opens and sent with each submit: a second submit of the same dialog
    # (a double click, a resent form) answers the booking the first one made.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=255)
    client_name = forms.CharField(
        label=_("Guest name"),
        required=False,
        max_length=CLIENT_NAME_MAX * 2,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    phone = phone_field()
    party_size = forms.IntegerField(
        label=_("Party size"), min_value=1, max_value=PARTY_SIZE_MAX, initial=2
    )
    email = email_field()
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    # On a described floor only: the host's own pick, else the engine's best fit.
    tables = forms.ModelMultipleChoiceField(
        label=_("Tables"),
        queryset=Table.objects.none(),
        required=False,
        help_text=_("Leave empty for the best free fit; pick several to push them together."),
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    override_size = forms.BooleanField(
        label=_("Seat them there even if the seats do not fit the party"), required=False
    )

    VISIBLE_FIELDS = ("client_name", "phone", "party_size", "email", "notes")
    REQUEST_FIELDS = ("date", "time_slot", *VISIBLE_FIELDS)

    def __init__(self, *args, restaurant: Restaurant, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.restaurant = restaurant
        tables = Table.objects.filter(restaurant=restaurant, is_active=True)
        self.fields["tables"].queryset = tables
        self.fields["tables"].label_from_instance = lambda table: (
            _("%(name)s · %(seats)s seats%(area)s")
            % {
                "name": table.name,
                "seats": f"{table.min_seats}–{table.max_seats}"
                if table.min_seats > 1
                else table.max_seats,
                "area": f" · {table.area}" if table.area else "",
            }
        )
        self.has_tables = tables.exists()
        if not self.has_tables:
            del self.fields["tables"], self.fields["override_size"]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        # Typing a name or a phone asks for known guests; choosing one fills the form (app.js).
        suggest = {
            "hx-get": reverse("bookings:guest-suggest"),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": "#guest-suggestions",
            "hx-swap": "innerHTML",
            # The newest typing is never dropped: it waits for an answer still on its way and
            # goes next. The form's own submit is not held up by a suggestion.
            "hx-sync": "#guest-suggestions:queue last",
            "aria-controls": "guest-suggestions",
        }
        for name in ("client_name", "phone"):
            self.fields[name].widget.attrs.update(suggest)

    def clean(self) -> dict:
        """Every field the booking core would refuse, at once, with the core's own words: a
        host fixes them all in one go. The core checks them again when it books."""
        data = super().clean()
        checks = {
            "client_name": clean_guest_name,
            "phone": lambda value: normalize_phone(value, country=self.restaurant.country),
            "email": clean_email,
            "notes": clean_notes,
        }
        for name, check in checks.items():
            if name in data:
                try:
                    check(data[name])
                except BookingInvalid as exc:
                    self.add_error(name, str(exc))
        return data


class StatusForm(forms.Form):
    status = forms.CharField(max_length=10)


def _tag_choices() -> list[tuple[str, str]]:
    from bookings.guests.services import TAG_CHOICES

    return [(key, label) for key, label in TAG_CHOICES.items()]


class GuestForm(forms.Form):
    """A guest's details on the profile. `guest_update` validates; errors appear beside fields."""

    name = forms.CharField(label=_("Name"), required=False, max_length=CLIENT_NAME_MAX * 2)
    phone = phone_field()
    email = email_field()
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=4000,
        help_text=_("Preferences, allergies, the usual table: what the next host should know."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    tags = forms.MultipleChoiceField(
        label=_("Tags"),
        required=False,
        choices=_tag_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    other_tags = forms.CharField(
        label=_("Other tags"),
        required=False,
        max_length=400,
        help_text=_("Separated by commas."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def all_tags(self) -> list[str]:
        typed = [t for t in self.cleaned_data["other_tags"].split(",") if t.strip()]
        return [*self.cleaned_data["tags"], *typed]


class ExportRangeForm(forms.Form):
    """The dates of a bookings export (`from`, `to`); both optional."""

    start = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    end = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    @classmethod
    def from_query(cls, query) -> ExportRangeForm:
        return cls({"start": query.get("from", ""), "end": query.get("to", "")})


class BookingEditForm(forms.Form):
    """A booking's details in its panel. `booking_update` checks them and the move; its
    messages appear beside the field they are about."""

    client_name = forms.CharField(
        label=_("Guest name"), required=False, max_length=CLIENT_NAME_MAX * 2
    )
    phone = phone_field()
    email = email_field()
    party_size = forms.IntegerField(label=_("Party size"), min_value=1, max_value=PARTY_SIZE_MAX)
    date = forms.DateField(
        label=_("Date"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    time_slot = forms.ChoiceField(label=_("Time"))
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    tables = forms.ModelMultipleChoiceField(
        label=_("Tables"),
        queryset=Table.objects.none(),
        required=False,
        help_text=_("Leave as it is to keep them while they fit; pick others to move the party."),
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    override_size = forms.BooleanField(
        label=_("Seat them there even if the seats do not fit the party"), required=False
    )

    def __init__(self, *args, restaurant: Restaurant, **kwargs) -> None:
        # Its own ids: the page may hold the booking dialog's and the desk's forms too.
        kwargs.setdefault("auto_id", "panel_%s")
        super().__init__(*args, **kwargs)
        self.fields["time_slot"].choices = [(t, t) for t in restaurant.slot_times()]
        tables = Table.objects.filter(restaurant=restaurant, is_active=True)
        self.fields["tables"].queryset = tables
        self.fields["tables"].label_from_instance = lambda table: (
            f"{table.name} · {table.max_seats}" + (f" · {table.area}" if table.area else "")
        )
        self.has_tables = tables.exists()
        if not self.has_tables:
            del self.fields["tables"], self.fields["override_size"]


class WalkInForm(forms.Form):
    """A party that walked in: how many, and a name if they gave one."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "walk_in_%s")
        super().__init__(*args, **kwargs)

    party_size = forms.IntegerField(
        label=_("Party size"), min_value=1, max_value=PARTY_SIZE_MAX, initial=2
    )
    client_name = forms.CharField(
        label=_("Name (optional)"), required=False, max_length=CLIENT_NAME_MAX * 2
    )


class WaitlistForm(forms.Form):
    """A party joining the waitlist. `waitlist_add` checks it; errors appear beside fields."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "waitlist_%s")
        super().__init__(*args, **kwargs)

    name = forms.CharField(label=_("Name"), required=False, max_length=CLIENT_NAME_MAX * 2)
    phone = phone_field()
    party_size = forms.IntegerField(
        label=_("Party size"), min_value=1, max_value=PARTY_SIZE_MAX, initial=2
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=1000)
