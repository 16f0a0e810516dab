"""Drop cached slots after commit whenever a restaurant's grid or a day's table count changes."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from bookings import slot_cache
from restaurants.models import Membership, Restaurant, TableCountOverride

# The fields that shape a day's slots. Saving only others (texts, persona) keeps the cache.
GRID_FIELDS = frozenset({"default_table_count", "opening_time", "closing_time", "slot_minutes"})


@receiver([post_save, post_delete], sender=Restaurant)
def forget_restaurant_slots(sender, instance: Restaurant, **kwargs) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not GRID_FIELDS & set(update_fields):
        return
    transaction.on_commit(partial(slot_cache.forget, instance.pk))


@receiver([post_save, post_delete], sender=TableCountOverride)
def forget_override_day(sender, instance: TableCountOverride, **kwargs) -> None:
    transaction.on_commit(partial(slot_cache.forget, instance.restaurant_id, instance.date))


@receiver(post_save, sender=Membership)
def managers_are_staff(sender, instance: Membership, **kwargs) -> None:
    """Managers edit their restaurant's settings in Django admin too, which needs staff status."""
    user = instance.user
    if instance.role == Membership.Role.MANAGER and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def bootstrap_after_migrate(sender, **kwargs) -> None:
    from restaurants.services import bootstrap

    bootstrap()


def connect_bootstrap(app_config) -> None:
    post_migrate.connect(bootstrap_after_migrate, sender=app_config)
