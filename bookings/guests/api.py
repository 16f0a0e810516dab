"""The guest API: list and search a restaurant's guests, read, edit, merge and forget one, a
guest's bookings, and the CSV exports. Thin views in the style of `bookings.api`: parse, check
the tenant from the token, call `bookings.guests.services` / `bookings.guests.selectors`."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Paginator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import export
from bookings.api.schema import BOOKING_EXAMPLE
from bookings.api.serializers import BookingOut
from bookings.guests.selectors import (
    guest_bookings,
    guest_by_id,
    guest_with_history,
    guests_with_history,
)
from bookings.guests.services import TAG_CHOICES, guest_forget, guest_merge, guest_update
from bookings.models import Guest
from crm.api.access import require_role
from crm.api.fields import IdField, IsoDateField, StrictCharField, optional_text, path_id
from crm.api.jwt import token_role
from crm.api.schema import RESTAURANT_404, RESTAURANT_ID, UNAUTHORIZED
from crm.api.schema import error_response as error
from restaurants.api.views import restaurant_or_404
from restaurants.models import Membership

GUEST_NOT_FOUND = _("Guest not found.")
PAGE_SIZE = 50

# --- Serializers ----------------------------------------------------------------------------


class GuestOut(serializers.Serializer):
    id = serializers.IntegerField()
    restaurant_id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField(help_text="E.164, or empty.")
    email = serializers.CharField()
    notes = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    visits = serializers.IntegerField(help_text="Bookings seated or completed.")
    no_shows = serializers.IntegerField()
    cancellations = serializers.IntegerField()
    last_visit = serializers.DateField(allow_null=True, help_text="The latest visit's date.")
    next_visit = serializers.DateField(
        allow_null=True, help_text="The next confirmed booking's date, today or later."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class GuestPageOut(serializers.Serializer):
    restaurant_id = serializers.IntegerField()
    count = serializers.IntegerField(help_text="Guests matching, on all pages.")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    guests = GuestOut(many=True)


class GuestListQuery(serializers.Serializer):
    search = StrictCharField(required=False, allow_blank=True, max_length=100)
    tag = StrictCharField(required=False, allow_blank=True, max_length=100)
    page = serializers.IntegerField(required=False, min_value=1, max_value=10**9)


class GuestUpdateIn(serializers.Serializer):
    """Every field is optional; null or absent leaves it as it is."""

    name = optional_text(help_text="1 to 100 characters.")
    phone = optional_text(help_text="Read as local to the restaurant's country without a code.")
    email = optional_text()
    notes = optional_text(help_text="At most 2000 characters.")
    tags = serializers.ListField(
        child=StrictCharField(allow_blank=True, trim_whitespace=False),
        required=False,
        allow_null=True,
        help_text=(
            "The whole list, replacing the old one: at most 10 tags of 30 characters. "
            f"Suggested: {', '.join(TAG_CHOICES)}."
        ),
    )


class GuestBookingsOut(serializers.Serializer):
    guest_id = serializers.IntegerField()
    bookings = BookingOut(many=True, help_text="The newest first.")


class MergeIn(serializers.Serializer):
    other_id = IdField(help_text="The duplicate: its bookings move here and it is deleted.")


class ExportQuery(serializers.Serializer):
    start = IsoDateField(required=False)
    end = IsoDateField(required=False)


# --- Schema ---------------------------------------------------------------------------------

GUEST_ID = OpenApiParameter("guest_id", OpenApiTypes.INT, OpenApiParameter.PATH)
GUEST_404 = error("No such guest, or one of another restaurant (the same answer).")
MANAGER_403 = error("Only a manager of the guest's restaurant may do this.")
GUEST_EXAMPLE_VALUE = {
    "id": 4,
    "restaurant_id": 1,
    "name": "Иван Петров",
    "phone": "+79123456789",
    "email": "ivan@example.com",
    "notes": "Window table; allergic to nuts.",
    "tags": ["VIP", "allergy"],
    "visits": 7,
    "no_shows": 1,
    "cancellations": 0,
    "last_visit": "2024-12-14",
    "next_visit": "2025-01-01",
    "created_at": "2024-03-02T19:04:11+03:00",
    "updated_at": "2024-12-20T10:15:00+03:00",
}
GUEST_EXAMPLE = OpenApiExample("A guest", value=GUEST_EXAMPLE_VALUE, response_only=True)
CSV_200 = OpenApiResponse(
    OpenApiTypes.STR,
    description=(
        "A CSV file (UTF-8 with a byte-order mark, comma-separated, a header row), sent as an "
        "attachment and streamed. A cell starting with =, +, -, @ is prefixed with a quote."
    ),
)


# --- Views ----------------------------------------------------------------------------------


def _guest(request: Request, raw_id: str, *, manager: bool = False) -> Guest:
    """The guest if it belongs to one of the caller's restaurants, else 404; 403 for a host
    when `manager` is asked for."""
    guest = guest_by_id(guest_id=path_id(raw_id, "guest_id"))
    role = None if guest is None else token_role(request, guest.restaurant_id)
    if role is None:
        raise exceptions.NotFound(GUEST_NOT_FOUND)
    if manager and role != Membership.Role.MANAGER:
        raise exceptions.PermissionDenied(_("Only a manager of this restaurant can do this."))
    return guest


def _with_history(guest: Guest) -> Guest:
    found = guest_with_history(restaurant=guest.restaurant, guest_id=guest.pk)
    if found is None:  # deleted meanwhile
        raise exceptions.NotFound(GUEST_NOT_FOUND)
    return found


class GuestListApi(APIView):
    @extend_schema(
        operation_id="guests_list",
        summary="A restaurant's guests, searched",
        description=(
            "By name, 50 a page, each with their visits, no-shows, cancellations, last and next "
            "visit. `search` matches a part of the name, e-mail or a tag, or the phone in any "
            'format ("912 345", "8 912 345-67-89"); `tag` keeps the guests with that tag.'
        ),
        tags=["guests"],
        parameters=[
            RESTAURANT_ID,
            OpenApiParameter("search", str, OpenApiParameter.QUERY),
            OpenApiParameter("tag", str, OpenApiParameter.QUERY, description="e.g. VIP"),
            OpenApiParameter("page", int, OpenApiParameter.QUERY, description="From 1."),
        ],
        responses={
            200: GuestPageOut,
            400: error("Bad id or page; it is named."),
            401: UNAUTHORIZED,
            404: RESTAURANT_404,
        },
        examples=[
            OpenApiExample(
                "A page",
                value={
                    "restaurant_id": 1,
                    "count": 1,
                    "page": 1,
                    "pages": 1,
                    "guests": [GUEST_EXAMPLE_VALUE],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, restaurant_id: str) -> Response:
        rid = path_id(restaurant_id, "restaurant_id")
        query = GuestListQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        require_role(request, rid)
        restaurant = restaurant_or_404(rid)
        params = query.validated_data
        guests = guests_with_history(
            restaurant=restaurant, search=params.get("search", ""), tag=params.get("tag", "")
        )
        paginator = Paginator(guests, PAGE_SIZE)
        number = params.get("page", 1)
        try:
            page = paginator.page(number)
        except EmptyPage:
            raise exceptions.ValidationError(
                {"page": [_("No such page: there are %(pages)d.") % {"pages": paginator.num_pages}]}
            ) from None
        return Response(
            {
                "restaurant_id": rid,
                "count": paginator.count,
                "page": page.number,
                "pages": paginator.num_pages,
                "guests": GuestOut(page.object_list, many=True).data,
            }
        )


class GuestApi(APIView):
    @extend_schema(
        operation_id="guest_get",
        summary="A guest, with their history's counts",
        tags=["guests"],
        parameters=[GUEST_ID],
        responses={200: GuestOut, 400: error("Bad id."), 401: UNAUTHORIZED, 404: GUEST_404},
        examples=[GUEST_EXAMPLE],
    )
    def get(self, request: Request, guest_id: str) -> Response:
        return Response(GuestOut(_with_history(_guest(request, guest_id))).data)

    @extend_schema(
        operation_id="guest_update",
        summary="Change a guest's details, notes or tags",
        description=(
            "Send the fields to change; null or absent leaves a field as it is. `tags` replaces "
            "the whole list. A phone another guest of the restaurant has is refused (merge them "
            "instead). The guest's bookings keep the contacts they were made with."
        ),
        tags=["guests"],
        parameters=[GUEST_ID],
        request=GuestUpdateIn,
        responses={
            200: GuestOut,
            400: error("A field is wrong; it is named."),
            401: UNAUTHORIZED,
            404: GUEST_404,
        },
        examples=[
            OpenApiExample(
                "Notes and tags",
                value={"notes": "Window table; allergic to nuts.", "tags": ["VIP", "allergy"]},
                request_only=True,
            ),
            GUEST_EXAMPLE,
        ],
    )
    def patch(self, request: Request, guest_id: str) -> Response:
        guest = _guest(request, guest_id)
        data = GuestUpdateIn(data=request.data)
        data.is_valid(raise_exception=True)
        guest_update(guest=guest, **data.validated_data)
        return Response(GuestOut(_with_history(guest)).data)

    @extend_schema(
        operation_id="guest_forget",
        summary="Forget a guest (on their request)",
        description=(
            "Deletes the guest. Their past, cancelled and missed bookings keep the date and party "
            "size but lose the name, phone, e-mail and notes; upcoming bookings keep the name "
            "until the visit and are unlinked. Managers only."
        ),
        tags=["guests"],
        parameters=[GUEST_ID],
        responses={
            204: None,
            400: error("Bad id."),
            401: UNAUTHORIZED,
            403: MANAGER_403,
            404: GUEST_404,
        },
    )
    def delete(self, request: Request, guest_id: str) -> Response:
        guest_forget(guest=_guest(request, guest_id, manager=True))
        return Response(status=status.HTTP_204_NO_CONTENT)


class GuestBookingsApi(APIView):
    @extend_schema(
        operation_id="guest_bookings",
        summary="A guest's bookings",
        tags=["guests"],
        parameters=[GUEST_ID],
        responses={
            200: GuestBookingsOut,
            400: error("Bad id."),
            401: UNAUTHORIZED,
            404: GUEST_404,
        },
        examples=[
            OpenApiExample(
                "Bookings",
                value={"guest_id": 4, "bookings": [BOOKING_EXAMPLE.value]},
                response_only=True,
            )
        ],
    )
    def get(self, request: Request, guest_id: str) -> Response:
        guest = _guest(request, guest_id)
        bookings = guest_bookings(guest=guest)
        return Response({"guest_id": guest.pk, "bookings": BookingOut(bookings, many=True).data})


class GuestMergeApi(APIView):
    @extend_schema(
        operation_id="guest_merge",
        summary="Merge a duplicate into this guest",
        description=(
            "The other guest's bookings move to this one and the other is deleted. Contacts this "
            "guest lacks are taken from the other; notes are joined, tags combined. Both must be "
            "guests of the same restaurant. Managers only."
        ),
        tags=["guests"],
        parameters=[GUEST_ID],
        request=MergeIn,
        responses={
            200: GuestOut,
            400: error("`other_id` is missing, the same guest, or of another restaurant."),
            401: UNAUTHORIZED,
            403: MANAGER_403,
            404: GUEST_404,
        },
        examples=[
            OpenApiExample("Merge guest 9 into this one", value={"other_id": 9}, request_only=True),
            GUEST_EXAMPLE,
        ],
    )
    def post(self, request: Request, guest_id: str) -> Response:
        guest = _guest(request, guest_id, manager=True)
        data = MergeIn(data=request.data)
        data.is_valid(raise_exception=True)
        other = guest_by_id(guest_id=data.validated_data["other_id"])
        if other is None or token_role(request, other.restaurant_id) is None:
            raise exceptions.NotFound(GUEST_NOT_FOUND)
        guest_merge(into=guest, other=other)
        return Response(GuestOut(_with_history(guest)).data)


class CSVOrJSON(BaseContentNegotiation):
    """An export answers CSV whatever the client accepts; its errors answer JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class GuestsExportApi(APIView):
    content_negotiation_class = CSVOrJSON

    @extend_schema(
        operation_id="export_guests",
        summary="Every guest of a restaurant as CSV",
        description=(
            "Columns: " + ", ".join(export.GUEST_COLUMNS) + ". Tags are joined with `; `. "
            "Managers only."
        ),
        tags=["export"],
        parameters=[RESTAURANT_ID],
        responses={
            (200, "text/csv"): CSV_200,
            400: error("Bad id."),
            401: UNAUTHORIZED,
            403: MANAGER_403,
            404: RESTAURANT_404,
        },
    )
    def get(self, request: Request, restaurant_id: str):
        rid = path_id(restaurant_id, "restaurant_id")
        require_role(request, rid, manager=True)
        return export.guests_csv(restaurant_or_404(rid))


