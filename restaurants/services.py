"""Writes about restaurants: settings, the floor's tables, table-count overrides, the first-run
bootstrap."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from restaurants.models import Membership, Restaurant, Table, TableCountOverride, VisitLength
from restaurants.personas import PERSONAS

logger = logging.getLogger(__name__)

SETTINGS_FIELDS = (
    "name",
    "host_choice",
    "greeting_text",
    "info_text",
    "default_table_count",
    "time_zone",
    "country",
    "opening_time",
    "closing_time",
    "slot_minutes",
    "pacing_covers",
    "reminder_hours",
)


def restaurant_update_settings(*, restaurant: Restaurant, **changes: object) -> Restaurant:
    """Change a restaurant's settings; raises ValidationError naming the field, saving nothing.

    Every field passed is set: None clears `host_choice`, `greeting_text` or `info_text` (the
    others refuse it, naming the field); a field not passed stays as it is.
    Only the fields whose value differs are saved. When hours or the table count change, the
    cached slots of every day are dropped after commit (by the model signals), since they
    shape every day's slots.
    """
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"not settings: {sorted(unknown)}")
    _check_host_choice(changes.get("host_choice"))
    changed = [field for field, value in changes.items() if getattr(restaurant, field) != value]
    if not changed:
        return restaurant
    before = {field: getattr(restaurant, field) for field in changed}
    for field in changed:
        setattr(restaurant, field, changes[field])
    try:
        _check_text_lengths(restaurant, changed)
        restaurant.full_clean()
    except ValidationError:
        for field, value in before.items():
            setattr(restaurant, field, value)
        raise
    restaurant.__dict__.pop("tz", None)  # cached from the old time zone
    restaurant.save(update_fields=[*changed, "updated_at"])
    return restaurant


ONLINE_FIELDS = (
    "online_booking",
    "slug",
    "public_phone",
    "online_min_notice_minutes",
    "online_days_ahead",
    "online_max_party",
    "online_change_cutoff_minutes",
    "online_policy_text",
    "online_frame_origins",
)


def restaurant_update_online(*, restaurant: Restaurant, **changes: object) -> Restaurant:
    """Change the online-booking settings; ValidationError naming the field, saving nothing.

    The slug must be unique and not reserved; the framing origins must be origins. The page
    of a restaurant whose online booking is off answers 404, as a missing one does.
    """
    unknown = set(changes) - set(ONLINE_FIELDS)
    if unknown:
        raise ValueError(f"not online settings: {sorted(unknown)}")
    changed = [field for field, value in changes.items() if getattr(restaurant, field) != value]
    if not changed:
        return restaurant
    before = {field: getattr(restaurant, field) for field in changed}
    for field in changed:
        setattr(restaurant, field, changes[field])
    try:
        if "online_frame_origins" in changed:
            # Stored as typed, one origin a line, without the trailing slashes people paste.
            restaurant.online_frame_origins = "\n".join(restaurant.frame_origins)
        _check_text_lengths(restaurant, changed)
        restaurant.full_clean()
    except ValidationError:
        for field, value in before.items():
            setattr(restaurant, field, value)
        raise
    restaurant.save(update_fields=[*changed, "updated_at"])
    return restaurant


def _check_host_choice(value: object) -> None:
    if value is None or value == "" or value in PERSONAS:
        return
    message = _(
        "Unknown host “%(value)s”. Choose one of: %(choices)s (or an empty string for none)."
    ) % {"value": value, "choices": ", ".join(PERSONAS)}
    raise ValidationError({"host_choice": message})


def _check_text_lengths(restaurant: Restaurant, fields: list[str]) -> None:
    """Model validation skips a TextField's max_length; the settings keep to it."""
    for name in fields:
        field = Restaurant._meta.get_field(name)
        value = getattr(restaurant, name)
        if (
            isinstance(field, models.TextField)
            and field.max_length
            and value is not None
            and len(value) > field.max_length
        ):
            raise ValidationError(
                {
                    name: _("At most %(max)d characters (this has %(length)d).")
                    % {"max": field.max_length, "length": len(value)}
                }
            )


TABLE_FIELDS = (
    "name",
    "min_seats",
    "max_seats",
    "area",
    "combination_group",
    "position",
    "is_active",
)


class TableInUse(Exception):
    """A table that a booking still to come holds cannot be deleted (409)."""


def _save_table(table: Table) -> Table:
    table.name = (table.name or "").strip()
    table.area, table.combination_group = table.area.strip(), table.combination_group.strip()
    clash = Table.objects.filter(restaurant_id=table.restaurant_id, name__iexact=table.name)
    if table.pk:
        clash = clash.exclude(pk=table.pk)
    if table.name and clash.exists():
        raise ValidationError({"name": [_("Another table is already called %s.") % table.name]})
    table.full_clean(exclude=["restaurant"], validate_constraints=False)
    table.save()
    return table


