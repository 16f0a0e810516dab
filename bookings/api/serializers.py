"""What the booking API reads and writes: small input and output serializers, no rules."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bookings.models import Booking
from crm.api.fields import IdField, IsoDateField, StrictCharField, StrictIntegerField, optional_text


class SlotOut(serializers.Serializer):
    time = serializers.CharField(help_text="The slot's start, HH:MM.")
    booked = serializers.IntegerField(help_text="Tables taken by active bookings.")
    free = serializers.IntegerField(help_text="Tables still free.")


class DaySlotsOut(serializers.Serializer):
    restaurant_id = serializers.IntegerField()
    date = serializers.DateField()
    slots = SlotOut(many=True, help_text="Every slot of the day, in order.")


class BookingIn(serializers.Serializer):
    restaurant_id = IdField()
    date = IsoDateField(help_text="YYYY-MM-DD, today or later in the restaurant's time zone.")
    time_slot = StrictCharField(max_length=16, help_text="One of the restaurant's slots, HH:MM.")
    client_name = StrictCharField(
        allow_blank=True, trim_whitespace=False, help_text="The guest's name, 1 to 100 characters."
    )
    party_size = StrictIntegerField(
        required=False, allow_null=True, help_text="Guests, 1 to 50; 2 when absent."
    )
    phone = optional_text(help_text="Read as local to the restaurant's country without a code.")
    email = optional_text()
    notes = optional_text(help_text="At most 1000 characters.")


class BookingCreatedOut(serializers.Serializer):
    status = serializers.CharField(help_text='Always `"ok"`.')
    booking_id = serializers.IntegerField()


class StatusField(serializers.ChoiceField):
    """A booking status; `no-show` is read as `no_show`. Unknown ones are named with the valid."""

    default_error_messages = {
        "invalid_choice": _("Unknown status “{input}”. Choose one of: {choices}.")
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(Booking.Status.choices, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data, choices=", ".join(Booking.Status.values))
        value = data.strip().lower().replace("-", "_")
        if value not in Booking.Status.values:
            self.fail("invalid_choice", input=data, choices=", ".join(Booking.Status.values))
        return value


class BookingOut(serializers.Serializer):
    id = serializers.IntegerField()
    restaurant_id = serializers.IntegerField()
    date = serializers.DateField()
    time_slot = serializers.CharField()
    client_name = serializers.CharField()
    party_size = serializers.IntegerField()
    phone = serializers.CharField()
    email = serializers.CharField()
    notes = serializers.CharField()
    status = serializers.ChoiceField(Booking.Status.choices)
    source = serializers.ChoiceField(Booking.Source.choices)
    guest_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class DayBookingsOut(serializers.Serializer):
    restaurant_id = serializers.IntegerField()
    date = serializers.DateField()
    bookings = BookingOut(many=True)


class StatusListField(serializers.ListField):
    """Statuses; an unknown one is an error of the field itself, not of an item."""

    child = StatusField()

    def to_internal_value(self, data: list) -> list[str]:
        return [self.child.run_validation(item) for item in data]


class DayBookingsQuery(serializers.Serializer):
    date = IsoDateField(required=False, help_text="The day; today in the restaurant when absent.")
    status = StatusListField(required=False)


class BookingUpdateIn(serializers.Serializer):
    """Every field is optional; null or absent leaves it as it is."""

    date = IsoDateField(required=False, allow_null=True)
    time_slot = StrictCharField(required=False, allow_null=True, max_length=16)
    client_name = StrictCharField(required=False, allow_null=True, allow_blank=True)
    party_size = StrictIntegerField(required=False, allow_null=True)
    phone = optional_text()
    email = optional_text()
    notes = optional_text()

    def validate(self, attrs: dict) -> dict:
        if isinstance(self.initial_data, dict) and "status" in self.initial_data:
            raise serializers.ValidationError(
                {"status": [_("Change the status with POST /bookings/{id}/status.")]}
            )
        return attrs


class StatusIn(serializers.Serializer):
    status = StatusField()
