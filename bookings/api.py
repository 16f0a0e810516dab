"""The booking API: the v1 slots read and booking (docs/api-v1.md), and more beyond them.

Thin views: they parse and check the input's types, check the tenant from the token, and call
the booking core (`bookings.services`, `bookings.selectors`, `bookings.availability`), whose
errors the API's exception handler turns into 400/404/409.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.availability import slots_json_for_day_by_id
from bookings.idempotency import KEY_MAX, Idempotency
from bookings.models import Booking
from bookings.selectors import booking_by_id, bookings_for_day
from bookings.services import booking_cancel, booking_create, booking_set_status, booking_update
from crm.api_common import (
    BOOKING_NOT_FOUND,
    RESTAURANT_NOT_FOUND,
    IdField,
    IsoDateField,
    StrictCharField,
    StrictIntegerField,
    id_path_parameter,
    path_date,
    path_id,
    require_role,
)
from crm.api_errors import ErrorSerializer
from crm.jwt import token_role
from restaurants.models import Restaurant

# --- Serializers ----------------------------------------------------------------------------


class SlotOut(serializers.Serializer):
    time = serializers.CharField(help_text="The slot's start, HH:MM.")
    booked = serializers.IntegerField(help_text="Tables taken by active bookings.")
    free = serializers.IntegerField(help_text="Tables still free.")


class DaySlotsOut(serializers.Serializer):
    restaurant_id = serializers.IntegerField()
    date = serializers.DateField()
    slots = SlotOut(many=True, help_text="Every slot of the day, in order.")


def _optional_text(**kwargs) -> StrictCharField:
    return StrictCharField(required=False, allow_null=True, allow_blank=True, **kwargs)


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
    phone = _optional_text(help_text="Read as local to the restaurant's country without a code.")
    email = _optional_text()
    notes = _optional_text(help_text="At most 1000 characters.")


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
    phone = _optional_text()
    email = _optional_text()
    notes = _optional_text()

    def validate(self, attrs: dict) -> dict:
        if isinstance(self.initial_data, dict) and "status" in self.initial_data:
            raise serializers.ValidationError(
                {"status": [_("Change the status with POST /bookings/{id}/status.")]}
            )
        return attrs


class StatusIn(serializers.Serializer):
    status = StatusField()


# --- Schema helpers -------------------------------------------------------------------------


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


UNAUTHORIZED = _error("Missing, malformed, tampered or expired token.")
RESTAURANT_404 = _error("No such restaurant, or not one of yours (the same answer).")
BOOKING_404 = _error("No such booking, or one of another restaurant (the same answer).")
FULL_409 = _error("No free table in the slot.")
RESTAURANT_ID = id_path_parameter("restaurant_id")
BOOKING_ID = id_path_parameter("booking_id")

BOOKING_EXAMPLE = OpenApiExample(
    "A booking",
    value={
        "id": 17,
        "restaurant_id": 1,
        "date": "2025-01-01",
        "time_slot": "18:00",
        "client_name": "Иван",
        "party_size": 2,
        "phone": "+79123456789",
        "email": "",
        "notes": "",
        "status": "confirmed",
        "source": "api",
        "guest_id": 4,
        "created_at": "2024-12-20T10:15:00+03:00",
        "updated_at": "2024-12-20T10:15:00+03:00",
    },
    response_only=True,
)
FULL_EXAMPLE = OpenApiExample(
    "Slot full",
    value={"detail": "No free tables at 18:00 on 2025-01-01.", "code": "slot_full"},
    response_only=True,
    status_codes=["409"],
)


# --- Views ----------------------------------------------------------------------------------


def _booking(request: Request, raw_id: str) -> Booking:
    """The booking if it exists and belongs to one of the caller's restaurants, else 404."""
    booking = booking_by_id(booking_id=path_id(raw_id, "booking_id"))
    if booking is None or token_role(request, booking.restaurant_id) is None:
        raise exceptions.NotFound(BOOKING_NOT_FOUND)
    return booking


def _restaurant(restaurant_id: int) -> Restaurant:
    try:
        return Restaurant.objects.get(pk=restaurant_id)
    except Restaurant.DoesNotExist:
        raise exceptions.NotFound(RESTAURANT_NOT_FOUND) from None


