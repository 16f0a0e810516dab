"""The production static pipeline (whitenoise's manifest storage) accepts our built CSS."""

from __future__ import annotations

from django.core.management import call_command
from django.test import override_settings


def test_collectstatic_with_the_production_storage(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        call_command("collectstatic", "--noinput", "--verbosity", "0")
    assert list(tmp_path.glob("css/app.*.css")), "the built CSS is collected, fingerprinted"
    assert list(tmp_path.glob("js/app.*.js"))
