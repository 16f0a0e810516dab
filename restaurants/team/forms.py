"""The Team page's forms and the invitation link's."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from restaurants.models import MAX_TABLES, Membership

INPUT = {"class": "input"}


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={**INPUT, "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.HOST,
        widget=forms.Select(attrs=INPUT),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        widget=forms.Select(attrs={"class": "input w-auto py-1.5 text-sm"}),
    )


class NewMemberForm(forms.Form):
    """An invitee without an account: a username and a password, the address is the invitation's."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={**INPUT, "autocomplete": "username", "autocapitalize": "none"}
        ),
        help_text=_("Letters, digits and @/./+/-/_ only."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={**INPUT, "autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={**INPUT, "autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("password1")
            and data.get("password2")
            and data["password1"] != data["password2"]
        ):
            self.add_error("password2", _("The two passwords differ."))
        username = data.get("username")
        if username and get_user_model().objects.filter(username__iexact=username).exists():
            self.add_error("username", _("This username is taken; choose another."))
        return data


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class SignupForm(NewMemberForm):
    """An account and its first restaurant."""

    field_order = [
        "username",
        "email",
        "password1",
        "password2",
        "restaurant_name",
        "time_zone",
        "country",
        "opening_time",
        "closing_time",
        "table_count",
    ]
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={**INPUT, "autocomplete": "email"}),
        help_text=_("We send a link to confirm it; bookings open once you do."),
    )
    restaurant_name = forms.CharField(
        label=_("Restaurant name"), max_length=120, widget=forms.TextInput(attrs=INPUT)
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=time_zone_choices, widget=forms.Select(attrs=INPUT)
    )
    country = forms.RegexField(
        label=_("Country"),
        regex=r"^[A-Za-z]{2}$",
        max_length=2,
        initial="RU",
        help_text=_("Two-letter code, e.g. RU, GB, DE."),
        error_messages={"invalid": _("Two letters, e.g. RU.")},
        widget=forms.TextInput(attrs={**INPUT, "autocapitalize": "characters"}),
    )
    opening_time = forms.TimeField(
        label=_("Opens at"),
        initial=dt.time(12, 0),
        widget=forms.TimeInput(attrs={**INPUT, "type": "time"}, format="%H:%M"),
    )
    closing_time = forms.TimeField(
        label=_("Closes at"),
        initial=dt.time(23, 0),
        widget=forms.TimeInput(attrs={**INPUT, "type": "time"}, format="%H:%M"),
    )
    table_count = forms.IntegerField(
        label=_("Tables"),
        min_value=1,
        max_value=MAX_TABLES,
        initial=5,
        widget=forms.NumberInput(attrs=INPUT),
    )
