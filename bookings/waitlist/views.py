"""The host's desk on the timeline and the bookings page: walk-ins and today's waitlist.

Each action answers the desk's partial again (its form with errors beside the fields, or
fresh), and tells the page that bookings changed so the other parts refresh. Without
JavaScript each form posts and comes back to the page it was sent from.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from bookings import availability
from bookings.exceptions import BookingInvalid, SlotFull
from bookings.forms import WaitlistForm, WalkInForm
from bookings.models import WaitlistEntry
from bookings.services import booking_walk_in
from bookings.views.day import CHANGED_EVENT
from bookings.waitlist.selectors import waitlist_entry_for_user, waitlist_for_day
from bookings.waitlist.services import (
    waitlist_add,
    waitlist_remove,
    waitlist_seat,
    waitlist_update,
)
from restaurants.current import PageRequest, restaurant_required

TEMPLATE = "bookings/desk.html"


def desk_context(
    request: PageRequest,
    *,
    walk_in_form: WalkInForm | None = None,
    waitlist_form: WaitlistForm | None = None,
    offer_waitlist: bool = False,
) -> dict:
    restaurant = request.restaurant
    today = restaurant.today()
    entries = waitlist_for_day(restaurant=restaurant, date=today)
    return {
        "today": today,
        "waiting": [e for e in entries if e.status == WaitlistEntry.Status.WAITING],
        "resolved": [e for e in entries if e.status != WaitlistEntry.Status.WAITING],
        "walk_in_form": walk_in_form or WalkInForm(),
        "waitlist_form": waitlist_form or WaitlistForm(),
        "offer_waitlist": offer_waitlist,
        "walk_in_open": availability.current_slot(restaurant=restaurant) is not None,
    }


def _desk(request: PageRequest, *, message: str = "", level: str = "success", **kwargs):
    if not request.htmx:
        if message:
            (messages.success if level == "success" else messages.error)(request, message)
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = reverse("bookings:timeline")
        return redirect(back)
    response = render(request, f"{TEMPLATE}#host-desk", desk_context(request, **kwargs))
    if message:
        trigger_client_event(response, "show-message", {"message": message, "level": level})
    return response


def _changed(response: HttpResponse) -> HttpResponse:
    trigger_client_event(response, CHANGED_EVENT, {})
    return response


@require_GET
@restaurant_required
def desk(request: PageRequest) -> HttpResponse:
    """The desk alone, or its waitlist alone (what the page refreshes when something changed,
    leaving the desk's forms as the host is filling them)."""
    part = "waitlist-list" if request.htmx.target == "waitlist" else "host-desk"
    return render(request, f"{TEMPLATE}#{part}", desk_context(request))


@require_POST
@restaurant_required
def walk_in(request: PageRequest) -> HttpResponse:
    """Seat a walk-in now; when no table is free, the waitlist's form comes filled in."""
    form = WalkInForm(request.POST)
    if not form.is_valid():
        return _desk(request, walk_in_form=form)
    data = form.cleaned_data
    try:
        booking = booking_walk_in(
            restaurant=request.restaurant,
            party_size=data["party_size"],
            client_name=data["client_name"],
            created_by=request.user,
        )
    except BookingInvalid as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        return _desk(request, walk_in_form=form)
    except SlotFull as exc:
        form.add_error(None, exc.message)
        offer = WaitlistForm(
            initial={"name": data["client_name"], "party_size": data["party_size"]}
        )
        return _desk(request, walk_in_form=form, waitlist_form=offer, offer_waitlist=True)
    message = _("Seated: %(name)s, party of %(size)d, at %(tables)s until %(until)s.") % {
        "name": booking.client_name,
        "size": booking.party_size,
        "tables": booking.table_names or _("a table"),
        "until": booking.ends_time,
    }
    return _changed(_desk(request, message=message))


@require_POST
@restaurant_required
def waitlist_new(request: PageRequest) -> HttpResponse:
    form = WaitlistForm(request.POST)
    if not form.is_valid():
        return _desk(request, waitlist_form=form, offer_waitlist=True)
    data = form.cleaned_data
    try:
        entry = waitlist_add(
            restaurant=request.restaurant,
            name=data["name"],
            phone=data["phone"],
            party_size=data["party_size"],
            notes=data["notes"],
            created_by=request.user,
        )
    except BookingInvalid as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        return _desk(request, waitlist_form=form, offer_waitlist=True)
    if entry.quoted_minutes is None:
        message = _("%(name)s is on the waitlist; no table frees up for them today.")
    else:
        message = _("%(name)s is on the waitlist, quoted %(minutes)d min.")
    message %= {"name": entry.name, "minutes": entry.quoted_minutes or 0}
    return _changed(_desk(request, message=message))


def _entry_or_404(request: PageRequest, pk: int) -> WaitlistEntry:
    entry = waitlist_entry_for_user(entry_id=pk, restaurant_ids=[request.restaurant.pk])
    if entry is None:
        raise Http404(_("No such waitlist entry."))
    return entry


@require_POST
@restaurant_required
def waitlist_action(request: PageRequest, pk: int, action: str) -> HttpResponse:
    """Seat, mark left, back to waiting, or remove an entry of today's list."""
    entry = _entry_or_404(request, pk)
    try:
        if action == "seat":
            booking = waitlist_seat(entry=entry, created_by=request.user)
            message = _("Seated: %(name)s at %(tables)s until %(until)s.") % {
                "name": booking.client_name,
                "tables": booking.table_names or _("a table"),
                "until": booking.ends_time,
            }
        elif action == "left":
            waitlist_update(entry=entry, status=WaitlistEntry.Status.LEFT)
            message = _("%(name)s left the waitlist.") % {"name": entry.name}
        elif action == "waiting":
            waitlist_update(entry=entry, status=WaitlistEntry.Status.WAITING)
            message = _("%(name)s is waiting again.") % {"name": entry.name}
        elif action == "remove":
            waitlist_remove(entry=entry)
            message = _("%(name)s was removed from the waitlist.") % {"name": entry.name}
        else:
            raise Http404
    except (BookingInvalid, SlotFull) as exc:
        return _desk(request, message=str(exc), level="error")
    return _changed(_desk(request, message=message))
