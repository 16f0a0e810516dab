"""A restaurant's grid, its floor (tables, visit lengths, pacing) or a date's table count
changed: the counts read from it are new."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from bookings import changes
from restaurants.models import Restaurant, Table, TableCountOverride, VisitLength

# The fields that shape a day's slots. Saving only others (texts, persona) keeps the cache.
GRID_FIELDS = frozenset(
    {"default_table_count", "opening_time", "closing_time", "slot_minutes", "pacing_covers"}
)


@receiver([post_save, post_delete], sender=Restaurant)
def restaurant_grid_changed(sender, instance: Restaurant, **kwargs) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not GRID_FIELDS & set(update_fields):
        return
    changes.room_changed(restaurant_id=instance.pk)


@receiver([post_save, post_delete], sender=TableCountOverride)
def date_tables_changed(sender, instance: TableCountOverride, **kwargs) -> None:
    changes.room_changed(restaurant_id=instance.restaurant_id, date=instance.date)


@receiver([post_save, post_delete], sender=Table)
@receiver([post_save, post_delete], sender=VisitLength)
def floor_changed(sender, instance: Table | VisitLength, **kwargs) -> None:
    changes.room_changed(restaurant_id=instance.restaurant_id)
