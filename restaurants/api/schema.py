"""The settings API's OpenAPI documentation, kept here so that the view reads in a screen."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema

from crm.api.schema import (
    RESTAURANT_404,
    RESTAURANT_ID,
    UNAUTHORIZED,
    error_response,
    id_path_parameter,
)
from restaurants.api.serializers import SettingsIn, SettingsOut, TableIn, TableOut

SETTINGS_EXAMPLE = OpenApiExample(
    "Settings",
    value={
        "restaurant_id": 1,
        "host_choice": "anna",
        "greeting_text": "Welcome to Blue Door!",
        "info_text": "Open daily from 12:00 to 23:00. Terrace in summer.",
        "name": "Blue Door",
        "default_table_count": 5,
        "opening_time": "12:00",
        "closing_time": "23:00",
        "slot_minutes": 60,
        "time_zone": "Europe/Moscow",
        "slots": ["12:00", "13:00", "…", "22:00"],
    },
    response_only=True,
)

settings_read = extend_schema(
    operation_id="restaurant_settings_get",
    summary="Read a restaurant's settings",
    tags=["restaurants"],
    parameters=[RESTAURANT_ID],
    responses={
        200: SettingsOut,
        400: error_response("The id is not a whole number."),
        401: UNAUTHORIZED,
        404: RESTAURANT_404,
    },
    examples=[SETTINGS_EXAMPLE],
)

settings_update = extend_schema(
    operation_id="restaurant_settings_update",
    summary="Change a restaurant's settings (managers)",
    description=(
        "Send the fields to change; an absent field stays as it is. The v1 settings "
        "`host_choice`, `greeting_text` and `info_text` are `string|null`: null clears one "
        "(GET then answers null). Name, hours, slot length, tables and time zone are extras "
        "beyond v1 and cannot be null: null for one answers 400 naming it."
    ),
    tags=["restaurants"],
    parameters=[RESTAURANT_ID],
    request=SettingsIn,
    responses={
        200: SettingsOut,
        400: error_response("A field is invalid; it is named."),
        401: UNAUTHORIZED,
        403: error_response("Hosts cannot change settings."),
        404: RESTAURANT_404,
    },
    examples=[
        OpenApiExample(
            "v1 update",
            description="The null clears `info_text`; a field not sent would stay as it is.",
            value={"host_choice": "maxim", "greeting_text": "Good evening!", "info_text": None},
            request_only=True,
        ),
        SETTINGS_EXAMPLE,
        OpenApiExample(
            "Unknown host",
            value={
                "detail": "host_choice: Unknown host “bob”. Choose one of: anna, maxim, "
                "sofia, chef (or an empty string for none).",
                "errors": {"host_choice": ["Unknown host “bob”. Choose one of: …"]},
                "code": "invalid",
            },
            response_only=True,
            status_codes=["400"],
        ),
        OpenApiExample(
            "Null for a setting beyond v1",
            value={
                "detail": "name: This field may not be null.",
                "errors": {"name": ["This field may not be null."]},
                "code": "null",
            },
            response_only=True,
            status_codes=["400"],
        ),
    ],
)

TABLE_ID = id_path_parameter("table_id")
BAD_ID = error_response("The id is not a whole number.")
TABLE_404 = error_response("No such table, or one of another restaurant (the same answer).")
TABLE_EXAMPLE = OpenApiExample(
    "A table",
    value={
        "id": 12,
        "restaurant_id": 1,
        "name": "Window 3",
        "min_seats": 2,
        "max_seats": 4,
        "area": "hall",
        "combination_group": "window",
        "position": 3,
        "is_active": True,
    },
    response_only=True,
)

tables_list = extend_schema(
    operation_id="tables_list",
    summary="A restaurant's tables",
    description="The floor, in display order. No tables: the floor is not described, and the "
    "restaurant books `default_table_count` identical tables per slot (the v1 floor).",
    tags=["tables"],
    parameters=[RESTAURANT_ID],
    responses={
        200: TableOut(many=True),
        400: BAD_ID,
        401: UNAUTHORIZED,
        404: RESTAURANT_404,
    },
    examples=[TABLE_EXAMPLE],
)

table_create = extend_schema(
    operation_id="table_create",
    summary="Add a table (managers)",
    description="The first table makes the floor described: from then on bookings hold tables.",
    tags=["tables"],
    parameters=[RESTAURANT_ID],
    request=TableIn,
    responses={
        201: TableOut,
        400: error_response("A field is invalid (named), or the name is taken."),
        401: UNAUTHORIZED,
        403: error_response("Hosts cannot change the floor."),
        404: RESTAURANT_404,
    },
    examples=[
        OpenApiExample(
            "New table",
            value={"name": "Window 3", "min_seats": 2, "max_seats": 4, "area": "hall"},
            request_only=True,
        ),
        TABLE_EXAMPLE,
    ],
)

table_update = extend_schema(
    operation_id="table_update",
    summary="Change a table (managers)",
    description="Send the fields to change. Bookings already made keep their tables.",
    tags=["tables"],
    parameters=[TABLE_ID],
    request=TableIn(partial=True),
    responses={
        200: TableOut,
        400: error_response("A field is invalid (named)."),
        401: UNAUTHORIZED,
        403: error_response("Hosts cannot change the floor."),
        404: TABLE_404,
    },
    examples=[TABLE_EXAMPLE],
)

table_delete = extend_schema(
    operation_id="table_delete",
    summary="Delete a table (managers)",
    description="Refused while a booking still to come holds it; past bookings forget it. "
    "Set `is_active` false instead to keep it in their history.",
    tags=["tables"],
    parameters=[TABLE_ID],
    responses={
        204: None,
        400: BAD_ID,
        401: UNAUTHORIZED,
        403: error_response("Hosts cannot change the floor."),
        404: TABLE_404,
        409: error_response("A booking still to come holds the table."),
    },
)
