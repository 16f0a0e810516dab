"""A booking's panel, opened from the timeline, the day's list and the guest's history: its
details to edit (a move checked by the engine), the guest's history, status actions with undo,
and its change history.

An HTMX request gets the panel alone (into the page's dialog); without JavaScript it is a page
of its own. Only bookings of the restaurant being worked at are found; any other id is a 404.

An open panel refreshes itself when its page hears that something changed: it asks with the
stamp it was drawn at (`?stamp=`) and hears 204 while its booking is as it was. A host's unsaved
typing is never replaced: the page keeps the form and offers a reload instead (`app.js`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from bookings.calendar_grid import day_url
from bookings.exceptions import BookingInvalid, SlotFull
from bookings.forms import BookingEditForm, StatusForm
from bookings.guests.selectors import guest_with_history
from bookings.models import Booking
from bookings.services import booking_set_status, booking_update
from bookings.views.day import CHANGED_EVENT
from restaurants.current import PageRequest, restaurant_required

S = Booking.Status

# The words of a status action, by where the booking is now and where it goes.
ACTION_LABELS = {
    S.SEATED: gettext_lazy("Seat"),
    S.COMPLETED: gettext_lazy("Complete"),
    S.NO_SHOW: gettext_lazy("No-show"),
    S.CANCELLED: gettext_lazy("Cancel booking"),
}
UNDO_LABELS = {
    S.CANCELLED: gettext_lazy("Undo the cancel"),
    S.NO_SHOW: gettext_lazy("Undo the no-show"),
    S.SEATED: gettext_lazy("Not seated after all"),
    S.COMPLETED: gettext_lazy("Back to seated"),
}


@dataclass(frozen=True)
class PanelAction:
    status: str
    label: str
    undo: bool = False
    danger: bool = False


def panel_actions(booking: Booking) -> list[PanelAction]:
    """The status changes a host may make now, each in words; the way back marked `undo`."""
    actions = []
    for status in booking.allowed_statuses():
        back = (booking.status, status) in {
            (S.CANCELLED, S.CONFIRMED),
            (S.NO_SHOW, S.CONFIRMED),
            (S.SEATED, S.CONFIRMED),
            (S.COMPLETED, S.SEATED),
        }
        label = UNDO_LABELS[booking.status] if back else ACTION_LABELS.get(status, status)
        actions.append(
            PanelAction(str(status), str(label), undo=back, danger=status == S.CANCELLED)
        )
    return actions


# The booking's fields as the history names them; the visit's span follows its time.
HISTORY_FIELDS = {
    "client_name": gettext_lazy("name"),
    "phone": gettext_lazy("phone"),
    "email": gettext_lazy("e-mail"),
    "party_size": gettext_lazy("party size"),
    "notes": gettext_lazy("notes"),
    "date": gettext_lazy("date"),
    "time_slot": gettext_lazy("time"),
    "status": gettext_lazy("status"),
}


def _value(field: str, raw: object) -> str:
    if raw in (None, "", "None"):
        return "—"
    if field == "status" and raw in S.values:
        return str(S(raw).label)
    return str(raw)


def history_in_words(booking: Booking) -> list[dict]:
    """The booking's audit-log entries, oldest first: when, who, and what changed, in words."""
    entries = LogEntry.objects.get_for_object(booking).select_related("actor").order_by("timestamp")
    lines = []
    for entry in entries:
        who = entry.actor.get_username() if entry.actor else _("the system")
        if entry.action == LogEntry.Action.CREATE:
            what = [
                _("booked (%(source)s) for %(party)s at %(time)s")
                % {
                    "source": booking.get_source_display(),
                    "party": _value("party_size", entry.changes_dict.get("party_size", [0, ""])[1]),
                    "time": _value("time_slot", entry.changes_dict.get("time_slot", [0, ""])[1]),
                }
            ]
        else:
            what = [
                _("%(field)s: %(old)s → %(new)s")
                % {"field": label, "old": _value(name, change[0]), "new": _value(name, change[1])}
                for name, label in HISTORY_FIELDS.items()
                if (change := entry.changes_dict.get(name))
            ]
            if not what:
                continue  # only the visit's span or the guest link moved with another change
        lines.append({"when": entry.timestamp, "who": who, "what": what})
    return lines


def _booking_or_404(request: PageRequest, pk: int) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("restaurant", "guest").prefetch_related("tables"),
        pk=pk,
        restaurant=request.restaurant,
    )


