"""Writes of the booking core: every booking made or changed anywhere goes through here.

A booking is checked against the restaurant's slot grid, its time zone and the slot's free
tables (`bookings.availability`). The count and the insert happen in one transaction holding
the restaurant's row lock (PostgreSQL) or SQLite's write lock (IMMEDIATE transactions), so
concurrent requests for the last table queue up and only one of them gets it. Every write calls
`bookings.changes.bookings_changed`, which acts once the transaction commits.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings import availability, changes
from bookings import idempotency as idempotent
from bookings.exceptions import BookingInvalid
from bookings.fields import (
    clean_email,
    clean_guest_name,
    clean_notes,
    clean_party_size,
    normalize_phone,
)
from bookings.guests.services import guest_link_or_create
from bookings.models import Booking
from restaurants.models import Restaurant


def booking_create(
    *,
    restaurant: Restaurant,
    date: dt.date,
    time_slot: str,
    client_name: str,
    party_size: int = 2,
    phone: str = "",
    email: str = "",
    notes: str = "",
    source: str = Booking.Source.PAGE,
    created_by: AbstractBaseUser | None = None,
    idempotency: idempotent.Idempotency | None = None,
) -> Booking:
    """Book one table, or raise BookingInvalid (400) or SlotFull (409) having written nothing.

    With `idempotency`, a request already answered under its key gets that booking back, and
    nothing is written (IdempotencyKeyReused when the key came with another request).
    """
    if idempotency is not None and (earlier := idempotent.earlier_booking(idempotency)):
        return earlier
    try:
        return _booking_insert(
            restaurant=restaurant,
            date=date,
            time_slot=time_slot,
            client_name=client_name,
            party_size=party_size,
            phone=phone,
            email=email,
            notes=notes,
            source=source,
            created_by=created_by,
            idempotency=idempotency,
        )
    except IntegrityError:
        # The same key, at the same moment, for another restaurant: the unique key made this
        # request wait for that one, which booked. Answer what it answered.
        if idempotency is None or not (earlier := idempotent.earlier_booking(idempotency)):
            raise
        return earlier


def _booking_insert(
    *,
    restaurant: Restaurant,
    date: dt.date,
    time_slot: str,
    client_name: str,
    party_size: int,
    phone: str,
    email: str,
    notes: str,
    source: str,
    created_by: AbstractBaseUser | None,
    idempotency: idempotent.Idempotency | None,
) -> Booking:
    name = clean_guest_name(client_name)
    availability.check_bookable(restaurant=restaurant, date=date, time_slot=time_slot)
    party_size = clean_party_size(party_size)
    phone = normalize_phone(phone, country=restaurant.country)
    email = clean_email(email)
    notes = clean_notes(notes)

    with transaction.atomic():
        availability.lock_restaurant(restaurant.pk)
        # A request with the same key that held the lock before this one has committed by now.
        if idempotency is not None and (earlier := idempotent.earlier_booking(idempotency)):
            return earlier
        availability.check_free_table(restaurant=restaurant, date=date, time_slot=time_slot)
        guest = guest_link_or_create(restaurant=restaurant, name=name, phone=phone, email=email)
        booking = Booking.objects.create(
            restaurant=restaurant,
            guest=guest,
            date=date,
            time_slot=time_slot,
            client_name=name,
            party_size=party_size,
            phone=phone,
            email=email,
            notes=notes,
            source=source,
            created_by=created_by if created_by and created_by.is_authenticated else None,
        )
        if idempotency is not None:
            idempotent.remember(idempotency, booking)
        changes.bookings_changed(restaurant_id=restaurant.pk, dates=[date])
    return booking


def _locked_booking(booking: Booking) -> Booking:
    """The booking's row as committed, locked until the transaction ends. Call it holding the
    restaurant's lock: nothing read before the lock may decide a change.

    Raises Booking.DoesNotExist when it was deleted meanwhile.
    """
    locked = Booking.objects.select_for_update().get(pk=booking.pk)
    locked.restaurant = booking.restaurant  # a booking never changes restaurant
    return locked


def _bring_up_to_date(booking: Booking, written: Booking) -> Booking:
    """The caller's copy of a booking made what was written, so it shows no stale field."""
    if booking is not written:
        for field in Booking._meta.concrete_fields:
            setattr(booking, field.attname, getattr(written, field.attname))
        booking._state.fields_cache.pop("guest", None)
    return booking


