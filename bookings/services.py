"""Writes of the booking core: every booking made or changed anywhere goes through here.

A booking is checked against the restaurant's slot grid, its time zone and the slot's free
tables (`bookings.availability`). The count and the insert happen in one transaction holding
the restaurant's row lock (PostgreSQL) or SQLite's write lock (IMMEDIATE transactions), so
concurrent requests for the last table queue up and only one of them gets it. Every write calls
`bookings.changes.bookings_changed`, which acts once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bookings import availability, changes
from bookings import idempotency as idempotent
from bookings.availability import floor
from bookings.exceptions import BookingInvalid, SlotFull
from bookings.fields import (
    clean_email,
    clean_guest_name,
    clean_notes,
    clean_party_size,
    normalize_phone,
)
from bookings.guests.services import guest_link_or_create
from bookings.models import Booking, BookingTable
from crm import audit
from crm.outbox.models import EventKind
from restaurants.models import Restaurant


def booking_create(
    *,
    restaurant: Restaurant | int,
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
    table_ids: list[int] | None = None,
    override_size: bool = False,
    language: str | None = None,
) -> Booking:
    """Book a table, or raise BookingInvalid (400) or SlotFull (409) having written nothing.

    On a described floor the booking holds tables for its visit: the host's `table_ids`, or
    the engine's best fit (`availability.floor`); on the v1 floor one of its identical tables.
    With `idempotency`, a request already answered under its key gets that booking back, and
    nothing is written (IdempotencyKeyReused when the key came with another request).
    `language`, the guest's (for their e-mails), is the request's when not given.

    `restaurant` may be given by its id (the API's booking): its row is then read with the
    restaurant's lock, not before it, and the request is checked against it there;
    Restaurant.DoesNotExist when there is none.
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
            table_ids=table_ids,
            override_size=override_size,
            language=guest_language(language),
        )
    except IntegrityError as exc:
        if floor.is_table_overlap(exc):
            raise floor.overlap_refusal(date, time_slot) from None
        # The same key, at the same moment, for another restaurant: the unique key made this
        # request wait for that one, which booked. Answer what it answered.
        if idempotency is None or not (earlier := idempotent.earlier_booking(idempotency)):
            raise
        return earlier


@dataclass(frozen=True)
class _Wanted:
    """A booking request's guest and party, cleaned."""

    name: str
    party_size: int
    phone: str
    email: str
    notes: str


def _wanted(
    restaurant: Restaurant,
    *,
    date: dt.date,
    time_slot: str,
    client_name: str,
    party_size: int,
    phone: str,
    email: str,
    notes: str,
) -> _Wanted:
    """The request checked against the restaurant, in the order its errors are answered."""
    if not restaurant.confirmed:
        # A restaurant made by sign-up opens once its manager's address is confirmed.
        raise BookingInvalid(
            "restaurant_id",
            _("This restaurant takes bookings once its sign-up e-mail address is confirmed."),
        )
    name = clean_guest_name(client_name)
    availability.check_bookable(restaurant=restaurant, date=date, time_slot=time_slot)
    return _Wanted(
        name=name,
        party_size=clean_party_size(party_size),
        phone=normalize_phone(phone, country=restaurant.country),
        email=clean_email(email),
        notes=clean_notes(notes),
    )


def _booking_insert(
    *,
    restaurant: Restaurant | int,
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
    table_ids: list[int] | None,
    override_size: bool,
    language: str,
) -> Booking:
    check = partial(
        _wanted,
        date=date,
        time_slot=time_slot,
        client_name=client_name,
        party_size=party_size,
        phone=phone,
        email=email,
        notes=notes,
    )
    # A restaurant given whole is checked before its lock; one given by id once its row is read.
    wanted = check(restaurant) if isinstance(restaurant, Restaurant) else None
    with transaction.atomic():
        # Its day's lock (and the row's shared lock): new bookings of other days go on meanwhile.
        if isinstance(restaurant, Restaurant):
            has_tables = availability.lock_restaurant(restaurant.pk, day=date)
        else:
            restaurant, has_tables = availability.lock_restaurant_row(restaurant, day=date)
        if wanted is None:
            wanted = check(restaurant)
        # A request with the same key that held the lock before this one has committed by now.
        if idempotency is not None and (earlier := idempotent.earlier_booking(idempotency)):
            return earlier
        seated = _seat(
            restaurant=restaurant,
            date=date,
            time_slot=time_slot,
            party_size=wanted.party_size,
            table_ids=table_ids,
            override_size=override_size,
            has_tables=has_tables,
        )
        guest = guest_link_or_create(
            restaurant=restaurant, name=wanted.name, phone=wanted.phone, email=wanted.email
        )
        booking = Booking(
            restaurant=restaurant,
            guest=guest,
            date=date,
            time_slot=time_slot,
            starts_at=seated.starts_at,
            ends_at=seated.ends_at,
            client_name=wanted.name,
            party_size=wanted.party_size,
            phone=wanted.phone,
            email=wanted.email,
            notes=wanted.notes,
            source=source,
            created_by=created_by if created_by and created_by.is_authenticated else None,
            language=language,
        )
        # save() with its INSERT written out, and the audit log's entry for it (crm.audit);
        # Booking.save's own part, a visit for a row made by hand, is given here.
        audit.insert_logged(booking)
        floor.hold_tables(booking, seated.tables, fresh=True)
        if idempotency is not None:
            idempotent.remember(idempotency, booking)
        changes.bookings_changed(restaurant_id=restaurant.pk, dates=[date])
        changes.booking_event(booking, EventKind.BOOKING_CREATED, tables=seated.tables)
    return booking


