"""What other parts of the product add to a guest's e-mail, each in one named place.

- `calendar_file(booking)`: the booking as an `.ics` (RFC 5545, `bookings.ics`), attached to the
  confirmation, change and reminder.
- `manage_url(booking)`: the guest's own link to see, change or cancel the booking
  (`bookings.public.links`), for bookings made on the public page or in its chat: they are the
  ones a manage link opens. Absolute, on `SITE_URL`, since a worker sends the mail outside any
  request.
"""

from __future__ import annotations

from django.conf import settings

from bookings.ics import booking_ics
from bookings.models import Booking
from bookings.public import links


def manage_url(booking: Booking) -> str | None:
    if booking.source != Booking.Source.ONLINE:
        return None
    return settings.SITE_URL.rstrip("/") + links.manage_url(booking)


def calendar_file(booking: Booking) -> bytes:
    return booking_ics(booking, manage_url=manage_url(booking) or "")
