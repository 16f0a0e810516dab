from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self) -> None:
        from bookings import signals  # noqa: F401 (connects the receivers)
        from bookings.emails.channel import CHANNEL
        from crm.outbox import channels

        channels.register(CHANNEL)
