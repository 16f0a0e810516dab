"""Writes of the guest book: editing a guest, merging duplicates, forgetting a guest on request.

Bookings link to guests in `guest_link_or_create`, called by the booking core; what a guest
did (visits, no-shows) is read from their bookings by `bookings.guests.selectors`.
"""

from __future__ import annotations

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings import availability, changes
from bookings.exceptions import BookingInvalid
from bookings.fields import clean_email, clean_guest_name, clean_notes, normalize_phone
from bookings.models import GUEST_NOTES_MAX, Booking, Guest
from crm import sql
from restaurants.models import Restaurant

# Offered as checkboxes on the profile; any other tag may be typed in. A typed tag that matches
# one of these (in any case) takes its spelling, so "vip" and "VIP" are one tag.
TAG_CHOICES: dict[str, object] = {
    "VIP": gettext_lazy("VIP"),
    "allergy": gettext_lazy("allergy"),
    "regular": gettext_lazy("regular"),
    "birthday": gettext_lazy("birthday"),
    "vegetarian": gettext_lazy("vegetarian"),
    "children": gettext_lazy("children"),
    "difficult": gettext_lazy("difficult"),
}
# Shown on the guest's bookings in the day's list, as a warning or a welcome.
HIGHLIGHT_TAGS = ("VIP", "allergy")
TAG_MAX = 30
TAGS_MAX = 10


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
    matches = _guests_named(restaurant.pk, name)
    return matches[0] if len(matches) == 1 else None


def _guests_named(restaurant_id: int, name: str) -> list[Guest]:
    """`Guest.objects.filter(restaurant_id=…, name__iexact=name)[:2]`, written out.

    Every booking without a phone asks it, and composing it through the ORM costs more than
    PostgreSQL takes to answer it. The comparison is the ORM's own `iexact` of this database
    (its cast, its operator and its escaping of the name), so it matches what the ORM matched.
    """
    ops = connection.ops
    table = ops.quote_name(Guest._meta.db_table)
    column = f"{table}.{ops.quote_name(Guest._meta.get_field('name').column)}"
    compared = ops.lookup_cast("iexact", "CharField") % column
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sql.columns(Guest, Guest._meta.db_table)} FROM {table} "
            f"WHERE {table}.{ops.quote_name('restaurant_id')} = %s "
            f"AND {compared} {connection.operators['iexact'] % '%s'} "
            f"ORDER BY {column} ASC LIMIT 2",
            [restaurant_id, ops.prep_for_iexact_query(name)],
        )
        return [sql.from_row(Guest, row) for row in cursor.fetchall()]


def clean_tags(tags: object) -> list[str]:
    """Tags as a list of distinct, trimmed strings in the given order, or BookingInvalid."""
    if not isinstance(tags, list | tuple) or not all(isinstance(t, str) for t in tags):
        raise BookingInvalid("tags", _("Tags must be a list of words."))
    canonical = {key.lower(): key for key in TAG_CHOICES}
    cleaned: list[str] = []
    seen: set[str] = set()
    for raw in tags:
        tag = " ".join(raw.split())
        if not tag:
            continue
        if "|" in tag or "," in tag:
            raise BookingInvalid(
                "tags", _("A tag cannot contain “|” or “,”: %(tag)s.") % {"tag": tag}
            )
        if len(tag) > TAG_MAX:
            raise BookingInvalid(
                "tags",
                _("A tag is at most %(max)d characters: %(tag)s.") % {"max": TAG_MAX, "tag": tag},
            )
        tag = canonical.get(tag.lower(), tag)
        if tag.lower() not in seen:
            seen.add(tag.lower())
            cleaned.append(tag)
    if len(cleaned) > TAGS_MAX:
        raise BookingInvalid("tags", _("At most %(max)d tags.") % {"max": TAGS_MAX})
    return cleaned


