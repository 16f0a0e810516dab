"""The OpenAPI documentation of the waitlist and walk-in API."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema

from bookings.api.schema import BOOKING_EXAMPLE
from bookings.api.serializers import BookingOut
from bookings.waitlist.serializers import (
    WaitlistEntryOut,
    WaitlistIn,
    WaitlistOut,
    WaitlistUpdateIn,
    WalkInIn,
)
from crm.api.schema import (
    RESTAURANT_404,
    RESTAURANT_ID,
    UNAUTHORIZED,
    error_response,
    id_path_parameter,
)

WAITLIST_ID = id_path_parameter("waitlist_id")
ENTRY_404 = error_response(
    "No such waitlist entry, or one of another restaurant (the same answer)."
)
NO_TABLE_409 = error_response("No table is free now for the party's whole visit.")
ENTRY_EXAMPLE = OpenApiExample(
    "A waiting party",
    value={
        "id": 3,
        "restaurant_id": 1,
        "date": "2025-01-01",
        "name": "Olga",
        "phone": "+79123456789",
        "party_size": 4,
        "notes": "",
        "status": "waiting",
        "quoted_minutes": 25,
        "waited_minutes": 10,
        "arrived_at": "2025-01-01T19:10:00+03:00",
        "resolved_at": None,
        "booking_id": None,
    },
    response_only=True,
)

waitlist_read = extend_schema(
    operation_id="waitlist_for_day",
    summary="The day's waitlist",
    description="Every party of the day by arrival, with the minutes waited against the quote.",
    tags=["waitlist"],
    parameters=[
        RESTAURANT_ID,
        OpenApiParameter(
            "date", OpenApiTypes.DATE, OpenApiParameter.QUERY, description="Today when absent."
        ),
    ],
    responses={
        200: WaitlistOut,
        400: error_response("Bad id or date."),
        401: UNAUTHORIZED,
        404: RESTAURANT_404,
    },
)

waitlist_add = extend_schema(
    operation_id="waitlist_add",
    summary="Put a party on today's waitlist",
    description=(
        "Quotes the wait: the minutes until a table frees up for the party's whole visit "
        "(the seating engine's rules, from when the day's visits end; on an undescribed floor "
        "the next slot with a free table); null when none does that day."
    ),
    tags=["waitlist"],
    parameters=[RESTAURANT_ID],
    request=WaitlistIn,
    responses={
        201: WaitlistEntryOut,
        400: error_response("A field is wrong; it is named."),
        401: UNAUTHORIZED,
        404: RESTAURANT_404,
    },
    examples=[
        OpenApiExample(
            "A party of four", value={"name": "Olga", "party_size": 4}, request_only=True
        ),
        ENTRY_EXAMPLE,
    ],
)

waitlist_entry_read = extend_schema(
    operation_id="waitlist_entry_get",
    summary="A waitlist entry",
    tags=["waitlist"],
    parameters=[WAITLIST_ID],
    responses={
        200: WaitlistEntryOut,
        400: error_response("Bad id."),
        401: UNAUTHORIZED,
        404: ENTRY_404,
    },
    examples=[ENTRY_EXAMPLE],
)

waitlist_update = extend_schema(
    operation_id="waitlist_update",
    summary="Change a waiting party, or mark it left",
    description=(
        "Any of `name`, `phone`, `party_size`, `notes`; `status` `left` when the party went "
        "away, `waiting` to put it back. A seated party's entry no longer changes (400)."
    ),
    tags=["waitlist"],
    parameters=[WAITLIST_ID],
    request=WaitlistUpdateIn,
    responses={
        200: WaitlistEntryOut,
        400: error_response("A field is wrong; it is named."),
        401: UNAUTHORIZED,
        404: ENTRY_404,
    },
    examples=[OpenApiExample("Left", value={"status": "left"}, request_only=True)],
)

waitlist_remove = extend_schema(
    operation_id="waitlist_remove",
    summary="Remove an entry from the waitlist",
    tags=["waitlist"],
    parameters=[WAITLIST_ID],
    request=None,
    responses={204: None, 400: error_response("Bad id."), 401: UNAUTHORIZED, 404: ENTRY_404},
)

waitlist_seat = extend_schema(
    operation_id="waitlist_seat",
    summary="Seat a waiting party now",
    description=(
        "Seats the party at the best free table for its visit: a walk-in booking (status "
        "`seated`, source `walk_in`), and the entry marked seated with its `booking_id`."
    ),
    tags=["waitlist"],
    parameters=[WAITLIST_ID],
    request=None,
    responses={
        201: BookingOut,
        400: error_response("The party is no longer waiting, or the list is of another day."),
        401: UNAUTHORIZED,
        404: ENTRY_404,
        409: NO_TABLE_409,
    },
    examples=[BOOKING_EXAMPLE],
)

walk_in = extend_schema(
    operation_id="walk_in",
    summary="Seat a walk-in now",
    description=(
        "Books today's slot running now for the party, its visit from this minute, at the best "
        "free table for its visit length; status `seated`, source `walk_in`. 409 when no table "
        "is free for the whole visit (put the party on the waitlist), 400 outside the opening "
        "hours."
    ),
    tags=["waitlist"],
    parameters=[RESTAURANT_ID],
    request=WalkInIn,
    responses={
        201: BookingOut,
        400: error_response("A field is wrong, or the restaurant is closed now."),
        401: UNAUTHORIZED,
        404: RESTAURANT_404,
        409: NO_TABLE_409,
    },
    examples=[
        OpenApiExample("A party of three", value={"party_size": 3}, request_only=True),
        BOOKING_EXAMPLE,
    ],
)
