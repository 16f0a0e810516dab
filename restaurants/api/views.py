"""`GET`/`PUT /restaurants/{id}/settings`: the v1 settings (docs/api-v1.md), and the hours and
tables too; the floor's tables (`/restaurants/{id}/tables`, `/tables/{id}`). Documentation in
`schema.py`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.api.access import RESTAURANT_NOT_FOUND, require_role
from crm.api.errors import Conflict
from crm.api.fields import path_id
from restaurants.api import schema
from restaurants.api.serializers import SettingsIn, SettingsOut, TableIn, TableOut
from restaurants.models import Restaurant, Table
from restaurants.services import (
    TableInUse,
    restaurant_update_settings,
    table_create,
    table_delete,
    table_update,
)

TABLE_NOT_FOUND = _("Table not found.")


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


class TablesApi(APIView):
    @schema.tables_list
    def get(self, request: Request, restaurant_id: str) -> Response:
        rid = path_id(restaurant_id, "restaurant_id")
        require_role(request, rid)
        restaurant = restaurant_or_404(rid)
        return Response(TableOut(restaurant.tables.all(), many=True).data)

    @schema.table_create
    def post(self, request: Request, restaurant_id: str) -> Response:
        rid = path_id(restaurant_id, "restaurant_id")
        require_role(request, rid, manager=True)
        restaurant = restaurant_or_404(rid)
        data = TableIn(data=request.data)
        data.is_valid(raise_exception=True)
        table = table_create(restaurant=restaurant, **data.validated_data)
        return Response(TableOut(table).data, status=status.HTTP_201_CREATED)


class TableApi(APIView):
    @staticmethod
    def _table(request: Request, raw_id: str) -> Table:
        table = Table.objects.filter(pk=path_id(raw_id, "table_id")).first()
        if table is None:
            raise NotFound(TABLE_NOT_FOUND)
        try:
            require_role(request, table.restaurant_id, manager=True)
        except NotFound:
            raise NotFound(TABLE_NOT_FOUND) from None
        return table

    @schema.table_update
    def patch(self, request: Request, table_id: str) -> Response:
        table = self._table(request, table_id)
        data = TableIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return Response(TableOut(table_update(table=table, **data.validated_data)).data)

    @schema.table_delete
    def delete(self, request: Request, table_id: str) -> Response:
        try:
            table_delete(table=self._table(request, table_id))
        except TableInUse as exc:
            raise Conflict(str(exc), code="table_in_use") from None
        return Response(status=status.HTTP_204_NO_CONTENT)
