"""A booking as an iCalendar file (RFC 5545), for the guest's "add to calendar"."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from bookings.models import Booking


def booking_ics(booking: Booking, *, manage_url: str = "") -> bytes:
    """One VEVENT from the visit's start to its end, in UTC, with the restaurant as location."""
    restaurant = booking.restaurant
    calendar = Calendar()
    calendar.add("prodid", "-//Restaurant CRM//Bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"booking-{booking.pk}@{restaurant.slug}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", booking.starts_at.astimezone(dt.UTC))
    event.add("dtend", booking.ends_at.astimezone(dt.UTC))
    event.add(
        "summary",
        _("Table at %(restaurant)s, party of %(party)d")
        % {"restaurant": restaurant.name, "party": booking.party_size},
    )
    event.add("location", restaurant.name)
    lines = [_("Booked for %(name)s.") % {"name": booking.client_name}]
    if restaurant.public_phone:
        lines.append(_("Phone: %(phone)s") % {"phone": restaurant.public_phone})
    if manage_url:
        lines.append(_("Change or cancel: %(url)s") % {"url": manage_url})
        event.add("url", manage_url)
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if booking.status == Booking.Status.CANCELLED else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
