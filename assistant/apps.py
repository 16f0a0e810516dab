from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def bootstrap_after_migrate(sender, **kwargs) -> None:
    from assistant.services import assistant_bootstrap

    assistant_bootstrap()


class AssistantConfig(AppConfig):
    name = "assistant"
    verbose_name = _("AI host")

    def ready(self) -> None:
        # The profile the chat page and v1 clients name (ASSISTANT_ID) always exists.
        post_migrate.connect(bootstrap_after_migrate, sender=self)
