"""Reads of the guest book: guests with what their bookings say, search, suggestions."""

from __future__ import annotations

import re

import phonenumbers
from django.db.models import Count, Max, Min, Q, QuerySet

from bookings.models import Booking, Guest
from restaurants.models import Restaurant

VISIT_STATUSES = (Booking.Status.SEATED, Booking.Status.COMPLETED)
# Fewer digits than this match too many phones to be a search.
PHONE_DIGITS_MIN = 3


def _guest_search(search: str, *, country: str) -> Q:
    """Name, e-mail, tag or phone."""
    search = " ".join(search.split())
    q = Q(search_text__contains=search.lower()) | Q(tag_index__contains=search.lower())
    return q | phone_search(search, country=country)


def phone_search(search: str, *, country: str, field: str = "phone") -> Q:
    """A phone (stored in E.164) by its digits in any format: "912 345", "+7 (912) 345-67-89"
    and "89123456789" all find +79123456789. Matches nothing unless `search` looks like a phone.
    """
    digits = re.sub(r"\D", "", search)
    if len(digits) < PHONE_DIGITS_MIN or re.search(r"[^\d\s()+.-]", search):
        return Q(pk__in=[])
    q = Q(**{f"{field}__contains": digits})
    # The start of a local number with its trunk prefix: "8 912…" in Russia is "+7912…".
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(country or "")
    prefix = (metadata.national_prefix or "") if metadata else ""
    if prefix and not search.startswith("+") and digits.startswith(prefix):
        code = phonenumbers.country_code_for_region(country)
        q |= Q(**{f"{field}__startswith": f"+{code}{digits[len(prefix) :]}"})
    try:
        number = phonenumbers.parse(search, country or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_possible_number(number):
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        q |= Q(**{field: e164})
    return q


def guests_with_history(
    *, restaurant: Restaurant, search: str = "", tag: str = ""
) -> QuerySet[Guest]:
    """The restaurant's guests, by name, each with what their bookings say: `visits` (seated or
    completed), `no_shows`, `cancellations`, `bookings_total`, `last_visit` and `next_visit`
    (dates). One query for any number of guests: the counts are aggregates over one join."""
    today = restaurant.today()
    S = Booking.Status
    qs = Guest.objects.filter(restaurant=restaurant)
    if search.strip():
        qs = qs.filter(_guest_search(search, country=restaurant.country))
    if tag.strip():
        qs = qs.filter(tag_index__contains=f"|{tag.strip().lower()}|")
    return qs.annotate(
        visits=Count("bookings", filter=Q(bookings__status__in=VISIT_STATUSES)),
        no_shows=Count("bookings", filter=Q(bookings__status=S.NO_SHOW)),
        cancellations=Count("bookings", filter=Q(bookings__status=S.CANCELLED)),
        bookings_total=Count("bookings"),
        last_visit=Max("bookings__date", filter=Q(bookings__status__in=VISIT_STATUSES)),
        next_visit=Min(
            "bookings__date",
            filter=Q(bookings__status=S.CONFIRMED, bookings__date__gte=today),
        ),
    ).order_by("name", "pk")


def guest_with_history(*, restaurant: Restaurant, guest_id: int) -> Guest | None:
    """One guest of the restaurant with the counts of `guests_with_history`, or None."""
    return guests_with_history(restaurant=restaurant).filter(pk=guest_id).first()


def guest_by_id(*, guest_id: int) -> Guest | None:
    """A guest with their restaurant, or None. Whether the caller may see it is theirs to check."""
    return Guest.objects.select_related("restaurant").filter(pk=guest_id).first()


def guest_bookings(*, guest: Guest) -> QuerySet[Booking]:
    """A guest's bookings, the newest first."""
    return Booking.objects.filter(guest=guest).order_by("-date", "-time_slot", "-id")


def guest_suggestions(*, restaurant: Restaurant, query: str, limit: int = 6) -> list[Guest]:
    """Known guests for the booking dialog, by a part of the name or of the phone."""
    query = " ".join((query or "").split())
    digits = re.sub(r"\D", "", query)
    if len(query) < 2 and len(digits) < PHONE_DIGITS_MIN:
        return []
    return list(
        Guest.objects.filter(restaurant=restaurant)
        .filter(_guest_search(query, country=restaurant.country))
        .order_by("name", "pk")[:limit]
    )