def guest_language(language: str | None) -> str:
    """One of LANGUAGES: the one given, else the active one (the request's), else ""."""
    codes = [code for code, _name in settings.LANGUAGES]
    for candidate in (language, get_language()):
        base = (candidate or "").split("-")[0].lower()
        if base in codes:
            return base
    return ""


def _seat(
    *,
    restaurant: Restaurant,
    date: dt.date,
    time_slot: str,
    party_size: int,
    table_ids: list[int] | None = None,
    override_size: bool = False,
    exclude_id: int | None = None,
    prefer: list[int] | None = None,
    has_tables: bool = True,
) -> floor.Seating:
    """Where and until when a visit sits, or SlotFull. Call it holding the restaurant's lock.

    A described floor asks the seating engine: the host's `table_ids`, else the tables of
    `prefer` (the booking's own, on a move) while they are free and fit, else the best fit.
    The v1 floor counts its identical tables and gives a visit one slot, holding no table row.
    """
    described = floor.load_floor(restaurant=restaurant, date=date) if has_tables else None
    if described is None:
        if table_ids:
            raise BookingInvalid("table_ids", _("This restaurant's tables are not described yet."))
        availability.check_free_table(
            restaurant=restaurant, date=date, time_slot=time_slot, exclude_id=exclude_id
        )
        availability.check_pacing(
            restaurant=restaurant,
            date=date,
            time_slot=time_slot,
            party=party_size,
            exclude_id=exclude_id,
        )
        return _v1_visit(restaurant, date, time_slot)
    seat = partial(
        floor.seat,
        described,
        time_slot=time_slot,
        party_size=party_size,
        exclude_booking=exclude_id,
    )
    if table_ids:
        return seat(table_ids=table_ids, override_size=override_size)
    if prefer:
        try:
            return seat(table_ids=prefer)
        except (SlotFull, BookingInvalid):
            pass  # its tables are taken or do not fit now: the best fit instead
    return seat()


def _v1_visit(restaurant: Restaurant, date: dt.date, time_slot: str) -> floor.Seating:
    starts_at = restaurant.slot_start(date, time_slot)
    ends_at = starts_at + dt.timedelta(minutes=restaurant.slot_minutes)
    return floor.Seating(tables=(), starts_at=starts_at, ends_at=ends_at)


def _visit_only(
    *, restaurant: Restaurant, date: dt.date, time_slot: str, party_size: int
) -> floor.Seating:
    """The span of a visit that holds no table (a cancelled booking moved): no check."""
    described = floor.load_floor(restaurant=restaurant, date=date)
    if described is None:
        return _v1_visit(restaurant, date, time_slot)
    starts = described.slot_minute(time_slot)
    return floor.Seating(
        tables=(),
        starts_at=described.moment(starts),
        ends_at=described.moment(starts + described.visit_length(party_size)),
    )


def _own_tables(booking: Booking) -> list[int]:
    return list(BookingTable.objects.filter(booking=booking).values_list("table_id", flat=True))


def _hold(booking: Booking, seated: floor.Seating) -> list[str]:
    """Give the booking its visit and tables; the fields of the booking that changed."""
    booking.starts_at, booking.ends_at = seated.starts_at, seated.ends_at
    floor.hold_tables(booking, seated.tables)
    return ["starts_at", "ends_at"]


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
    # Its tables may have changed: read them again when asked.
    getattr(booking, "_prefetched_objects_cache", {}).pop("tables", None)
    return booking


def booking_set_status(*, booking: Booking, status: str) -> Booking:
    """Move a booking along its life: seated, completed, no-show, cancelled, or back.

    A change that makes a freed booking hold a table again needs a free table in its slot.
    Holding the restaurant's lock, the booking's row is read as committed and decides the
    change; `booking` is then brought up to date and handed back.
    """
    if status not in Booking.Status.values:
        raise BookingInvalid("status", _("Unknown status: %(status)s.") % {"status": status})
    try:
        return _set_status(booking, status)
    except IntegrityError as exc:
        if floor.is_table_overlap(exc):
            raise floor.overlap_refusal(booking.date, booking.time_slot) from None
        raise


