"""The host's pages: the bookings page with its HTMX partials, the booking modal, status
actions, and the dashboard. Every change goes through the booking core's services."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, trigger_client_event

from bookings.availability import day_slots_for_booking, month_occupancy, week_occupancy
from bookings.exceptions import BookingInvalid, IdempotencyKeyReused, SlotFull
from bookings.forms import BookingForm, StatusForm, parse_date, parse_month
from bookings.idempotency import Idempotency
from bookings.models import Booking
from bookings.selectors import bookings_for_day, day_totals, month_outcomes, upcoming_bookings
from bookings.services import booking_create, booking_set_status
from restaurants.current import restaurant_required
from restaurants.models import Restaurant
from restaurants.selectors import restaurants_for_user

# The pieces of the bookings page an HTMX request may ask for, by the id of its target.
DAY_PARTS = ("day-view", "calendar", "slot-list", "day-bookings")
# A calendar far from today is a typo, not a plan; keep month navigation within this range.
YEARS_AROUND = 5
CHANGED_EVENT = "bookings-changed"


@dataclass(frozen=True)
class Action:
    status: str
    label: str
    confirm: bool = False


ACTIONS = (
    Action(Booking.Status.SEATED, gettext_lazy("Seated")),
    Action(Booking.Status.COMPLETED, gettext_lazy("Completed")),
    Action(Booking.Status.NO_SHOW, gettext_lazy("No-show")),
    Action(Booking.Status.CANCELLED, gettext_lazy("Cancel"), confirm=True),
)


def day_url(date: dt.date, month: tuple[int, int] | None = None) -> str:
    params = {"date": date.isoformat()}
    if month and month != (date.year, date.month):
        params["month"] = f"{month[0]:04d}-{month[1]:02d}"
    return f"{reverse('bookings:day')}?{urlencode(params)}"


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _occupancy_level(day: dict) -> str:
    if day["closed"]:
        return "closed"
    ratio = day["ratio"]
    if day["booked"] == 0:
        return "empty"
    if ratio >= 1:
        return "full"
    if ratio >= 0.75:
        return "high"
    if ratio >= 0.4:
        return "mid"
    return "low"


def _calendar_context(
    restaurant: Restaurant, date: dt.date, month: tuple[int, int], today: dt.date
) -> dict:
    year, month_no = month
    occupancy = month_occupancy(restaurant=restaurant, year=year, month=month_no)
    # Django counts weekdays from Sunday (0), Python's calendar from Monday (0).
    first_weekday = (int(formats.get_format("FIRST_DAY_OF_WEEK")) - 1) % 7
    weeks = []
    for week in calendar.Calendar(first_weekday).monthdatescalendar(year, month_no):
        cells = []
        for day in week:
            occ = occupancy.get(day)
            cells.append(
                {
                    "date": day,
                    "in_month": occ is not None,
                    "past": day < today,
                    "today": day == today,
                    "selected": day == date,
                    "occ": occ,
                    "level": _occupancy_level(occ) if occ else "",
                    "url": day_url(day),
                }
            )
        weeks.append(cells)
    prev_month = _shift_month(year, month_no, -1)
    next_month = _shift_month(year, month_no, 1)
    low, high = today.year - YEARS_AROUND, today.year + YEARS_AROUND
    return {
        "month_start": dt.date(year, month_no, 1),
        "weekdays": [cell["date"] for cell in weeks[0]],
        "weeks": weeks,
        "prev_url": day_url(date, prev_month) if prev_month[0] >= low else "",
        "next_url": day_url(date, next_month) if next_month[0] <= high else "",
        "calendar_url": day_url(date, month),
        "today_url": day_url(today),
    }


def _slots_context(restaurant: Restaurant, date: dt.date) -> dict:
    slots = []
    for slot in day_slots_for_booking(restaurant=restaurant, date=date):
        slots.append(
            {
                **slot,
                "full": slot["free"] == 0,
                "tables": slot["booked"] + slot["free"],
                "book_url": f"{reverse('bookings:new')}?"
                + urlencode({"date": date.isoformat(), "slot": slot["time"]}),
            }
        )
    return {
        "slots": slots,
        "free_total": sum(s["free"] for s in slots if not s["ended"]),
    }


def _bookings_context(restaurant: Restaurant, date: dt.date) -> dict:
    bookings = list(bookings_for_day(restaurant=restaurant, date=date))
    for booking in bookings:
        booking.actions = [a for a in ACTIONS if booking.can_change_to(a.status)]
    active = [b for b in bookings if b.is_active]
    return {
        "bookings": bookings,
        "active_count": len(active),
        "covers": sum(b.party_size for b in active),
    }


@restaurant_required
def day(request: HttpRequest) -> HttpResponse:
    """The bookings page: calendar, the chosen day's slots and bookings.

    An HTMX request gets only the piece its target names, so each swapped part is one partial.
    """
    restaurant = request.restaurant
    today = restaurant.today()
    date = parse_date(request.GET.get("date")) or today
    month = parse_month(request.GET.get("month")) or (date.year, date.month)
    if abs(month[0] - today.year) > YEARS_AROUND:
        month = (date.year, date.month)
    if abs(date.year - today.year) > YEARS_AROUND:
        date, month = today, (today.year, today.month)

    part = "page"
    if request.htmx and not request.htmx.history_restore_request:
        part = request.htmx.target if request.htmx.target in DAY_PARTS else "day-view"
    context: dict = {
        "date": date,
        "today": today,
        "is_past_day": date < today,
        "day_url": day_url(date, month),
        "slots_url": day_url(date),
    }
    if part in ("page", "day-view", "calendar"):
        context.update(_calendar_context(restaurant, date, month, today))
    if part in ("page", "day-view", "slot-list"):
        context.update(_slots_context(restaurant, date))
    if part in ("page", "day-view", "day-bookings"):
        context.update(_bookings_context(restaurant, date))
    template = "bookings/day.html" if part == "page" else f"bookings/day.html#{part}"
    response = render(request, template, context)
    # The same URL answers a whole page or one part: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _dialog_idempotency(request: HttpRequest, form: BookingForm) -> Idempotency | None:
    """The booking dialog's key, with what the dialog asks for; None from a form without one."""
    key = form.cleaned_data["idempotency_key"]
    if not key:
        return None
    asked = {name: str(form.cleaned_data[name]) for name in BookingForm.REQUEST_FIELDS}
    return Idempotency.of(user_id=request.user.pk, key=key, request=asked)


