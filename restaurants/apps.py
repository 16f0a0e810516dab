from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RestaurantsConfig(AppConfig):
    name = "restaurants"
    verbose_name = _("Restaurants")

    def ready(self) -> None:
        from restaurants import signals

        signals.connect_bootstrap(self)
