"""The booking API's OpenAPI documentation: each operation's summary, answers and examples,
kept here so that each view in `views.py` reads in a screen."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema

from bookings.api.serializers import (
    BookingCreatedOut,
    BookingIn,
    BookingOut,
    BookingUpdateIn,
    DayBookingsOut,
    DaySlotsOut,
    StatusIn,
)
from bookings.idempotency import KEY_MAX
from bookings.models import Booking
from crm.api.schema import (
    RESTAURANT_404,
    RESTAURANT_ID,
    UNAUTHORIZED,
    error_response,
    id_path_parameter,
)

BOOKING_404 = error_response("No such booking, or one of another restaurant (the same answer).")
FULL_409 = error_response("No free table in the slot.")
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


slots_read = extend_schema(
    operation_id="slots_for_day",
    summary="Slots of a day",
    description=(
        "Every slot of the day in order, with its booked and free tables (on a described "
        "floor, the tables a visit holds at the slot's start). Served from the Redis key "
        "`slots:{restaurant_id}:{date}` (TTL 3600 s) when cached. With `party_size`, each slot "
        "also says whether a party of that size could book it (`available`)."
    ),
    tags=["bookings"],
    parameters=[
        RESTAURANT_ID,
        OpenApiParameter("date", OpenApiTypes.DATE, OpenApiParameter.PATH),
        OpenApiParameter(
            "party_size",
            {"type": "integer", "minimum": 1, "maximum": 50},
            OpenApiParameter.QUERY,
            description="Guests: adds `available` to each slot.",
        ),
    ],
    responses={
        200: DaySlotsOut,
        400: error_response(
            "The id is not a whole number, the date is not YYYY-MM-DD, or the party size is "
            "not 1 to 50."
        ),
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

booking_create = extend_schema(
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
        400: error_response(
            "A field is wrong (named in `detail` and `errors`): a slot off the grid, a bad "
            "or past date, an empty or over-long name, a wrong type, malformed JSON, an "
            "empty or over-long `Idempotency-Key`."
        ),
        401: UNAUTHORIZED,
        404: RESTAURANT_404,
        409: FULL_409,
        422: error_response(
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

booking_read = extend_schema(
    operation_id="booking_get",
    summary="A booking",
    tags=["bookings"],
    parameters=[BOOKING_ID],
    responses={
        200: BookingOut,
        400: error_response("Bad id."),
        401: UNAUTHORIZED,
        404: BOOKING_404,
    },
    examples=[BOOKING_EXAMPLE],
)

booking_update = extend_schema(
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
        400: error_response("A field is wrong; it is named."),
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

booking_set_status = extend_schema(
    operation_id="booking_set_status",
    summary="Seat, complete, mark no-show, cancel or reinstate a booking",
    description=(
        "Allowed moves: confirmed → seated, no_show, cancelled; seated → completed, "
        "confirmed, cancelled; completed → seated; no_show → confirmed, seated; "
        "cancelled → confirmed. Seated, completed and no-show only on the booking's own day "
        "in the restaurant's time zone: a booking of a later day may only be cancelled (or "
        "its cancel undone), and one of a past day no longer changes. Reinstating a "
        "cancelled or no-show booking needs a free table in its slot."
    ),
    tags=["bookings"],
    parameters=[BOOKING_ID],
    request=StatusIn,
    responses={
        200: BookingOut,
        400: error_response(
            "Unknown status, or a move that is not allowed (in that order or on that day)."
        ),
        401: UNAUTHORIZED,
        404: BOOKING_404,
        409: FULL_409,
    },
    examples=[
        OpenApiExample("Seat the guest", value={"status": "seated"}, request_only=True),
        BOOKING_EXAMPLE,
    ],
)

booking_cancel = extend_schema(
    operation_id="booking_cancel",
    summary="Cancel a booking",
    description="Frees its table. Cancelling a cancelled booking changes nothing.",
    tags=["bookings"],
    parameters=[BOOKING_ID],
    request=None,
    responses={
        200: BookingOut,
        400: error_response("The booking cannot be cancelled (it is completed)."),
        401: UNAUTHORIZED,
        404: BOOKING_404,
    },
    examples=[BOOKING_EXAMPLE],
)

bookings_for_day = extend_schema(
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
        400: error_response("Bad id, date or status; it is named."),
        401: UNAUTHORIZED,
        404: RESTAURANT_404,
    },
)
