"""A guest's e-mail about their booking, text and HTML, in their language."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bookings.emails import hooks
from bookings.models import Booking


class Kind:
    CONFIRMATION = "confirmation"
    CHANGE = "change"
    CANCELLATION = "cancellation"
    REMINDER = "reminder"


def _subject(kind: str, booking: Booking) -> str:
    names = {"restaurant": booking.restaurant.name}
    return {
        Kind.CONFIRMATION: _("Your table at %(restaurant)s is booked"),
        Kind.CHANGE: _("Your booking at %(restaurant)s has changed"),
        Kind.CANCELLATION: _("Your booking at %(restaurant)s is cancelled"),
        Kind.REMINDER: _("See you soon at %(restaurant)s"),
    }[kind] % names


def _intro(kind: str) -> str:
    return {
        Kind.CONFIRMATION: _("Thank you! We have booked a table for you."),
        Kind.CHANGE: _("Your booking has changed. Here it is as it stands now."),
        Kind.CANCELLATION: _("Your booking has been cancelled. We hope to see you another time."),
        Kind.REMINDER: _("A reminder of your booking with us."),
    }[kind]


def language_of(booking: Booking) -> str:
    return booking.language or settings.LANGUAGE_CODE


def booking_message(booking: Booking, kind: str) -> EmailMultiAlternatives:
    """The e-mail of this kind for the booking as it stands, to the guest's address."""
    with translation.override(language_of(booking)):
        start = booking.starts_at.astimezone(booking.restaurant.tz)
        context = {
            "booking": booking,
            "restaurant": booking.restaurant,
            "kind": kind,
            "intro": _intro(kind),
            "start": start,
            # A date format of Django's (`date` filter), written out in the guest's language.
            "day": formats.date_format(start, pgettext("e-mail date", "l, F j, Y")),
            "manage_url": hooks.manage_url(booking) if kind != Kind.CANCELLATION else None,
            "language": language_of(booking),
        }
        message = EmailMultiAlternatives(
            subject=_subject(kind, booking),
            body=render_to_string("bookings/email/booking.txt", context),
            to=[booking.email],
            headers={"Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(
            render_to_string("bookings/email/booking.html", context), "text/html"
        )
    if kind != Kind.CANCELLATION and (ics := hooks.calendar_file(booking)):
        message.attach("booking.ics", ics, "text/calendar; charset=utf-8; method=PUBLISH")
    return message
