"""What the waitlist and walk-in API reads and writes."""

from __future__ import annotations

from rest_framework import serializers

from bookings.models import WaitlistEntry
from crm.api.fields import IsoDateField, StrictCharField, StrictIntegerField, optional_text


class WaitlistIn(serializers.Serializer):
    name = StrictCharField(
        allow_blank=True, trim_whitespace=False, help_text="The party's name, 1 to 100 characters."
    )
    party_size = StrictIntegerField(help_text="Guests, 1 to 50.")
    phone = optional_text(help_text="Read as local to the restaurant's country without a code.")
    notes = optional_text(help_text="At most 1000 characters.")


class WaitlistUpdateIn(serializers.Serializer):
    name = StrictCharField(required=False, allow_blank=True, trim_whitespace=False)
    party_size = StrictIntegerField(required=False)
    phone = optional_text()
    notes = optional_text()
    status = serializers.ChoiceField(
        [WaitlistEntry.Status.WAITING, WaitlistEntry.Status.LEFT],
        required=False,
        help_text="`left`: the party went away; `waiting`: back on the list.",
    )


class WaitlistQuery(serializers.Serializer):
    date = IsoDateField(required=False, help_text="YYYY-MM-DD; today when absent.")


class WaitlistEntryOut(serializers.Serializer):
    id = serializers.IntegerField()
    restaurant_id = serializers.IntegerField()
    date = serializers.DateField()
    name = serializers.CharField()
    phone = serializers.CharField()
    party_size = serializers.IntegerField()
    notes = serializers.CharField()
    status = serializers.ChoiceField(WaitlistEntry.Status.choices)
    quoted_minutes = serializers.IntegerField(
        allow_null=True,
        help_text="The wait quoted on arrival; null when no table was expected to free up "
        "that day.",
    )
    waited_minutes = serializers.IntegerField(
        help_text="Minutes waited: until now while waiting, else until seated or left."
    )
    arrived_at = serializers.DateTimeField(source="created_at")
    resolved_at = serializers.DateTimeField(allow_null=True)
    booking_id = serializers.IntegerField(
        allow_null=True, help_text="The walk-in booking it became when seated."
    )


class WaitlistOut(serializers.Serializer):
    restaurant_id = serializers.IntegerField()
    date = serializers.DateField()
    waitlist = WaitlistEntryOut(many=True, help_text="By arrival.")


class WalkInIn(serializers.Serializer):
    party_size = StrictIntegerField(help_text="Guests, 1 to 50.")
    client_name = optional_text(help_text='The party name; "Walk-in" when absent.')
    phone = optional_text()
    notes = optional_text()
