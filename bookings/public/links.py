"""Manage links: a booking's id signed with the secret key, so only its guest holds the link.

No account and no stored token: the HMAC makes the link unguessable, and any change to it
(another id, a cut signature) is refused exactly like a missing booking.
"""

from __future__ import annotations

from django.core import signing
from django.http import Http404
from django.urls import reverse

from bookings.models import Booking

_SALT = "bookings.public.manage"


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SALT, algorithm="sha256")


def manage_token(booking: Booking) -> str:
    return _signer().sign(str(booking.pk))


def manage_url(booking: Booking) -> str:
    return reverse("public:manage", args=[manage_token(booking)])


def booking_for_token(token: str) -> Booking:
    """The booking of a manage link, or 404 for a tampered, cut or unknown one."""
    try:
        pk = int(_signer().unsign(token))
    except (signing.BadSignature, ValueError):
        raise Http404("No such booking.") from None
    booking = Booking.objects.select_related("restaurant").filter(pk=pk).first()
    if booking is None or booking.source != Booking.Source.ONLINE:
        raise Http404("No such booking.")
    return booking


def reference(booking: Booking) -> str:
    """The reference a guest quotes on the phone; hosts find the booking by its number."""
    return f"{booking.restaurant.slug[:3].upper()}-{booking.pk:05d}"