def _set_status(booking: Booking, status: str) -> Booking:
    with transaction.atomic():
        has_tables = availability.lock_restaurant(booking.restaurant_id)
        locked = _locked_booking(booking)
        if status == locked.status:
            return _bring_up_to_date(booking, locked)
        if refusal := locked.status_refusal(status):
            raise BookingInvalid("status", refusal)
        was_active = locked.is_active
        seated = None
        if not was_active and status in Booking.ACTIVE_STATUSES:
            # Back on the floor: its own tables if they are still free, else the best fit.
            seated = _seat(
                restaurant=locked.restaurant,
                date=locked.date,
                time_slot=locked.time_slot,
                party_size=locked.party_size,
                exclude_id=locked.pk,
                prefer=_own_tables(locked) if has_tables else None,
                has_tables=has_tables,
            )
        elif has_tables and locked.status == Booking.Status.COMPLETED:
            # Back to seated: the rest of its visit again, at its own tables if still free.
            seated = _visit_again(locked)
        old_status = locked.status
        locked.status = status
        fields = ["status", "updated_at"]
        if seated is not None:
            fields += _hold(locked, seated)
        elif was_active and not locked.is_active:
            BookingTable.objects.filter(booking=locked).update(active=False)
        elif has_tables and status == Booking.Status.COMPLETED and old_status != status:
            fields += _end_visit_now(locked)
        locked.save(update_fields=fields)
        changes.bookings_changed(restaurant_id=locked.restaurant_id, dates=[locked.date])
        changes.booking_event(
            locked,
            EventKind.BOOKING_CANCELLED
            if status == Booking.Status.CANCELLED
            else EventKind.BOOKING_STATUS_CHANGED,
            previous_status=old_status,
        )
    return _bring_up_to_date(booking, locked)


def _end_visit_now(booking: Booking) -> list[str]:
    """Guests who leave before their visit's end free its tables from now on (a described
    floor's visits hold tables by time; the v1 floor counts the slot's bookings)."""
    now = timezone.now().replace(second=0, microsecond=0)
    if now >= booking.ends_at:
        return []
    booking.ends_at = max(now, booking.starts_at)
    BookingTable.objects.filter(booking=booking).update(ends_at=booking.ends_at)
    return ["ends_at"]


