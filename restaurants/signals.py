"""Managers are staff; the first run's bootstrap after `migrate`."""

from __future__ import annotations

from django.db.models.signals import post_migrate, post_save
from django.dispatch import receiver

from restaurants.models import Membership


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
