"""System checks of our own: insecure defaults must not reach production."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def insecure_defaults_check(app_configs, **kwargs) -> list[Error]:
    return [
        Error(
            f"{name} uses its built-in default, which is public.",
            hint=f"Set {name} in the environment or in .env.",
            id="crm.E001",
        )
        for name in settings.INSECURE_DEFAULTS_IN_USE
    ]
