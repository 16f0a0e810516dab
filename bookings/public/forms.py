"""The guest's form: who is coming, with a honeypot and a signed start time against bots."""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from bookings.forms import email_field
from bookings.models import CLIENT_NAME_MAX, NOTES_MAX, PARTY_SIZE_MAX

_STARTED_SALT = "bookings.public.form-started"
# A form older than this is stale: the guest reloads the times.
FORM_MAX_AGE = 6 * 3600


def min_fill_seconds() -> int:
    """A person needs a few seconds to type a name and a phone; a script needs none."""
    return getattr(settings, "PUBLIC_FORM_MIN_SECONDS", 3)


def started_token() -> str:
    return signing.dumps(int(time.time()), salt=_STARTED_SALT)


class GuestDetailsForm(forms.Form):
    party_size = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=PARTY_SIZE_MAX)
    date = forms.DateField(widget=forms.HiddenInput, input_formats=["%Y-%m-%d"])
    time_slot = forms.CharField(widget=forms.HiddenInput, max_length=5)
    client_name = forms.CharField(
        label=_("Your name"),
        max_length=CLIENT_NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your name.")},
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("Enter a phone number, so the restaurant can reach you.")},
    )
    email = email_field()
    notes = forms.CharField(
        label=_("Anything we should know?"),
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Allergies, a high chair, a birthday…"),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree to the restaurant's booking policy and to it keeping my details for "
            "this booking."
        ),
        error_messages={"required": _("Please agree to the booking policy to book.")},
    )
    # Hidden from people (and from screen readers); bots fill every field they find.
    website = forms.CharField(required=False, label=_("Leave this empty"), max_length=200)
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_started(self) -> int:
        try:
            return signing.loads(
                self.cleaned_data["started"], salt=_STARTED_SALT, max_age=FORM_MAX_AGE
            )
        except signing.BadSignature:
            raise forms.ValidationError(
                _("This form has expired. Please choose your time again."), code="stale"
            ) from None

    def too_fast(self) -> bool:
        started = self.cleaned_data.get("started")
        return started is not None and time.time() - started < min_fill_seconds()

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class ChangeForm(forms.Form):
    party_size = forms.IntegerField(min_value=1, max_value=PARTY_SIZE_MAX)
    date = forms.DateField(input_formats=["%Y-%m-%d"])
    time_slot = forms.CharField(max_length=5)
