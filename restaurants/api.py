"""`GET`/`PUT /restaurants/{id}/settings`: the v1 settings (docs/api-v1.md), and the hours and
tables too."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.api_common import (
    RESTAURANT_NOT_FOUND,
    HourMinuteField,
    StrictCharField,
    StrictIntegerField,
    id_path_parameter,
    path_id,
    require_role,
)
from crm.api_errors import ErrorSerializer
from restaurants.models import Restaurant
from restaurants.personas import PERSONAS
from restaurants.services import restaurant_update_settings

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
ID_PARAMETER = id_path_parameter("restaurant_id")
NOT_YOURS = OpenApiResponse(
    ErrorSerializer, description="No such restaurant, or not one of yours (the same answer)."
)
UNAUTHORIZED = OpenApiResponse(
    ErrorSerializer, description="Missing, malformed, tampered or expired token."
)


class SettingsView(APIView):
    @extend_schema(
        operation_id="restaurant_settings_get",
        summary="Read a restaurant's settings",
        tags=["restaurants"],
        parameters=[ID_PARAMETER],
        responses={
            200: SettingsOut,
            400: OpenApiResponse(ErrorSerializer, description="The id is not a whole number."),
            401: UNAUTHORIZED,
            404: NOT_YOURS,
        },
        examples=[SETTINGS_EXAMPLE],
    )
    def get(self, request: Request, restaurant_id: str) -> Response:
        restaurant = self._restaurant(request, restaurant_id, manager=False)
        return Response(SettingsOut(restaurant).data)

    @extend_schema(
        operation_id="restaurant_settings_update",
        summary="Change a restaurant's settings (managers)",
        description=(
            "Send the fields to change; an absent field stays as it is. The v1 settings "
            "`host_choice`, `greeting_text` and `info_text` are `string|null`: null clears one "
            "(GET then answers null). Name, hours, slot length, tables and time zone are extras "
            "beyond v1 and cannot be null: null for one answers 400 naming it."
        ),
        tags=["restaurants"],
        parameters=[ID_PARAMETER],
        request=SettingsIn,
        responses={
            200: SettingsOut,
            400: OpenApiResponse(ErrorSerializer, description="A field is invalid; it is named."),
            401: UNAUTHORIZED,
            403: OpenApiResponse(ErrorSerializer, description="Hosts cannot change settings."),
            404: NOT_YOURS,
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
    def put(self, request: Request, restaurant_id: str) -> Response:
        restaurant = self._restaurant(request, restaurant_id, manager=True)
        data = SettingsIn(data=request.data)
        data.is_valid(raise_exception=True)
        # Only the fields sent are in validated_data; a null among them clears that text.
        restaurant_update_settings(restaurant=restaurant, **data.validated_data)
        return Response(SettingsOut(restaurant).data)

    @staticmethod
    def _restaurant(request: Request, raw_id: str, *, manager: bool) -> Restaurant:
        restaurant_id = path_id(raw_id, "restaurant_id")
        require_role(request, restaurant_id, manager=manager)
        try:
            return Restaurant.objects.get(pk=restaurant_id)
        except Restaurant.DoesNotExist:
            raise NotFound(RESTAURANT_NOT_FOUND) from None