def booking_set_status(*, booking: Booking, status: str) -> Booking:
    """Move a booking along its life: seated, completed, no-show, cancelled, or back.

    A change that makes a freed booking hold a table again needs a free table in its slot.
    Holding the restaurant's lock, the booking's row is read as committed and decides the
    change; `booking` is then brought up to date and handed back.
    """
    if status not in Booking.Status.values:
        raise BookingInvalid("status", _("Unknown status: %(status)s.") % {"status": status})
    with transaction.atomic():
        availability.lock_restaurant(booking.restaurant_id)
        locked = _locked_booking(booking)
        if status == locked.status:
            return _bring_up_to_date(booking, locked)
        if not locked.can_change_to(status):
            raise BookingInvalid(
                "status",
                _("A %(old)s booking cannot become %(new)s.")
                % {
                    "old": locked.get_status_display().lower(),
                    "new": Booking.Status(status).label.lower(),
                },
            )
        if not locked.is_active and status in Booking.ACTIVE_STATUSES:
            availability.check_free_table(
                restaurant=locked.restaurant, date=locked.date, time_slot=locked.time_slot
            )
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        changes.bookings_changed(restaurant_id=locked.restaurant_id, dates=[locked.date])
    return _bring_up_to_date(booking, locked)


def booking_cancel(*, booking: Booking) -> Booking:
    return booking_set_status(booking=booking, status=Booking.Status.CANCELLED)


def booking_update(
    *,
    booking: Booking,
    date: dt.date | None = None,
    time_slot: str | None = None,
    client_name: str | None = None,
    party_size: int | None = None,
    phone: str | None = None,
    email: str | None = None,
    notes: str | None = None,
) -> Booking:
    """Change a booking's details; None leaves a field as it is. A move needs a free table.

    The input is cleaned first; then, holding the restaurant's lock, the booking's row is read
    as committed and only the fields whose value changes are written, so a status, a move or a
    note answered to someone else meanwhile is never written back.
    """
    restaurant = booking.restaurant
    wanted: dict[str, object] = {}
    if client_name is not None:
        wanted["client_name"] = clean_guest_name(client_name)
    if party_size is not None:
        wanted["party_size"] = clean_party_size(party_size)
    if phone is not None:
        wanted["phone"] = normalize_phone(phone, country=restaurant.country)
    if email is not None:
        wanted["email"] = clean_email(email)
    if notes is not None:
        wanted["notes"] = clean_notes(notes)
    if date is not None:
        wanted["date"] = date
    if time_slot is not None:
        wanted["time_slot"] = time_slot

    with transaction.atomic():
        availability.lock_restaurant(restaurant.pk)
        locked = _locked_booking(booking)
        changed = {f: v for f, v in wanted.items() if getattr(locked, f) != v}
        old_date = locked.date
        moves = "date" in changed or "time_slot" in changed
        if moves:
            new_date = changed.get("date", locked.date)
            new_slot = changed.get("time_slot", locked.time_slot)
            availability.check_bookable(restaurant=restaurant, date=new_date, time_slot=new_slot)
            if locked.is_active:
                availability.check_free_table(
                    restaurant=restaurant, date=new_date, time_slot=new_slot, exclude_id=locked.pk
                )
        if "phone" in changed:
            changed["guest"] = guest_link_or_create(
                restaurant=restaurant,
                name=changed.get("client_name", locked.client_name),
                phone=changed["phone"],
                email=changed.get("email", locked.email),
            )
        if changed:
            for field, value in changed.items():
                setattr(locked, field, value)
            locked.save(update_fields=[*changed, "updated_at"])
        if moves:
            changes.bookings_changed(restaurant_id=restaurant.pk, dates=[old_date, locked.date])
    return _bring_up_to_date(booking, locked)
