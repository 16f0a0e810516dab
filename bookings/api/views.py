"""The booking API's views: the v1 slots read and booking (docs/api-v1.md), and more beyond.

Thin views: they parse and check the input's types, check the tenant from the token, and call
the booking core (`bookings.services`, `bookings.selectors`, `bookings.availability`), whose
errors the API's exception handler turns into 400/404/409/422. Their documentation is in
`schema.py`.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.urls import reverse
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.api import schema
from bookings.api.serializers import (
    BookingIn,
    BookingOut,
    BookingUpdateIn,
    DayBookingsQuery,
    SlotsQuery,
    StatusIn,
)
from bookings.availability import slots_json_for_day_by_id
from bookings.exceptions import BookingInvalid
from bookings.idempotency import Idempotency
from bookings.models import Booking
from bookings.selectors import booking_by_id, bookings_for_day
from bookings.services import booking_cancel, booking_create, booking_set_status, booking_update
from crm.api.access import BOOKING_NOT_FOUND, RESTAURANT_NOT_FOUND, require_role
from crm.api.fields import path_date, path_id
from crm.api.jwt import token_role
from restaurants.api.views import restaurant_or_404
from restaurants.models import Restaurant


def booking_or_404(request: Request, raw_id: str) -> Booking:
    """The booking if it exists and belongs to one of the caller's restaurants, else 404."""
    booking = booking_by_id(booking_id=path_id(raw_id, "booking_id"))
    if booking is None or token_role(request, booking.restaurant_id) is None:
        raise exceptions.NotFound(BOOKING_NOT_FOUND)
    return booking


class DaySlotsApi(APIView):
    @schema.slots_read
    def get(self, request: Request, restaurant_id: str, date: str) -> Response:
        rid = path_id(restaurant_id, "restaurant_id")
        day = path_date(date)
        require_role(request, rid)
        party = None
        if request.query_params:  # the v1 read has none: skip building a serializer for it
            query = SlotsQuery(data=request.query_params)
            query.is_valid(raise_exception=True)
            party = query.validated_data.get("party_size")
        try:
            slots = slots_json_for_day_by_id(restaurant_id=rid, date=day, party=party)
        except Restaurant.DoesNotExist:
            raise exceptions.NotFound(RESTAURANT_NOT_FOUND) from None
        return HttpResponse(day_slots_body(rid, day, slots), content_type="application/json")


def day_slots_body(restaurant_id: int, day: dt.date, slots: str) -> str:
    """The v1 slots read's answer around the day's slots as the cache holds them (JSON text):
    the hot path parses and renders nothing."""
    return f'{{"restaurant_id":{restaurant_id},"date":"{day.isoformat()}","slots":{slots}}}'


class BookingCreateApi(APIView):
    @schema.booking_create
    def post(self, request: Request) -> Response:
        data = BookingIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if v is not None}
        restaurant_id = fields.pop("restaurant_id")
        require_role(request, restaurant_id)
        key = request.headers.get("Idempotency-Key")
        idempotency = None
        if key is not None:
            try:
                idempotency = Idempotency.of(user_id=request.user.pk, key=key, request=request.data)
            except BookingInvalid:
                restaurant_or_404(restaurant_id)  # a missing restaurant is answered first
                raise
        try:
            # By id: the restaurant's row is read with its lock, one statement for both.
            booking = booking_create(
                restaurant=restaurant_id,
                **fields,
                source=Booking.Source.API,
                created_by=request.user,
                idempotency=idempotency,
            )
        except Restaurant.DoesNotExist:
            raise exceptions.NotFound(RESTAURANT_NOT_FOUND) from None
        return Response(
            {"status": "ok", "booking_id": booking.pk},
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:booking", args=[booking.pk])},
        )


class BookingApi(APIView):
    @schema.booking_read
    def get(self, request: Request, booking_id: str) -> Response:
        return Response(BookingOut(booking_or_404(request, booking_id)).data)

    @schema.booking_update
    def patch(self, request: Request, booking_id: str) -> Response:
        booking = booking_or_404(request, booking_id)
        data = BookingUpdateIn(data=request.data)
        data.is_valid(raise_exception=True)
        booking = booking_update(booking=booking, **data.validated_data)
        return Response(BookingOut(booking).data)


class BookingStatusApi(APIView):
    @schema.booking_set_status
    def post(self, request: Request, booking_id: str) -> Response:
        booking = booking_or_404(request, booking_id)
        data = StatusIn(data=request.data)
        data.is_valid(raise_exception=True)
        booking = booking_set_status(booking=booking, status=data.validated_data["status"])
        return Response(BookingOut(booking).data)


class BookingCancelApi(APIView):
    @schema.booking_cancel
    def post(self, request: Request, booking_id: str) -> Response:
        booking = booking_cancel(booking=booking_or_404(request, booking_id))
        return Response(BookingOut(booking).data)


class DayBookingsApi(APIView):
    @schema.bookings_for_day
    def get(self, request: Request, restaurant_id: str) -> Response:
        rid = path_id(restaurant_id, "restaurant_id")
        params = request.query_params
        query = DayBookingsQuery(
            data={
                **({"date": params["date"]} if "date" in params else {}),
                # Each given status is checked, an empty one too: `?status=` is a 400, as the
                # schema's enum says, not a filter that quietly lets every booking through.
                "status": [s.strip() for raw in params.getlist("status") for s in raw.split(",")],
            }
        )
        query.is_valid(raise_exception=True)
        require_role(request, rid)
        restaurant = restaurant_or_404(rid)
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
