"""What the booking API reads and writes: small input and output serializers, no rules."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bookings.models import PARTY_SIZE_MAX, Booking
from crm.api.fields import (
    IdField,
    IsoDateField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    optional_text,
)

TABLE_IDS_HELP = (
    "The tables, picked by hand (a described floor only); absent: the engine's best fit. "
    "A table taken for any minute of the visit is refused (409)."
)
OVERRIDE_SIZE_HELP = "Seat the party at `table_ids` even if their seats do not fit it."


class SlotOut(serializers.Serializer):
    time = serializers.CharField(help_text="The slot's start, HH:MM.")
    booked = serializers.IntegerField(help_text="Tables taken by active bookings.")
    free = serializers.IntegerField(help_text="Tables still free.")
    available = serializers.BooleanField(
        required=False,
        help_text="Only with `?party_size=N`: whether a booking of N starting then would be "
        "accepted now (tables, visit length, pacing; a slot already over is refused anyway).",
    )


class SlotsQuery(serializers.Serializer):
    party_size = serializers.IntegerField(
        required=False, min_value=1, max_value=PARTY_SIZE_MAX, help_text="Guests, 1 to 50."
    )


class TableIdsField(serializers.ListField):
    child = IdField()

    def __init__(self, **kwargs) -> None:
        super().__init__(
            required=False, allow_null=True, allow_empty=False, max_length=20, **kwargs
        )


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
    table_ids = TableIdsField(help_text=TABLE_IDS_HELP)
    override_size = StrictBooleanField(required=False, help_text=OVERRIDE_SIZE_HELP)


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


class TableRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


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
    tables = TableRefOut(
        many=True,
        source="tables.all",
        help_text="The tables it holds (held, for a cancelled one); none on an undescribed floor.",
    )
    ends_at = serializers.SerializerMethodField(
        help_text="When the visit ends, in the restaurant's time zone (ISO 8601)."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_ends_at(self, booking: Booking) -> str:
        return booking.ends_at.astimezone(booking.restaurant.tz).isoformat()


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
    table_ids = TableIdsField(help_text=TABLE_IDS_HELP)
    override_size = StrictBooleanField(required=False, help_text=OVERRIDE_SIZE_HELP)

    def validate(self, attrs: dict) -> dict:
        if isinstance(self.initial_data, dict) and "status" in self.initial_data:
            raise serializers.ValidationError(
                {"status": [_("Change the status with POST /bookings/{id}/status.")]}
            )
        return attrs


class StatusIn(serializers.Serializer):
    status = StatusField()