class SlotsView(APIView):
    @extend_schema(
        operation_id="slots_for_day",
        summary="Slots of a day",
        description=(
            "Every slot of the day in order, with its booked and free tables. Served from the "
            "Redis key `slots:{restaurant_id}:{date}` (TTL 3600 s) when cached."
        ),
        tags=["bookings"],
        parameters=[
            RESTAURANT_ID,
            OpenApiParameter("date", OpenApiTypes.DATE, OpenApiParameter.PATH),
        ],
        responses={
            200: DaySlotsOut,
            400: _error("The id is not a whole number, or the date is not YYYY-MM-DD."),
            401: UNAUTHORIZED,
            404: RESTAURANT_404,
        },
        examples=[
            OpenApiExample(
                "v1 answer",
                value={
                    "restaurant_id": 1,
                    "date": "2025-01-01",
                    "slots": [
                        {"time": "12:00", "booked": 0, "free": 5},
                        {"time": "18:00", "booked": 2, "free": 3},
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, restaurant_id: str, date: str) -> Response:
        rid = path_id(restaurant_id, "restaurant_id")
        day = path_date(date)
        require_role(request, rid)
        try:
            slots = slots_json_for_day_by_id(restaurant_id=rid, date=day)
        except Restaurant.DoesNotExist:
            raise exceptions.NotFound(RESTAURANT_NOT_FOUND) from None
        # The slots go out as the cache holds them: the hot path parses and renders nothing.
        return HttpResponse(
            f'{{"restaurant_id":{rid},"date":"{day.isoformat()}","slots":{slots}}}',
            content_type="application/json",
        )


class BookingCreateView(APIView):
    @extend_schema(
        operation_id="booking_create",
        summary="Book a table",
        description=(
            "Books one table in the slot. `party_size`, `phone`, `email` and `notes` are "
            "optional extras beyond v1. Nothing is written when the answer is an error.\n\n"
            "Send an `Idempotency-Key` header to make a retry safe: the same key with the same "
            "body from the same user within 24 hours answers the original 201 with the same "
            "`booking_id` and writes nothing; the same key with another body answers 422. "
            "Concurrent requests with one key make one booking."
        ),
        tags=["bookings"],
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description=(
                    f"Any string of 1 to {KEY_MAX} printable characters, new for each booking "
                    "the client means to make (a UUID, say), sent again with a retry."
                ),
            )
        ],
        request=BookingIn,
        responses={
            201: BookingCreatedOut,
            400: _error(
                "A field is wrong (named in `detail` and `errors`): a slot off the grid, a bad "
                "or past date, an empty or over-long name, a wrong type, malformed JSON, an "
                "empty or over-long `Idempotency-Key`."
            ),
            401: UNAUTHORIZED,
            404: RESTAURANT_404,
            409: FULL_409,
            422: _error(
                "The `Idempotency-Key` was used within the day for a request with another body "
                '(`"code": "idempotency_key_reused"`); nothing is written.'
            ),
        },
        examples=[
            OpenApiExample(
                "v1 booking",
                value={
                    "restaurant_id": 1,
                    "date": "2025-01-01",
                    "time_slot": "18:00",
                    "client_name": "Иван",
                },
                request_only=True,
            ),
            OpenApiExample(
                "With the extras",
                value={
                    "restaurant_id": 1,
                    "date": "2025-01-01",
                    "time_slot": "18:00",
                    "client_name": "Иван",
                    "party_size": 4,
                    "phone": "+7 912 345-67-89",
                    "email": "ivan@example.com",
                    "notes": "Window table",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Booked",
                value={"status": "ok", "booking_id": 17},
                response_only=True,
                status_codes=["201"],
            ),
            OpenApiExample(
                "Empty name",
                value={
                    "detail": "client_name: Enter the guest's name.",
                    "errors": {"client_name": ["Enter the guest's name."]},
                    "code": "invalid",
                },
                response_only=True,
                status_codes=["400"],
            ),
            FULL_EXAMPLE,
        ],
    )
    def post(self, request: Request) -> Response:
        data = BookingIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if v is not None}
        restaurant_id = fields.pop("restaurant_id")
        require_role(request, restaurant_id)
        key = request.headers.get("Idempotency-Key")
        booking = booking_create(
            restaurant=_restaurant(restaurant_id),
            **fields,
            source=Booking.Source.API,
            created_by=request.user,
            idempotency=None
            if key is None
            else Idempotency.of(user_id=request.user.pk, key=key, request=request.data),
        )
        return Response(
            {"status": "ok", "booking_id": booking.pk},
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:booking", args=[booking.pk])},
        )


class BookingView(APIView):
    @extend_schema(
        operation_id="booking_get",
        summary="A booking",
        tags=["bookings"],
        parameters=[BOOKING_ID],
        responses={200: BookingOut, 400: _error("Bad id."), 401: UNAUTHORIZED, 404: BOOKING_404},
        examples=[BOOKING_EXAMPLE],
    )
    def get(self, request: Request, booking_id: str) -> Response:
        return Response(BookingOut(_booking(request, booking_id)).data)

    @extend_schema(
        operation_id="booking_update",
        summary="Change a booking's details or move it",
        description=(
            "Send the fields to change; null or absent leaves a field as it is. A move to "
            "another date or slot needs a free table there. The status changes at "
            "`POST /bookings/{booking_id}/status`."
        ),
        tags=["bookings"],
        parameters=[BOOKING_ID],
        request=BookingUpdateIn,
        responses={
            200: BookingOut,
            400: _error("A field is wrong; it is named."),
            401: UNAUTHORIZED,
            404: BOOKING_404,
            409: FULL_409,
        },
        examples=[
            OpenApiExample(
                "Move and resize",
                value={"time_slot": "19:00", "party_size": 4},
                request_only=True,
            ),
            BOOKING_EXAMPLE,
            FULL_EXAMPLE,
        ],
    )
    def patch(self, request: Request, booking_id: str) -> Response:
        booking = _booking(request, booking_id)
        data = BookingUpdateIn(data=request.data)
        data.is_valid(raise_exception=True)
        booking = booking_update(booking=booking, **data.validated_data)
        return Response(BookingOut(booking).data)


class BookingStatusView(APIView):
    @extend_schema(
        operation_id="booking_set_status",
        summary="Seat, complete, mark no-show, cancel or reinstate a booking",
        description=(
            "Allowed moves: confirmed → seated, no_show, cancelled; seated → completed, "
            "confirmed, cancelled; completed → seated; no_show → confirmed, seated; "
            "cancelled → confirmed. Reinstating a cancelled or no-show booking needs a free "
            "table in its slot."
        ),
        tags=["bookings"],
        parameters=[BOOKING_ID],
        request=StatusIn,
        responses={
            200: BookingOut,
            400: _error("Unknown status, or a move that is not allowed."),
            401: UNAUTHORIZED,
            404: BOOKING_404,
            409: FULL_409,
        },
        examples=[
            OpenApiExample("Seat the guest", value={"status": "seated"}, request_only=True),
            BOOKING_EXAMPLE,
        ],
    )
    def post(self, request: Request, booking_id: str) -> Response:
        booking = _booking(request, booking_id)
        data = StatusIn(data=request.data)
        data.is_valid(raise_exception=True)
        booking = booking_set_status(booking=booking, status=data.validated_data["status"])
        return Response(BookingOut(booking).data)


class BookingCancelView(APIView):
    @extend_schema(
        operation_id="booking_cancel",
        summary="Cancel a booking",
        description="Frees its table. Cancelling a cancelled booking changes nothing.",
        tags=["bookings"],
        parameters=[BOOKING_ID],
        request=None,
        responses={
            200: BookingOut,
            400: _error("The booking cannot be cancelled (it is completed)."),
            401: UNAUTHORIZED,
            404: BOOKING_404,
        },
        examples=[BOOKING_EXAMPLE],
    )
    def post(self, request: Request, booking_id: str) -> Response:
        booking = booking_cancel(booking=_booking(request, booking_id))
        return Response(BookingOut(booking).data)


class DayBookingsView(APIView):
    @extend_schema(
        operation_id="bookings_for_day",
        summary="The day's bookings of a restaurant",
        description="Ordered by slot, then by when they were made.",
        tags=["bookings"],
        parameters=[
            RESTAURANT_ID,
            OpenApiParameter(
                "date",
                OpenApiTypes.DATE,
                OpenApiParameter.QUERY,
                description="YYYY-MM-DD; today in the restaurant's time zone when absent.",
            ),
            OpenApiParameter(
                "status",
                str,
                OpenApiParameter.QUERY,
                many=True,
                enum=Booking.Status.values,
                description=(
                    "Only bookings with these statuses; repeat it or separate with commas "
                    "(`status=confirmed,seated`). All when absent."
                ),
            ),
        ],
        responses={
            200: DayBookingsOut,
            400: _error("Bad id, date or status; it is named."),
            401: UNAUTHORIZED,
            404: RESTAURANT_404,
        },
    )
    def get(self, request: Request, restaurant_id: str) -> Response:
        rid = path_id(restaurant_id, "restaurant_id")
        params = request.query_params
        query = DayBookingsQuery(
            data={
                **({"date": params["date"]} if "date" in params else {}),
                "status": [s for raw in params.getlist("status") for s in raw.split(",") if s],
            }
        )
        query.is_valid(raise_exception=True)
        require_role(request, rid)
        restaurant = _restaurant(rid)
        day = query.validated_data.get("date") or restaurant.today()
        bookings = bookings_for_day(
            restaurant=restaurant, date=day, statuses=query.validated_data["status"]
        )
        return Response(
            {
                "restaurant_id": rid,
                "date": day.isoformat(),
                "bookings": BookingOut(bookings, many=True).data,
            }
        )