def panel_stamp(booking: Booking) -> str:
    """What the panel shows of its booking, in a few characters: it differs once any of its
    fields, its status or its tables change, or it is saved again (a new history line). The
    guest's notes and tags are not in it: a change of those alone leaves an open panel be."""
    shown = (
        booking.updated_at.isoformat() if booking.updated_at else "",
        booking.status,
        booking.client_name,
        booking.phone,
        booking.email,
        booking.party_size,
        str(booking.date),
        booking.time_slot,
        booking.notes,
        sorted(t.pk for t in booking.tables.all()),
    )
    return hashlib.blake2b(repr(shown).encode(), digest_size=6).hexdigest()


def _edit_form(booking: Booking, data=None) -> BookingEditForm:
    initial = {
        "client_name": booking.client_name,
        "phone": booking.phone,
        "email": booking.email,
        "party_size": booking.party_size,
        "date": booking.date,
        "time_slot": booking.time_slot,
        "notes": booking.notes,
        "tables": [t.pk for t in booking.tables.all()],
    }
    return BookingEditForm(data, initial=initial, restaurant=booking.restaurant)


def _render_panel(
    request: PageRequest,
    booking: Booking,
    *,
    form: BookingEditForm | None = None,
    message: str = "",
    level: str = "success",
) -> HttpResponse:
    guest = (
        guest_with_history(restaurant=booking.restaurant, guest_id=booking.guest_id)
        if booking.guest_id
        else None
    )
    context = {
        "booking": booking,
        "stamp": panel_stamp(booking),
        "form": form or _edit_form(booking),
        "actions": panel_actions(booking),
        "guest": guest,
        "history": history_in_words(booking),
        "message": message,
        "level": level,
        "day_url": day_url(booking.date),
        "timeline_url": f"{reverse('bookings:timeline')}?date={booking.date.isoformat()}",
    }
    template = "bookings/panel.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#booking-panel"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _changed(response: HttpResponse, booking: Booking, message: str) -> HttpResponse:
    trigger_client_event(response, CHANGED_EVENT, {"date": str(booking.date)})
    trigger_client_event(response, "show-message", {"message": message, "level": "success"})
    return response


@require_GET
@restaurant_required
def booking_panel(request: PageRequest, pk: int) -> HttpResponse:
    booking = _booking_or_404(request, pk)
    stamp = request.GET.get("stamp")
    if request.htmx and stamp and stamp == panel_stamp(booking):
        return HttpResponse(status=204)  # as it was drawn: the open panel stays as it is
    return _render_panel(request, booking)


@require_POST
@restaurant_required
def booking_edit(request: PageRequest, pk: int) -> HttpResponse:
    """Save the panel's form through `booking_update`; a refusal shows beside its field."""
    booking = _booking_or_404(request, pk)
    form = _edit_form(booking, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        picked = sorted(t.pk for t in data.get("tables") or [])
        own = sorted(t.pk for t in booking.tables.all())
        try:
            booking = booking_update(
                booking=booking,
                client_name=data["client_name"],
                phone=data["phone"],
                email=data["email"],
                party_size=data["party_size"],
                date=data["date"],
                time_slot=data["time_slot"],
                notes=data["notes"],
                table_ids=picked if picked and picked != own else None,
                override_size=data.get("override_size", False),
            )
        except BookingInvalid as exc:
            field = "tables" if exc.field == "table_ids" else exc.field
            form.add_error(field if field in form.fields else None, str(exc))
        except SlotFull as exc:
            # A move that does not fit: beside the tables picked, else beside the time.
            field = (
                "tables" if picked and picked != own and "tables" in form.fields else "time_slot"
            )
            form.add_error(field, exc.message)
        else:
            message = _("Saved: %(name)s, %(date)s at %(time)s.") % {
                "name": booking.client_name,
                "date": formats.date_format(booking.date, "DATE_FORMAT"),
                "time": booking.time_slot,
            }
            if not request.htmx:
                return redirect("bookings:panel", pk=booking.pk)
            booking = _booking_or_404(request, pk)
            return _changed(_render_panel(request, booking, message=message), booking, message)
        booking = _booking_or_404(request, pk)  # the saved values, not the refused ones
    return _render_panel(request, booking, form=form)


@require_POST
@restaurant_required
def booking_panel_status(request: PageRequest, pk: int) -> HttpResponse:
    """A status action or an undo from the panel; the panel comes back as it is now."""
    booking = _booking_or_404(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _render_panel(request, booking, message=_("Choose an action."), level="error")
    try:
        booking = booking_set_status(booking=booking, status=form.cleaned_data["status"])
    except (BookingInvalid, SlotFull) as exc:
        return _render_panel(request, booking, message=str(exc), level="error")
    message = _("%(name)s at %(time)s: %(status)s.") % {
        "name": booking.client_name,
        "time": booking.time_slot,
        "status": booking.get_status_display(),
    }
    if not request.htmx:
        return redirect("bookings:panel", pk=booking.pk)
    booking = _booking_or_404(request, pk)
    return _changed(_render_panel(request, booking, message=message), booking, message)