class BookingsExportApi(APIView):
    content_negotiation_class = CSVOrJSON

    @extend_schema(
        operation_id="export_bookings",
        summary="A restaurant's bookings of a date range as CSV",
        description=(
            "Every booking from `from` to `to` (inclusive), whatever its status, by date and "
            "slot. Without dates, this month; with only `from`, the rest of its month. Columns: "
            + ", ".join(export.BOOKING_COLUMNS)
            + ". Managers only."
        ),
        tags=["export"],
        parameters=[
            RESTAURANT_ID,
            OpenApiParameter("from", OpenApiTypes.DATE, OpenApiParameter.QUERY),
            OpenApiParameter("to", OpenApiTypes.DATE, OpenApiParameter.QUERY),
        ],
        responses={
            (200, "text/csv"): CSV_200,
            400: error("Bad id or date, or `to` before `from`; it is named."),
            401: UNAUTHORIZED,
            403: MANAGER_403,
            404: RESTAURANT_404,
        },
    )
    def get(self, request: Request, restaurant_id: str):
        rid = path_id(restaurant_id, "restaurant_id")
        params = request.query_params
        query = ExportQuery(
            data={
                key: params[name]
                for key, name in (("start", "from"), ("end", "to"))
                if name in params
            }
        )
        if not query.is_valid():
            names = {"start": "from", "end": "to"}
            raise exceptions.ValidationError({names.get(k, k): v for k, v in query.errors.items()})
        require_role(request, rid, manager=True)
        restaurant = restaurant_or_404(rid)
        start, end = export.export_range(
            restaurant=restaurant,
            start=query.validated_data.get("start"),
            end=query.validated_data.get("end"),
        )
        return export.bookings_csv(restaurant, start, end)


# Mounted among the API's routes in crm/urls.py.
