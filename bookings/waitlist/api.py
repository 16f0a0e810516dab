"""The waitlist and walk-in API: thin views over `bookings.waitlist.services` and the booking
core's walk-in. Their documentation is in `schema.py`; errors are the API's usual answers."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.api.serializers import BookingOut
from bookings.models import Booking, WaitlistEntry
from bookings.services import booking_walk_in
from bookings.waitlist import schema
from bookings.waitlist.selectors import waitlist_for_day, with_waits
from bookings.waitlist.serializers import (
    WaitlistEntryOut,
    WaitlistIn,
    WaitlistQuery,
    WaitlistUpdateIn,
    WalkInIn,
)
from bookings.waitlist.services import (
    waitlist_add,
    waitlist_remove,
    waitlist_seat,
    waitlist_update,
)
from crm.api.access import require_role
from crm.api.fields import path_id
from crm.api.jwt import token_role
from restaurants.api.views import restaurant_or_404

ENTRY_NOT_FOUND = _("Waitlist entry not found.")


def entry_or_404(request: Request, raw_id: str) -> WaitlistEntry:
    """The entry if it belongs to one of the caller's restaurants, else 404 (as a missing one)."""
    entry = (
        WaitlistEntry.objects.select_related("restaurant")
        .filter(pk=path_id(raw_id, "waitlist_id"))
        .first()
    )
    if entry is None or token_role(request, entry.restaurant_id) is None:
        raise exceptions.NotFound(ENTRY_NOT_FOUND)
    return entry


def _clean(data: dict) -> dict:
    """Absent and null leave a field as it is."""
    return {k: v for k, v in data.items() if v is not None}


class WaitlistApi(APIView):
    @schema.waitlist_read
    def get(self, request: Request, restaurant_id: str) -> Response:
        rid = path_id(restaurant_id, "restaurant_id")
        params = request.query_params
        # A plain dict: an empty `?date=` is a bad date, not an absent one.
        query = WaitlistQuery(data={"date": params["date"]} if "date" in params else {})
        query.is_valid(raise_exception=True)
        require_role(request, rid)
        restaurant = restaurant_or_404(rid)
        day = query.validated_data.get("date") or restaurant.today()
        entries = waitlist_for_day(restaurant=restaurant, date=day)
        return Response(
            {
                "restaurant_id": rid,
                "date": day.isoformat(),
                "waitlist": WaitlistEntryOut(entries, many=True).data,
            }
        )

    @schema.waitlist_add
    def post(self, request: Request, restaurant_id: str) -> Response:
        rid = path_id(restaurant_id, "restaurant_id")
        data = WaitlistIn(data=request.data)
        data.is_valid(raise_exception=True)
        require_role(request, rid)
        entry = waitlist_add(
            restaurant=restaurant_or_404(rid),
            created_by=request.user,
            **_clean(data.validated_data),
        )
        return Response(
            WaitlistEntryOut(with_waits([entry])[0]).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:waitlist-entry", args=[entry.pk])},
        )


class WaitlistEntryApi(APIView):
    @schema.waitlist_entry_read
    def get(self, request: Request, waitlist_id: str) -> Response:
        entry = entry_or_404(request, waitlist_id)
        return Response(WaitlistEntryOut(with_waits([entry])[0]).data)

    @schema.waitlist_update
    def patch(self, request: Request, waitlist_id: str) -> Response:
        entry = entry_or_404(request, waitlist_id)
        data = WaitlistUpdateIn(data=request.data)
        data.is_valid(raise_exception=True)
        entry = waitlist_update(entry=entry, **_clean(data.validated_data))
        return Response(WaitlistEntryOut(with_waits([entry])[0]).data)

    @schema.waitlist_remove
    def delete(self, request: Request, waitlist_id: str) -> Response:
        waitlist_remove(entry=entry_or_404(request, waitlist_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WaitlistSeatApi(APIView):
    @schema.waitlist_seat
    def post(self, request: Request, waitlist_id: str) -> Response:
        booking = waitlist_seat(entry=entry_or_404(request, waitlist_id), created_by=request.user)
        booking = Booking.objects.prefetch_related("tables").get(pk=booking.pk)
        return Response(
            BookingOut(booking).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:booking", args=[booking.pk])},
        )


class WalkInApi(APIView):
    @schema.walk_in
    def post(self, request: Request, restaurant_id: str) -> Response:
        rid = path_id(restaurant_id, "restaurant_id")
        data = WalkInIn(data=request.data)
        data.is_valid(raise_exception=True)
        require_role(request, rid)
        booking = booking_walk_in(
            restaurant=restaurant_or_404(rid),
            created_by=request.user,
            **_clean(data.validated_data),
        )
        booking = Booking.objects.prefetch_related("tables").get(pk=booking.pk)
        return Response(
            BookingOut(booking).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:booking", args=[booking.pk])},
        )
