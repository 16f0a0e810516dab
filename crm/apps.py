from __future__ import annotations

import logging

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger("crm")


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "Restaurant CRM"

    def ready(self) -> None:
        from crm import checks  # noqa: F401  (registers the system checks)
        from crm.outbox import channels
        from crm.tokens import signals  # noqa: F401  (revokes tokens on credential changes)
        from crm.webhooks.channel import CHANNEL

        channels.register(CHANNEL)

        if settings.INSECURE_DEFAULTS_IN_USE:
            logger.warning(
                "Insecure built-in defaults in use: %s. Set them before going to production.",
                ", ".join(settings.INSECURE_DEFAULTS_IN_USE),
            )
