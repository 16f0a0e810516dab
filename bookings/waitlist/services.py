"""Writes of the waitlist. Seating a party goes through the booking core's walk-in."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import availability, changes
from bookings.exceptions import BookingInvalid
from bookings.fields import clean_guest_name, clean_notes, clean_party_size, normalize_phone
from bookings.models import Booking, WaitlistEntry
from bookings.services import booking_walk_in
from restaurants.models import Restaurant

E = WaitlistEntry.Status


def waitlist_add(
    *,
    restaurant: Restaurant,
    name: str,
    party_size: int,
    phone: str = "",
    notes: str = "",
    created_by: AbstractBaseUser | None = None,
) -> WaitlistEntry:
    """Put a party on today's waitlist, quoted the wait until a table frees up for it once the
    parties still waiting ahead of it have been seated."""
    name = clean_guest_name(name, field="name")
    party_size = clean_party_size(party_size)
    phone = normalize_phone(phone, country=restaurant.country)
    notes = clean_notes(notes)
    ahead = WaitlistEntry.objects.filter(
        restaurant=restaurant, date=restaurant.today(), status=E.WAITING
    ).order_by("created_at", "id")
    quote = availability.quoted_wait(
        restaurant=restaurant,
        party_size=party_size,
        ahead=list(ahead.values_list("party_size", flat=True)),
    )
    with transaction.atomic():
        entry = WaitlistEntry.objects.create(
            restaurant=restaurant,
            date=restaurant.today(),
            name=name,
            phone=phone,
            party_size=party_size,
            notes=notes,
            quoted_minutes=quote,
            created_by=created_by if created_by and created_by.is_authenticated else None,
        )
        changes.waitlist_changed(restaurant_id=restaurant.pk)
    return entry


def _locked(entry: WaitlistEntry) -> WaitlistEntry:
    locked = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    locked.restaurant = entry.restaurant
    return locked


def _check_waiting(entry: WaitlistEntry) -> None:
    if entry.status != E.WAITING:
        raise BookingInvalid(
            "status",
            _("%(name)s is no longer waiting (%(status)s).")
            % {"name": entry.name, "status": entry.get_status_display().lower()},
        )
    if entry.date != entry.restaurant.today():
        raise BookingInvalid("date", _("That waitlist was for another day."))


def waitlist_seat(*, entry: WaitlistEntry, created_by: AbstractBaseUser | None = None) -> Booking:
    """Seat a waiting party now at the best free table: a walk-in booking, and the entry
    marked seated with it. SlotFull (409) when no table fits yet; nothing changes then."""
    with transaction.atomic():
        availability.lock_restaurant(entry.restaurant_id)
        locked = _locked(entry)
        _check_waiting(locked)
        booking = booking_walk_in(
            restaurant=locked.restaurant,
            party_size=locked.party_size,
            client_name=locked.name,
            phone=locked.phone,
            notes=locked.notes,
            created_by=created_by,
        )
        locked.status, locked.booking, locked.resolved_at = E.SEATED, booking, timezone.now()
        locked.save(update_fields=["status", "booking", "resolved_at"])
        changes.waitlist_changed(restaurant_id=locked.restaurant_id)
    entry.status, entry.booking, entry.resolved_at = locked.status, booking, locked.resolved_at
    return booking


def waitlist_update(
    *,
    entry: WaitlistEntry,
    name: str | None = None,
    phone: str | None = None,
    party_size: int | None = None,
    notes: str | None = None,
    status: str | None = None,
) -> WaitlistEntry:
    """Change a waiting party's details, mark it left, or back to waiting (a mistaken "left").
    A seated party's entry no longer changes: its booking does."""
    wanted: dict[str, object] = {}
    if name is not None:
        wanted["name"] = clean_guest_name(name, field="name")
    if phone is not None:
        wanted["phone"] = normalize_phone(phone, country=entry.restaurant.country)
    if party_size is not None:
        wanted["party_size"] = clean_party_size(party_size)
    if notes is not None:
        wanted["notes"] = clean_notes(notes)
    if status is not None and status not in (E.WAITING, E.LEFT):
        raise BookingInvalid("status", _("A waiting party can be marked left, or waiting again."))
    with transaction.atomic():
        locked = _locked(entry)
        if locked.status == E.SEATED:
            raise BookingInvalid("status", _("This party has been seated; change its booking."))
        if status is not None and status != locked.status:
            wanted["status"] = status
            wanted["resolved_at"] = timezone.now() if status == E.LEFT else None
        for field, value in wanted.items():
            setattr(locked, field, value)
        if wanted:
            locked.save(update_fields=list(wanted))
            changes.waitlist_changed(restaurant_id=locked.restaurant_id)
    for field in ("name", "phone", "party_size", "notes", "status", "resolved_at"):
        setattr(entry, field, getattr(locked, field))
    return entry


def waitlist_remove(*, entry: WaitlistEntry) -> None:
    """Take an entry off the list altogether (put there by mistake)."""
    with transaction.atomic():
        WaitlistEntry.objects.filter(pk=entry.pk).delete()
        changes.waitlist_changed(restaurant_id=entry.restaurant_id)
