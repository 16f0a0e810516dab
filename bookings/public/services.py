"""Guests' own bookings: made, moved and cancelled through the booking core, source `online`.

The restaurant's online rules (largest party, minimum notice, days ahead, change cutoff) are
checked here; the tables, the pacing and the lock are the booking core's, as for every booking.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.translation import gettext as _

from bookings.exceptions import BookingInvalid
from bookings.models import Booking
from bookings.public.selectors import date_in_window, first_online_moment, last_online_date
from bookings.services import booking_cancel, booking_create, booking_update
from restaurants.models import Restaurant


class ChangeClosed(Exception):
    """The booking can no longer be changed online (past the cutoff, or no longer active)."""


def call_message(restaurant: Restaurant) -> str:
    if restaurant.public_phone:
        return _("Please call the restaurant: %(phone)s.") % {"phone": restaurant.public_phone}
    return _("Please call the restaurant.")


def check_online_request(
    *, restaurant: Restaurant, date: dt.date, time_slot: str, party_size: int
) -> None:
    """BookingInvalid, naming the field, unless the restaurant takes this online."""
    if not isinstance(party_size, int) or party_size < 1:
        raise BookingInvalid("party_size", _("Choose how many guests are coming."))
    if party_size > restaurant.online_max_party:
        raise BookingInvalid(
            "party_size",
            _("Online we book up to %(max)d guests. For a larger party: %(call)s")
            % {"max": restaurant.online_max_party, "call": call_message(restaurant)},
        )
    if not restaurant.has_slot(time_slot):
        raise BookingInvalid("time_slot", _("Choose one of the times offered."))
    if date > last_online_date(restaurant):
        raise BookingInvalid(
            "date",
            _("Online bookings open %(days)d days ahead.") % {"days": restaurant.online_days_ahead},
        )
    if not date_in_window(restaurant, date) or restaurant.slot_start(
        date, time_slot
    ) < first_online_moment(restaurant):
        raise BookingInvalid(
            "time_slot",
            _("Online bookings close %(notice)s before the visit. %(call)s")
            % {
                "notice": minutes_text(restaurant.online_min_notice_minutes),
                "call": call_message(restaurant),
            },
        )


def minutes_text(minutes: int) -> str:
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return formats.number_format(hours) + " " + _("h")
    return formats.number_format(minutes) + " " + _("min")


def online_booking_create(
    *,
    restaurant: Restaurant,
    date: dt.date,
    time_slot: str,
    party_size: int,
    client_name: str,
    phone: str,
    email: str = "",
    notes: str = "",
) -> Booking:
    """A guest's booking; BookingInvalid (400) or SlotFull (409) having written nothing."""
    if not restaurant.online_booking:
        raise BookingInvalid("restaurant", _("This restaurant does not take bookings online."))
    if not (phone or "").strip():
        raise BookingInvalid("phone", _("Enter a phone number, so the restaurant can reach you."))
    check_online_request(
        restaurant=restaurant, date=date, time_slot=time_slot, party_size=party_size
    )
    return booking_create(
        restaurant=restaurant,
        date=date,
        time_slot=time_slot,
        client_name=client_name,
        party_size=party_size,
        phone=phone,
        email=email,
        notes=notes,
        source=Booking.Source.ONLINE,
    )


def change_deadline(booking: Booking) -> dt.datetime:
    """Until when the guest may change or cancel this booking online."""
    restaurant = booking.restaurant
    return restaurant.slot_start(booking.date, booking.time_slot) - dt.timedelta(
        minutes=restaurant.online_change_cutoff_minutes
    )


def can_change_online(booking: Booking) -> bool:
    return (
        booking.status == Booking.Status.CONFIRMED
        and booking.restaurant.now() < change_deadline(booking)
    )


def _check_open(booking: Booking) -> None:
    if not can_change_online(booking):
        raise ChangeClosed(call_message(booking.restaurant))


def online_booking_change(
    *, booking: Booking, date: dt.date, time_slot: str, party_size: int
) -> Booking:
    """Move the guest's booking or change its party, until the cutoff; through the core."""
    _check_open(booking)
    check_online_request(
        restaurant=booking.restaurant, date=date, time_slot=time_slot, party_size=party_size
    )
    return booking_update(booking=booking, date=date, time_slot=time_slot, party_size=party_size)


def online_booking_cancel(*, booking: Booking) -> Booking:
    """Cancel the guest's booking, until the cutoff."""
    _check_open(booking)
    return booking_cancel(booking=booking)
