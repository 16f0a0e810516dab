"""The booking dialog (a page of its own without JavaScript) and the status actions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, trigger_client_event

from bookings.calendar_grid import day_url
from bookings.exceptions import BookingInvalid, IdempotencyKeyReused, SlotFull
from bookings.forms import BookingForm, StatusForm, parse_date
from bookings.idempotency import Idempotency
from bookings.models import Booking
from bookings.services import booking_create, booking_set_status
from bookings.views.day import CHANGED_EVENT
from restaurants.current import PageRequest, restaurant_required
from restaurants.models import Table
from restaurants.selectors import restaurants_for_user


def _dialog_idempotency(request: PageRequest, form: BookingForm) -> Idempotency | None:
    """The booking dialog's key, with what the dialog asks for; None from a form without one."""
    key = form.cleaned_data["idempotency_key"]
    if not key:
        return None
    asked = {name: str(form.cleaned_data[name]) for name in BookingForm.REQUEST_FIELDS}
    return Idempotency.of(user_id=request.user.pk, key=key, request=asked)


@require_http_methods(["GET", "POST"])
@restaurant_required
def booking_new(request: PageRequest) -> HttpResponse:
    """The booking form: the modal's content for HTMX, a page of its own without JavaScript."""
    restaurant = request.restaurant
    template = "bookings/booking_new.html"
    if request.htmx:
        template += "#booking-form"

    if request.method == "POST":
        form = BookingForm(request.POST, restaurant=restaurant)
        if form.is_valid():
            data = form.cleaned_data
            try:
                booking = booking_create(
                    restaurant=restaurant,
                    date=data["date"],
                    time_slot=data["time_slot"],
                    client_name=data["client_name"],
                    party_size=data["party_size"],
                    phone=data["phone"],
                    email=data["email"],
                    notes=data["notes"],
                    source=Booking.Source.PAGE,
                    created_by=request.user,
                    idempotency=_dialog_idempotency(request, form),
                    table_ids=[table.pk for table in data.get("tables") or []] or None,
                    override_size=data.get("override_size", False),
                )
            except BookingInvalid as exc:
                field = "tables" if exc.field == "table_ids" else exc.field
                field = field if field in form.fields else None
                form.add_error(field, str(exc))
            except SlotFull as exc:
                form.add_error(None, exc.message)
            except IdempotencyKeyReused:
                form.add_error(
                    None,
                    _(
                        "This booking form has already made a booking. Close it and open a "
                        "new one for another booking."
                    ),
                )
            else:
                message = _("Booked: %(name)s, %(date)s at %(time)s, party of %(size)d.") % {
                    "name": booking.client_name,
                    "date": formats.date_format(booking.date, "DATE_FORMAT"),
                    "time": booking.time_slot,
                    "size": booking.party_size,
                }
                if names := booking.table_names:
                    message += " " + _("Table %(names)s until %(until)s.") % {
                        "names": names,
                        "until": booking.ends_time,
                    }
                if request.htmx:
                    # Nothing to swap: the dialog closes and the page's parts refresh themselves.
                    response = reswap(HttpResponse(), "none")
                    trigger_client_event(response, CHANGED_EVENT, {"date": str(booking.date)})
                    trigger_client_event(
                        response, "booking-created", {"message": message, "id": booking.pk}
                    )
                    return response
                messages.success(request, message)
                return redirect(day_url(booking.date))
        date = parse_date(request.POST.get("date"))
        time_slot = request.POST.get("time_slot", "")
    else:
        date = parse_date(request.GET.get("date"))
        time_slot = request.GET.get("slot", "")
        initial: dict = {"date": date, "time_slot": time_slot}
        # From the timeline's free cell: that table, if it is one of this restaurant's.
        table = request.GET.get("table", "")
        if table.isdigit() and len(table) < 19:
            initial["tables"] = list(
                Table.objects.filter(restaurant=restaurant, pk=int(table)).values_list(
                    "pk", flat=True
                )
            )
        form = BookingForm(initial=initial, restaurant=restaurant)

    slot_ok = date is not None and restaurant.has_slot(time_slot)
    context = {
        "form": form,
        "date": date,
        "time_slot": time_slot,
        "slot_ok": slot_ok,
        "back_url": day_url(date) if date else reverse("bookings:day"),
    }
    response = render(request, template, context, status=200 if slot_ok else 400)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_POST
@restaurant_required
def booking_status(request: PageRequest, pk: int) -> HttpResponse:
    """Seated, completed, no-show or cancelled. Another restaurant's booking is a 404."""
    booking = get_object_or_404(
        Booking.objects.select_related("restaurant"),
        pk=pk,
        restaurant__in=restaurants_for_user(user=request.user),
    )
    form = StatusForm(request.POST)
    level, ok = "error", False
    if not form.is_valid():
        message = _("Choose an action.")
    else:
        try:
            booking = booking_set_status(booking=booking, status=form.cleaned_data["status"])
        except (BookingInvalid, SlotFull) as exc:
            message = str(exc)
        else:
            level, ok = "success", True
            message = _("%(name)s at %(time)s: %(status)s.") % {
                "name": booking.client_name,
                "time": booking.time_slot,
                "status": booking.get_status_display(),
            }
    if request.htmx:
        response = HttpResponse()
        if ok:
            trigger_client_event(response, CHANGED_EVENT, {"date": str(booking.date)})
        trigger_client_event(response, "show-message", {"message": message, "level": level})
        return response
    (messages.success if ok else messages.error)(request, message)
    return redirect(day_url(booking.date))
