"""`GET`/`PUT /restaurants/{id}/settings`: the v1 settings (docs/api-v1.md), and the hours and
tables too. Documentation in `schema.py`."""

from __future__ import annotations

from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.api.access import RESTAURANT_NOT_FOUND, require_role
from crm.api.fields import path_id
from restaurants.api import schema
from restaurants.api.serializers import SettingsIn, SettingsOut
from restaurants.models import Restaurant
from restaurants.services import restaurant_update_settings


def restaurant_or_404(restaurant_id: int) -> Restaurant:
    try:
        return Restaurant.objects.get(pk=restaurant_id)
    except Restaurant.DoesNotExist:
        raise NotFound(RESTAURANT_NOT_FOUND) from None


class SettingsApi(APIView):
    @schema.settings_read
    def get(self, request: Request, restaurant_id: str) -> Response:
        restaurant = self._restaurant(request, restaurant_id, manager=False)
        return Response(SettingsOut(restaurant).data)

    @schema.settings_update
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
        return restaurant_or_404(restaurant_id)