def table_create(*, restaurant: Restaurant, **fields: object) -> Table:
    """A new table of the floor; the first one makes the floor described."""
    if "position" not in fields:
        last = restaurant.tables.order_by("-position").values_list("position", flat=True).first()
        fields["position"] = 0 if last is None else last + 1
    return _save_table(Table(restaurant=restaurant, **fields))


def table_update(*, table: Table, **fields: object) -> Table:
    """Change a table; absent fields stay. Bookings already made keep their tables."""
    for name, value in fields.items():
        setattr(table, name, value)
    return _save_table(table)


@transaction.atomic
def floor_save(
    *,
    restaurant: Restaurant,
    tables: list[tuple[Table | None, dict[str, object] | None]],
    visit_lengths: list[tuple[VisitLength | None, dict[str, object] | None]],
    pacing_covers: int | None,
) -> None:
    """The Settings page's floor in one go, or nothing (ValidationError or TableInUse).

    Each pair is (the row as it was or None for a new one, its fields or None to delete it).
    Deletions come first, so a name or a party size may move from one row to another.
    """
    for table, fields in tables:
        if table is not None and fields is None:
            table_delete(table=table)
    for length, fields in visit_lengths:
        if length is not None and fields is None:
            length.delete()
    for table, fields in tables:
        if fields is None:
            continue
        if table is None:
            table_create(restaurant=restaurant, **fields)
        else:
            table_update(table=table, **fields)
    for length, fields in visit_lengths:
        if fields is None:
            continue
        length = length or VisitLength(restaurant=restaurant)
        for name, value in fields.items():
            setattr(length, name, value)
        clash = VisitLength.objects.filter(restaurant=restaurant, up_to_party=length.up_to_party)
        if clash.exclude(pk=length.pk).exists():
            raise ValidationError(
                {"up_to_party": [_("Two visit lengths for the same party size.")]}
            )
        length.full_clean(exclude=["restaurant"], validate_constraints=False)
        length.save()
    restaurant_update_settings(restaurant=restaurant, pacing_covers=pacing_covers)


@transaction.atomic
def table_delete(*, table: Table) -> None:
    """Delete a table no booking still to come holds (TableInUse otherwise): past bookings
    forget it. To keep it in their history, take it out of use instead."""
    Restaurant.objects.select_for_update().filter(pk=table.restaurant_id).first()
    if table_in_use(table):
        raise TableInUse(table_in_use_message(table))
    table.delete()


def table_in_use(table: Table) -> bool:
    """Whether an active booking still to come (or under way) holds the table."""
    return table.bookings.filter(
        held_tables__table=table,
        held_tables__active=True,
        held_tables__ends_at__gt=timezone.now(),
    ).exists()


def table_in_use_message(table: Table) -> str:
    return _("Table %s is held by bookings still to come; move them or take it out of use.") % (
        table.name,
    )


def table_override_set(
    *, restaurant: Restaurant, date: dt.date, table_count: int, note: str = ""
) -> TableCountOverride:
    override, _ = TableCountOverride.objects.update_or_create(
        restaurant=restaurant, date=date, defaults={"table_count": table_count, "note": note}
    )
    return override


def table_override_delete(*, restaurant: Restaurant, date: dt.date) -> None:
    for override in TableCountOverride.objects.filter(restaurant=restaurant, date=date):
        override.delete()


@transaction.atomic
def bootstrap() -> None:
    """First run: restaurant id=1 with 5 tables and the admin user, a member of it.

    Creates only what is missing, so running it again changes nothing.
    """
    restaurant = None
    if not Restaurant.objects.exists():
        restaurant = Restaurant.objects.create(pk=1, name="Restaurant", default_table_count=5)
        # An explicit id does not move PostgreSQL's sequence; move it so the next one is 2.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Restaurant]):
                cursor.execute(sql)
        logger.info("Created restaurant 1")

    User = get_user_model()
    if not User.objects.filter(username=settings.ADMIN_USERNAME).exists():
        admin = User.objects.create_superuser(
            username=settings.ADMIN_USERNAME, email="", password=settings.ADMIN_PASSWORD
        )
        first = restaurant or Restaurant.objects.order_by("pk").first()
        Membership.objects.get_or_create(
            user=admin, restaurant=first, defaults={"role": Membership.Role.MANAGER}
        )
        logger.info("Created the superuser %s", settings.ADMIN_USERNAME)
