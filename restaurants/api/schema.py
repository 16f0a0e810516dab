"""The settings API's OpenAPI documentation, kept here so that the view reads in a screen."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema

from crm.api.schema import RESTAURANT_404, RESTAURANT_ID, UNAUTHORIZED, error_response
from restaurants.api.serializers import SettingsIn, SettingsOut

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
