"""What follows a change of bookings or of the room they are counted against, once committed.

Every write of the booking core, and every change of a restaurant's grid or a date's tables
(`bookings.signals`), calls one of these inside its transaction; what they do runs after the
commit, so no reader ever sees a count that was rolled back: the cached slots are dropped, the
restaurant's change version (`live`) moves on, so its open pages refresh themselves, and the
outbox's events (webhooks, the guests' e-mails) are written in the same transaction and handed
to the task queue once it commits. Whatever else must follow a committed change of bookings
belongs here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from bookings import live
from bookings.availability import cache
from crm.outbox import services as outbox
from crm.outbox.models import EventKind

if TYPE_CHECKING:
    from bookings.models import Booking


def bookings_changed(*, restaurant_id: int, dates: Iterable[dt.date]) -> None:
    """Bookings of these dates were made or changed: their counts are new after the commit."""
    for date in set(dates):
        transaction.on_commit(partial(cache.forget, restaurant_id, date))
    transaction.on_commit(partial(live.bump, restaurant_id))


def room_changed(*, restaurant_id: int, date: dt.date | None = None) -> None:
    """A date's tables (or, without a date, the restaurant's grid or tables) changed."""
    transaction.on_commit(partial(_room_changed_after_commit, restaurant_id, date))


def _room_changed_after_commit(restaurant_id: int, date: dt.date | None) -> None:
    cache.forget(restaurant_id, date)
    live.bump(restaurant_id)


def waitlist_changed(*, restaurant_id: int) -> None:
    """A party joined, left or was seated from the waitlist."""
    transaction.on_commit(partial(live.bump, restaurant_id))


# --- Events: written with the change, delivered after it (crm.outbox) ----------------------

FORGOTTEN_FIELDS = ("client_name", "phone", "email", "notes")


def booking_payload(booking: Booking, *, tables: Sequence | None = None) -> dict:
    """The booking as the API shows it; a forgotten guest's without name, contacts or notes.

    `tables` (with `id`, `name`, `position`): the tables it holds, known to the caller, so
    they are not read again.
    """
    data = booking_out(booking, tables=tables)
    return {"booking": redact_booking(data) if booking.forgotten else data}


def booking_out(booking: Booking, *, tables: Sequence | None = None) -> dict:
    """What `BookingOut(booking).data` is, composed directly.

    Every booking written records this in its event, inside its transaction: DRF's
    serializer walks its sixteen fields through their generic machinery at several times the
    cost. The test `test_an_events_booking_is_the_apis_booking` holds the two equal, field for
    field, so a field added to `BookingOut` and not here fails it.
    """
    if tables is None:
        held = [{"id": t.id, "name": t.name} for t in booking.tables.all()]
    else:
        held = [{"id": t.id, "name": t.name} for t in sorted(tables, key=_table_order)]
    return {
        "id": booking.pk,
        "restaurant_id": booking.restaurant_id,
        "date": booking.date.isoformat(),
        "time_slot": str(booking.time_slot),
        "client_name": str(booking.client_name),
        "party_size": int(booking.party_size),
        "phone": str(booking.phone),
        "email": str(booking.email),
        "notes": str(booking.notes),
        "status": str(booking.status),
        "source": str(booking.source),
        "guest_id": booking.guest_id,
        "tables": held,
        "ends_at": booking.ends_at.astimezone(booking.restaurant.tz).isoformat(),
        "created_at": _moment_out(booking.created_at),
        "updated_at": _moment_out(booking.updated_at),
    }


def _table_order(table) -> tuple[int, int]:
    return (table.position, table.id)


def _moment_out(value: dt.datetime | None) -> str | None:
    """A moment as DRF's DateTimeField shows it: in the current time zone, UTC as `Z`."""
    if value is None:
        return None
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def redact_booking(data: dict) -> dict:
    return {**data, **dict.fromkeys(FORGOTTEN_FIELDS, "")}


def booking_event(
    booking: Booking, kind: str, *, tables: Sequence | None = None, **extra: object
) -> None:
    """Record that a booking was created, changed or moved along its life (`EventKind`), in
    the transaction that did it; webhooks and the guest's e-mails follow from it."""
    outbox.event_record(
        kind=kind,
        restaurant_id=booking.restaurant_id,
        subject_id=booking.pk,
        payload={**booking_payload(booking, tables=tables), **extra},
    )


def guest_forgotten(*, restaurant_id: int, guest_id: int, booking_ids: list[int]) -> None:
    """A guest was erased: the events of their bookings not yet delivered lose what was erased,
    and partners hear which bookings were theirs."""

    def redact(payload: dict) -> dict:
        if isinstance(payload.get("booking"), dict):
            return {**payload, "booking": redact_booking(payload["booking"])}
        return payload

    outbox.events_redact(subject_ids=booking_ids, redact=redact)
    outbox.event_record(
        kind=EventKind.GUEST_FORGOTTEN,
        restaurant_id=restaurant_id,
        payload={"guest_id": guest_id, "booking_ids": sorted(booking_ids)},
    )