@require_http_methods(["GET", "POST"])
@restaurant_required
def booking_new(request: HttpRequest) -> HttpResponse:
    """The booking form: the modal's content for HTMX, a page of its own without JavaScript."""
    restaurant = request.restaurant
    template = "bookings/booking_new.html"
    if request.htmx:
        template += "#booking-form"

    if request.method == "POST":
        form = BookingForm(request.POST)
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
                )
            except BookingInvalid as exc:
                field = exc.field if exc.field in BookingForm.VISIBLE_FIELDS else None
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
                if request.htmx:
                    # Nothing to swap: the dialog closes and the page's parts refresh themselves.
                    response = reswap(HttpResponse(), "none")
                    trigger_client_event(response, CHANGED_EVENT, {"date": str(booking.date)})
                    trigger_client_event(response, "booking-created", {"message": message})
                    return response
                messages.success(request, message)
                return redirect(day_url(booking.date))
        date = parse_date(request.POST.get("date"))
        time_slot = request.POST.get("time_slot", "")
    else:
        date = parse_date(request.GET.get("date"))
        time_slot = request.GET.get("slot", "")
        form = BookingForm(initial={"date": date, "time_slot": time_slot})

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
def booking_status(request: HttpRequest, pk: int) -> HttpResponse:
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


# --- Dashboard ---------------------------------------------------------------------------

CHART_W, CHART_H, CHART_TOP, CHART_BOTTOM = 560, 240, 28, 48


def _svg_number(value: float) -> str:
    """An SVG coordinate: always a dot as the decimal mark, whatever the page's language."""
    return f"{value:.1f}".removesuffix(".0")


def _week_chart(days: list[dict], today: dt.date) -> dict:
    """Bar geometry for the next days' occupancy, drawn as SVG by the template."""
    slot_w = CHART_W / len(days)
    bar_w = slot_w * 0.6
    plot_h = CHART_H - CHART_TOP - CHART_BOTTOM
    bars = []
    for i, day in enumerate(days):
        h = plot_h * day["ratio"]
        bars.append(
            {
                **day,
                "percent": round(day["ratio"] * 100),
                "level": _occupancy_level(day),
                "x": _svg_number(i * slot_w + (slot_w - bar_w) / 2),
                "y": _svg_number(CHART_TOP + plot_h - h),
                "w": _svg_number(bar_w),
                "h": _svg_number(h),
                "cx": _svg_number(i * slot_w + slot_w / 2),
                "is_today": day["date"] == today,
            }
        )
    gridlines = [
        {"y": _svg_number(CHART_TOP + plot_h * (1 - p / 100)), "label": p} for p in (0, 50, 100)
    ]
    return {
        "bars": bars,
        "gridlines": gridlines,
        "width": str(CHART_W),
        "height": str(CHART_H),
        "label_y": str(CHART_H - CHART_BOTTOM + 20),
        "sub_y": str(CHART_H - CHART_BOTTOM + 38),
    }


@restaurant_required
def dashboard(request: HttpRequest) -> HttpResponse:
    restaurant = request.restaurant
    today = restaurant.today()
    slots = _slots_context(restaurant, today)["slots"]
    for slot in slots:
        slot["percent"] = round(100 * slot["booked"] / slot["tables"]) if slot["tables"] else 0
    week = week_occupancy(restaurant=restaurant, start=today, days=7)
    context = {
        "today": today,
        "totals": day_totals(restaurant=restaurant, date=today),
        "slots": slots,
        "week": week,
        "chart": _week_chart(week, today),
        "upcoming": upcoming_bookings(restaurant=restaurant),
        "outcomes": month_outcomes(restaurant=restaurant, year=today.year, month=today.month),
        "month_start": today.replace(day=1),
    }
    return render(request, "bookings/dashboard.html", context)
