"""The rules for what a person types about a guest: a name, a phone, an e-mail, notes, a party.

Bookings, guest profiles, the API, the pages and the assistant clean their input here, so one
rule has one wording everywhere. Each raises BookingInvalid naming the field.
"""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from bookings.exceptions import BookingInvalid
from bookings.models import CLIENT_NAME_MAX, NOTES_MAX, PARTY_SIZE_MAX


def normalize_phone(raw: str, *, country: str) -> str:
    """A phone number in E.164 (`+79123456789`), read as local to `country` without a code."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, country or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise BookingInvalid("phone", _("Enter a valid phone number."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_guest_name(name: str, *, field: str = "client_name") -> str:
    """A guest's name with its spaces folded; refused, naming `field`, when empty or too long."""
    name = " ".join((name or "").split())
    if not name:
        raise BookingInvalid(field, _("Enter the guest's name."))
    if len(name) > CLIENT_NAME_MAX:
        raise BookingInvalid(
            field,
            _("The name is too long (at most %(max)d characters).") % {"max": CLIENT_NAME_MAX},
        )
    return name


def clean_party_size(party_size: int) -> int:
    if isinstance(party_size, bool) or not isinstance(party_size, int):
        raise BookingInvalid("party_size", _("Party size must be a whole number."))
    if not 1 <= party_size <= PARTY_SIZE_MAX:
        raise BookingInvalid(
            "party_size",
            _("Party size must be from 1 to %(max)d.") % {"max": PARTY_SIZE_MAX},
        )
    return party_size


def clean_email(email: str) -> str:
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise BookingInvalid("email", _("Enter a valid e-mail address.")) from None
    return email


def clean_notes(notes: str, *, limit: int = NOTES_MAX) -> str:
    """Notes trimmed; refused when longer than `limit` (a booking's, or a guest profile's)."""
    notes = (notes or "").strip()
    if len(notes) > limit:
        raise BookingInvalid(
            "notes", _("Notes are too long (at most %(max)d characters).") % {"max": limit}
        )
    return notes
