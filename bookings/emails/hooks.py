"""What other parts of the product add to a guest's e-mail, each in one named place.

- `calendar_file(booking)`: the booking as an `.ics` (RFC 5545), from `bookings.ics.booking_ics`
  where that module exists; attached to the confirmation, change and reminder.
- `manage_url(booking)`: the guest's own link to see, change or cancel the booking, from the
  online-booking pages (`bookings.public`) where they provide one.
"""

from __future__ import annotations

import importlib

from bookings.models import Booking


def calendar_file(booking: Booking) -> bytes | None:
    try:
        ics = importlib.import_module("bookings.ics")
    except ImportError:
        return None
    return ics.booking_ics(booking)


def manage_url(booking: Booking) -> str | None:
    try:
        links = importlib.import_module("bookings.public.links")
    except ImportError:
        return None
    return links.manage_url(booking)
