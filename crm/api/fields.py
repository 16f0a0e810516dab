"""The API's strict JSON fields, and the parsing of ids and dates in a path (400 naming them)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers

# Ids are 64-bit in the database; a larger number cannot name anything.
ID_MAX = 2**63 - 1


class StrictCharField(serializers.CharField):
    """A JSON string, and only a string: a number or a boolean is a wrong type, not text."""

    default_error_messages = {"invalid": _("Must be a string.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer: not a string of digits, a fraction or a boolean."""

    default_error_messages = {"invalid": _("Must be a whole number.")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class IdField(StrictIntegerField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


class IsoDateField(serializers.DateField):
    """A date written exactly YYYY-MM-DD, and a real one (not 2025-02-30)."""

    default_error_messages = {"invalid": _("Enter a real date as YYYY-MM-DD.")}
    PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

    def to_internal_value(self, value):
        if not isinstance(value, str) or not self.PATTERN.fullmatch(value):
            self.fail("invalid")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail("invalid")


@extend_schema_field(
    {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "18:00"}
)
class HourMinuteField(serializers.TimeField):
    """A time of day written HH:MM, both ways; the schema says so (not RFC 3339's HH:MM:SS)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M"])
        super().__init__(**kwargs)


# Path segments are checked by one field each, built once: a field keeps no state between calls.
_PATH_ID = IdField()
_PATH_DATE = IsoDateField()


def _field_error(field: str, error: serializers.ValidationError) -> exceptions.ValidationError:
    return exceptions.ValidationError({field: error.detail})


def path_id(value: str, field: str) -> int:
    """A path segment that must be an id: 400 naming the field unless it is one."""
    if not (value.isascii() and value.isdigit()):
        raise exceptions.ValidationError({field: [_("Must be a whole number.")]})
    try:
        return _PATH_ID.run_validation(int(value))
    except serializers.ValidationError as error:
        raise _field_error(field, error) from None


def path_date(value: str, field: str = "date") -> dt.date:
    """A path segment that must be a date, YYYY-MM-DD: 400 naming the field unless it is one."""
    try:
        return _PATH_DATE.run_validation(value)
    except serializers.ValidationError as error:
        raise _field_error(field, error) from None


def optional_text(**kwargs) -> StrictCharField:
    """Text that may be absent, null or empty: what the caller does with each is theirs to say."""
    return StrictCharField(required=False, allow_null=True, allow_blank=True, **kwargs)


class StrictBooleanField(serializers.BooleanField):
    """`true` or `false` only: not 0, 1, "yes" or "on", which the JSON schema does not allow."""

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        self.fail("invalid", input=data)