def _visit_again(booking: Booking) -> floor.Seating | None:
    """A completed booking seated again: its whole visit from its start, at its own tables
    (SlotFull when they were taken since it ended)."""
    described = floor.load_floor(restaurant=booking.restaurant, date=booking.date)
    own = _own_tables(booking)
    if described is None or not own:
        return None
    return floor.seat(
        described,
        time_slot=booking.time_slot,
        party_size=booking.party_size,
        table_ids=own,
        override_size=True,  # they sat there already
        exclude_booking=booking.pk,
        starts=described.minute(booking.starts_at),
    )


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
    table_ids: list[int] | None = None,
    override_size: bool = False,
) -> Booking:
    """Change a booking's details; None leaves a field as it is. A move needs a free table.

    A move (date, time) re-seats the booking for its new visit, excluding itself: on a
    described floor also a new party size or `table_ids`. It keeps its tables while they are
    free and fit, else takes the best fit.

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

    try:
        return _update(booking, wanted, table_ids=table_ids, override_size=override_size)
    except IntegrityError as exc:
        if floor.is_table_overlap(exc):
            raise floor.overlap_refusal(
                wanted.get("date", booking.date), wanted.get("time_slot", booking.time_slot)
            ) from None
        raise


def _update(
    booking: Booking, wanted: dict[str, object], *, table_ids: list[int] | None, override_size: bool
) -> Booking:
    restaurant = booking.restaurant
    with transaction.atomic():
        has_tables = availability.lock_restaurant(restaurant.pk)
        locked = _locked_booking(booking)
        changed = {f: v for f, v in wanted.items() if getattr(locked, f) != v}
        old_date = locked.date
        moves = "date" in changed or "time_slot" in changed
        new_date = changed.get("date", locked.date)
        new_slot = changed.get("time_slot", locked.time_slot)
        new_party = changed.get("party_size", locked.party_size)
        if moves:
            availability.check_bookable(restaurant=restaurant, date=new_date, time_slot=new_slot)
        own = _own_tables(locked) if has_tables else []
        # The v1 floor seats any party at one table: only a move is checked there.
        reseats = moves or bool((table_ids or own) and ("party_size" in changed or table_ids))
        seated = None
        if reseats and locked.is_active:
            seated = _seat(
                restaurant=restaurant,
                date=new_date,
                time_slot=new_slot,
                party_size=new_party,
                table_ids=table_ids,
                override_size=override_size,
                exclude_id=locked.pk,
                prefer=own,
                has_tables=has_tables,
            )
        elif reseats:
            seated = _visit_only(
                restaurant=restaurant, date=new_date, time_slot=new_slot, party_size=new_party
            )
        if "phone" in changed:
            changed["guest"] = guest_link_or_create(
                restaurant=restaurant,
                name=changed.get("client_name", locked.client_name),
                phone=changed["phone"],
                email=changed.get("email", locked.email),
            )
        new_tables = None if seated is None else sorted(t.id for t in seated.tables)
        if seated is not None and (seated.starts_at, seated.ends_at) != (
            locked.starts_at,
            locked.ends_at,
        ):
            changed["starts_at"], changed["ends_at"] = seated.starts_at, seated.ends_at
        if changed or (new_tables is not None and new_tables != sorted(own)):
            for field, value in changed.items():
                setattr(locked, field, value)
            if seated is not None:
                # Its rows follow the booking's span; an inactive booking keeps none.
                floor.hold_tables(locked, seated.tables)
                moves = True
            locked.save(update_fields=[*changed, "updated_at"])
            tables_moved = new_tables is not None and new_tables != sorted(own)
            told = {*changed, "tables"} if tables_moved else set(changed)
            changes.booking_event(
                locked,
                EventKind.BOOKING_CHANGED,
                changed=sorted(told - {"guest", "starts_at", "ends_at"}),
            )
        if moves:
            changes.bookings_changed(restaurant_id=restaurant.pk, dates=[old_date, locked.date])
        elif changed:
            # Nothing moved, but the pages show what changed (a name, a party's size, notes),
            # and a party's size counts against the pacing of its slot.
            changes.bookings_changed(restaurant_id=restaurant.pk, dates=[locked.date])
    return _bring_up_to_date(booking, locked)


def booking_walk_in(
    *,
    restaurant: Restaurant,
    party_size: int,
    client_name: str = "",
    phone: str = "",
    notes: str = "",
    created_by: AbstractBaseUser | None = None,
) -> Booking:
    """Seat a party that walked in, now, at the best free table for its visit length.

    The booking is today's, in the slot running now, its visit from this minute (on the v1
    floor, to the slot's end); status seated, source walk-in. SlotFull (409) when no table is
    free for the whole visit (the host then offers the waitlist); BookingInvalid outside the
    opening hours. An unnamed party is booked as "Walk-in".
    """
    name = clean_guest_name(client_name.strip() or _("Walk-in"))
    party_size = clean_party_size(party_size)
    phone = normalize_phone(phone, country=restaurant.country)
    notes = clean_notes(notes)
    now = restaurant.now().replace(second=0, microsecond=0)
    time_slot = availability.current_slot(restaurant=restaurant, now=now)
    if time_slot is None:
        raise BookingInvalid("time_slot", _("Walk-ins are seated during the opening hours."))
    date = now.date()
    try:
        with transaction.atomic():
            has_tables = availability.lock_restaurant(restaurant.pk)
            described = floor.load_floor(restaurant=restaurant, date=date) if has_tables else None
            if described is None:
                availability.check_free_table(restaurant=restaurant, date=date, time_slot=time_slot)
                visit = _v1_visit(restaurant, date, time_slot)
                seated = floor.Seating(tables=(), starts_at=now, ends_at=visit.ends_at)
            else:
                try:
                    seated = floor.seat(
                        described,
                        time_slot=time_slot,
                        party_size=party_size,
                        starts=described.minute(now),
                    )
                except SlotFull:
                    raise SlotFull(
                        _("No table is free now for %(party)d.") % {"party": party_size}
                    ) from None
            # An unnamed party without a phone is nobody's visit in the guest book.
            guest = (
                guest_link_or_create(restaurant=restaurant, name=name, phone=phone)
                if client_name.strip() or phone
                else None
            )
            booking = Booking.objects.create(
                restaurant=restaurant,
                guest=guest,
                date=date,
                time_slot=time_slot,
                starts_at=seated.starts_at,
                ends_at=seated.ends_at,
                client_name=name,
                party_size=party_size,
                phone=phone,
                notes=notes,
                status=Booking.Status.SEATED,
                source=Booking.Source.WALK_IN,
                created_by=created_by if created_by and created_by.is_authenticated else None,
            )
            floor.hold_tables(booking, seated.tables, fresh=True)
            changes.bookings_changed(restaurant_id=restaurant.pk, dates=[date])
    except IntegrityError as exc:
        if floor.is_table_overlap(exc):
            raise floor.overlap_refusal(date, time_slot) from None
        raise
    return booking