def guest_update(
    *,
    guest: Guest,
    name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    notes: str | None = None,
    tags: list[str] | None = None,
) -> Guest:
    """Change a guest's details; None leaves a field as it is. Their bookings keep theirs.

    A phone that another guest of the restaurant has is refused: merge the two instead.
    """
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = clean_guest_name(name, field="name")
    if phone is not None:
        try:
            changes["phone"] = normalize_phone(phone, country=guest.restaurant.country)
        except BookingInvalid as exc:
            raise BookingInvalid("phone", str(exc)) from None
    if email is not None:
        changes["email"] = clean_email(email)
    if notes is not None:
        changes["notes"] = clean_notes(notes, limit=GUEST_NOTES_MAX)
    if tags is not None:
        changes["tags"] = clean_tags(tags)
    if not changes:
        return guest
    with transaction.atomic():
        new_phone = changes.get("phone")
        if (
            new_phone
            and Guest.objects.filter(restaurant_id=guest.restaurant_id, phone=new_phone)
            .exclude(pk=guest.pk)
            .exists()
        ):
            raise BookingInvalid(
                "phone",
                _("Another guest has this phone number. Merge the two guests instead."),
            )
        for field, value in changes.items():
            setattr(guest, field, value)
        guest.save(update_fields=[*changes, "updated_at"])
    return guest


def guest_merge(*, into: Guest, other: Guest) -> Guest:
    """Make `other` part of `into`: its bookings move over, and it is deleted.

    Contacts `into` lacks are taken from `other`; notes are joined, tags united.
    """
    if into.pk == other.pk:
        raise BookingInvalid("other_id", _("Choose another guest to merge with."))
    if into.restaurant_id != other.restaurant_id:
        raise BookingInvalid("other_id", _("Both guests must be of the same restaurant."))
    with transaction.atomic():
        # Bookings change guest here: the restaurant's lock first, as for every booking write.
        availability.lock_restaurant(into.restaurant_id)
        # Lock both rows in id order, so two merges of the same pair cannot deadlock or interleave.
        locked = {
            g.pk: g
            for g in Guest.objects.select_for_update()
            .filter(pk__in=[into.pk, other.pk])
            .order_by("pk")
        }
        if other.pk not in locked or into.pk not in locked:
            raise BookingInvalid("other_id", _("That guest no longer exists."))
        target, source = locked[into.pk], locked[other.pk]
        Booking.objects.filter(guest=source).update(guest=target)
        take_phone = not target.phone and source.phone
        phone = source.phone
        if not target.email:
            target.email = source.email
        if source.notes and source.notes not in target.notes:
            target.notes = "\n\n".join(n for n in (target.notes, source.notes) if n)[
                :GUEST_NOTES_MAX
            ]
        seen = {t.lower() for t in target.tags}
        extra = [t for t in source.tags if t.lower() not in seen]
        target.tags = [*target.tags, *extra][:TAGS_MAX]
        source.delete()  # first, so its phone is free for `target` under the unique constraint
        if take_phone:
            target.phone = phone
        target.save()
    into.refresh_from_db()
    return into


def guest_forget(*, guest: Guest) -> int:
    """Erase a guest on their request; the number of bookings anonymized.

    The guest is deleted; their past bookings, and cancelled or missed ones, keep their date and
    party size for the statistics but lose the name, contacts and notes. Upcoming bookings that
    still hold a table keep the name the host needs at the door and are only unlinked. The audit
    trail's entries about the guest and those bookings go too: they hold the old values.
    """
    today = guest.restaurant.today()
    with transaction.atomic():
        # Bookings are rewritten here: the restaurant's lock first, as for every booking write,
        # so which of them are finished is decided on their rows as committed.
        availability.lock_restaurant(guest.restaurant_id)
        bookings = Booking.objects.filter(guest=guest)
        finished = bookings.filter(date__lt=today) | bookings.exclude(
            status__in=(Booking.Status.CONFIRMED, Booking.Status.SEATED)
        )
        ids = list(finished.values_list("pk", flat=True))
        all_ids = list(bookings.values_list("pk", flat=True))
        with disable_auditlog():
            Booking.objects.filter(pk__in=all_ids).update(forgotten=True)
            count = Booking.objects.filter(pk__in=ids).update(
                client_name=_("Forgotten guest"), phone="", email="", notes="", guest=None
            )
            Booking.objects.filter(guest=guest).update(guest=None)
            LogEntry.objects.get_for_objects(Booking.objects.filter(pk__in=ids)).delete()
            LogEntry.objects.get_for_object(guest).delete()
            guest_id = guest.pk
            guest.delete()
        changes.guest_forgotten(
            restaurant_id=guest.restaurant_id, guest_id=guest_id, booking_ids=all_ids
        )
    return count
