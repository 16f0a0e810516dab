"""The settings API's serializers: what `GET` answers and what `PUT` takes."""

from __future__ import annotations

from rest_framework import serializers

from crm.api.fields import HourMinuteField, StrictBooleanField, StrictCharField, StrictIntegerField
from restaurants.models import MAX_SEATS
from restaurants.personas import PERSONAS

HOST_CHOICE_HELP = (
    f"The AI host's persona: one of {', '.join(PERSONAS)}; null (not set) or an empty string "
    "means the default, anna."
)
GREETING_HELP = "The AI host's first words to a guest; null when not set."
INFO_HELP = "What the AI host may tell guests (address, menu, parking); null when not set."


class SettingsOut(serializers.Serializer):
    restaurant_id = serializers.IntegerField(source="pk")
    host_choice = serializers.CharField(allow_null=True, help_text=HOST_CHOICE_HELP)
    greeting_text = serializers.CharField(allow_null=True, help_text=GREETING_HELP)
    info_text = serializers.CharField(allow_null=True, help_text=INFO_HELP)
    name = serializers.CharField()
    default_table_count = serializers.IntegerField()
    opening_time = HourMinuteField()
    closing_time = HourMinuteField(help_text="00:00 means midnight.")
    slot_minutes = serializers.IntegerField()
    time_zone = serializers.CharField()
    slots = serializers.ListField(
        child=serializers.CharField(), source="slot_times", help_text="The day's slot times."
    )


# The three v1 settings take null, which clears them; the extras beyond v1 cannot be empty, so
# null for one of them answers 400 naming it.
CLEARABLE = {"required": False, "allow_null": True, "allow_blank": True}
OPTIONAL = {"required": False}
CLEARS = " Null clears it; absent leaves it as it is."


class SettingsIn(serializers.Serializer):
    """Every field is optional: an absent one stays as it is.

    Null clears `host_choice`, `greeting_text` or `info_text`; null for any other field is
    refused (400, naming it).
    """

    host_choice = StrictCharField(**CLEARABLE, help_text=HOST_CHOICE_HELP + CLEARS)
    greeting_text = StrictCharField(**CLEARABLE, help_text=GREETING_HELP + CLEARS)
    info_text = StrictCharField(**CLEARABLE, help_text=INFO_HELP + CLEARS)
    name = StrictCharField(**OPTIONAL)
    default_table_count = StrictIntegerField(**OPTIONAL)
    opening_time = HourMinuteField(**OPTIONAL, help_text="HH:MM")
    closing_time = HourMinuteField(**OPTIONAL, help_text="HH:MM; 00:00 means midnight.")
    slot_minutes = StrictIntegerField(**OPTIONAL)
    time_zone = StrictCharField(**OPTIONAL, help_text="e.g. Europe/Moscow")


class TableOut(serializers.Serializer):
    id = serializers.IntegerField()
    restaurant_id = serializers.IntegerField()
    name = serializers.CharField()
    min_seats = serializers.IntegerField()
    max_seats = serializers.IntegerField()
    area = serializers.CharField()
    combination_group = serializers.CharField(
        help_text="Tables of one group can be pushed together; empty: never combined."
    )
    position = serializers.IntegerField(help_text="Display order.")
    is_active = serializers.BooleanField()


class TableIn(serializers.Serializer):
    """A new table: `name` and `max_seats` are needed; on PATCH every field is optional."""

    name = StrictCharField(max_length=40)
    min_seats = StrictIntegerField(required=False, min_value=1, max_value=MAX_SEATS)
    max_seats = StrictIntegerField(min_value=1, max_value=MAX_SEATS)
    area = StrictCharField(required=False, allow_blank=True, max_length=40)
    combination_group = StrictCharField(required=False, allow_blank=True, max_length=40)
    position = StrictIntegerField(required=False, min_value=0, max_value=1_000_000)
    is_active = StrictBooleanField(required=False)
