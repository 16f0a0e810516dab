"""Writes of the booking core: every booking made or changed anywhere goes through here.

A booking is checked against the restaurant's slot grid, its time zone and the slot's free
tables. The count and the insert happen in one transaction holding the restaurant's row lock
(PostgreSQL) or SQLite's write lock (IMMEDIATE transactions), so concurrent requests for the
last table queue up and only one of them gets it.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import phonenumbers
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings import idempotency as idempotent
from bookings import queries, slot_cache
from bookings.exceptions import BookingInvalid, SlotFull
from bookings.models import CLIENT_NAME_MAX, PARTY_SIZE_MAX, Booking, Guest
from restaurants.models import Restaurant

# How far ahead a booking may be made.
MAX_DAYS_AHEAD = 366
NOTES_MAX = 1000


def normalize_phone(raw: str, *, country: str) -> str:
    """A phone number in E.164 (`+79123456789`), read as local to `country` without a code."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, country or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise BookingInvalid("phone", _("Enter a valid phone number."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_guest_name(name: str, *, field: str = "client_name") -> str:
    """A guest's name with its spaces folded; refused, naming `field`, when empty or too long."""
    name = " ".join((name or "").split())
    if not name:
        raise BookingInvalid(field, _("Enter the guest's name."))
    if len(name) > CLIENT_NAME_MAX:
        raise BookingInvalid(
            field,
            _("The name is too long (at most %(max)d characters).") % {"max": CLIENT_NAME_MAX},
        )
    return name


def _clean_party_size(party_size: int) -> int:
    if isinstance(party_size, bool) or not isinstance(party_size, int):
        raise BookingInvalid("party_size", _("Party size must be a whole number."))
    if not 1 <= party_size <= PARTY_SIZE_MAX:
        raise BookingInvalid(
            "party_size",
            _("Party size must be from 1 to %(max)d.") % {"max": PARTY_SIZE_MAX},
        )
    return party_size


def _clean_email(email: str) -> str:
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise BookingInvalid("email", _("Enter a valid e-mail address.")) from None
    return email


def _clean_notes(notes: str) -> str:
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX:
        raise BookingInvalid(
            "notes", _("Notes are too long (at most %(max)d characters).") % {"max": NOTES_MAX}
        )
    return notes


def _check_when(*, restaurant: Restaurant, date: dt.date, time_slot: str) -> None:
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise BookingInvalid("date", _("Enter a date as YYYY-MM-DD."))
    if not restaurant.has_slot(time_slot):
        raise BookingInvalid(
            "time_slot",
            _("%(slot)s is not a booking slot of this restaurant. Slots: %(slots)s.")
            % {"slot": time_slot, "slots": ", ".join(restaurant.slot_times())},
        )
    today = restaurant.today()
    if date < today or restaurant.slot_has_ended(date, time_slot):
        raise BookingInvalid("date", _("That time has already passed."))
    if (date - today).days > MAX_DAYS_AHEAD:
        raise BookingInvalid(
            "date", _("Bookings open at most %(days)d days ahead.") % {"days": MAX_DAYS_AHEAD}
        )


def _lock_restaurant(restaurant: Restaurant) -> None:
    """Serialize bookings of one restaurant until the transaction ends."""
    queries.lock_restaurant(restaurant.pk)


def _check_free_table(
    *, restaurant: Restaurant, date: dt.date, time_slot: str, exclude_id: int | None = None
) -> None:
    """SlotFull unless the slot has a free table. Call it holding the restaurant's lock.

    The slot's active bookings and the day's tables (its override, else the default) are read
    by one statement, after the lock, so both are as the previous holder committed them.
    """
    taken, tables = queries.slot_taken_and_tables(
        restaurant=restaurant, date=date, time_slot=time_slot, exclude_id=exclude_id
    )
    if taken >= tables:
        raise SlotFull(
            _("No free tables at %(slot)s on %(date)s.")
            % {"slot": time_slot, "date": date.isoformat()}
        )


def _forget_day_on_commit(restaurant_id: int, *dates: dt.date) -> None:
    for date in set(dates):
        transaction.on_commit(partial(slot_cache.forget, restaurant_id, date))


def guest_link_or_create(
    *, restaurant: Restaurant, name: str, phone: str, email: str = ""
) -> Guest | None:
    """The guest a booking belongs to: matched by phone, created when new.

    Without a phone, a guest is linked only when exactly one has that name; none is created.
    Call it inside the booking's transaction.
    """
    if phone:
        guest, created = Guest.objects.get_or_create(
            restaurant=restaurant, phone=phone, defaults={"name": name, "email": email}
        )
        if not created and email and not guest.email:
            guest.email = email
            guest.save(update_fields=["email", "updated_at"])
        return guest
    matches = list(Guest.objects.filter(restaurant=restaurant, name__iexact=name)[:2])
    return matches[0] if len(matches) == 1 else None


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
    _check_when(restaurant=restaurant, date=date, time_slot=time_slot)
    party_size = _clean_party_size(party_size)
    phone = normalize_phone(phone, country=restaurant.country)
    email = _clean_email(email)
    notes = _clean_notes(notes)

    with transaction.atomic():
        _lock_restaurant(restaurant)
        # A request with the same key that held the lock before this one has committed by now.
        if idempotency is not None and (earlier := idempotent.earlier_booking(idempotency)):
            return earlier
        _check_free_table(restaurant=restaurant, date=date, time_slot=time_slot)
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
        _forget_day_on_commit(restaurant.pk, date)
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
        _lock_restaurant(booking.restaurant)
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
            _check_free_table(
                restaurant=locked.restaurant, date=locked.date, time_slot=locked.time_slot
            )
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        _forget_day_on_commit(locked.restaurant_id, locked.date)
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
        wanted["party_size"] = _clean_party_size(party_size)
    if phone is not None:
        wanted["phone"] = normalize_phone(phone, country=restaurant.country)
    if email is not None:
        wanted["email"] = _clean_email(email)
    if notes is not None:
        wanted["notes"] = _clean_notes(notes)
    if date is not None:
        wanted["date"] = date
    if time_slot is not None:
        wanted["time_slot"] = time_slot

    with transaction.atomic():
        _lock_restaurant(restaurant)
        locked = _locked_booking(booking)
        changes = {f: v for f, v in wanted.items() if getattr(locked, f) != v}
        old_date = locked.date
        moves = "date" in changes or "time_slot" in changes
        if moves:
            new_date = changes.get("date", locked.date)
            new_slot = changes.get("time_slot", locked.time_slot)
            _check_when(restaurant=restaurant, date=new_date, time_slot=new_slot)
            if locked.is_active:
                _check_free_table(
                    restaurant=restaurant, date=new_date, time_slot=new_slot, exclude_id=locked.pk
                )
        if "phone" in changes:
            changes["guest"] = guest_link_or_create(
                restaurant=restaurant,
                name=changes.get("client_name", locked.client_name),
                phone=changes["phone"],
                email=changes.get("email", locked.email),
            )
        if changes:
            for field, value in changes.items():
                setattr(locked, field, value)
            locked.save(update_fields=[*changes, "updated_at"])
        if moves:
            _forget_day_on_commit(restaurant.pk, old_date, locked.date)
    return _bring_up_to_date(booking, locked)
