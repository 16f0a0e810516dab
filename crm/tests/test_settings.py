from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from crm.settings import database_from_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+asyncpg://crm_user:crm_password@db:5432/crm_db",
        "postgresql://crm_user:crm_password@db:5432/crm_db",
        "postgres://crm_user:crm_password@db:5432/crm_db",
    ],
)
def test_db_url_accepts_the_briefs_forms(url):
    config = database_from_url(url)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == (
        "crm_db",
        "crm_user",
        "crm_password",
    )
    assert (config["HOST"], config["PORT"]) == ("db", 5432)


def test_db_url_accepts_sqlite_paths():
    assert database_from_url("sqlite:////var/lib/crm/db.sqlite3")["NAME"] == (
        "/var/lib/crm/db.sqlite3"
    )


def test_db_url_that_is_not_a_database_fails_loudly():
    with pytest.raises(ImproperlyConfigured):
        database_from_url("nosuchdb://x")


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "JWT_SECRET", "ADMIN_PASSWORD", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_fails_on_insecure_defaults_naming_them():
    result = manage("check", "--deploy")
    assert result.returncode != 0
    for name in ("SECRET_KEY", "JWT_SECRET", "ADMIN_PASSWORD"):
        assert f"{name} uses its built-in default" in result.stderr
    assert "Insecure built-in defaults in use: SECRET_KEY, ADMIN_PASSWORD, JWT_SECRET" in (
        result.stderr
    )


def test_check_deploy_passes_with_real_secrets():
    result = manage(
        "check",
        "--deploy",
        SECRET_KEY="a-real-secret-" + "k" * 50,
        JWT_SECRET="another-real-secret-value",
        ADMIN_PASSWORD="a-strong-admin-password",
    )
    assert result.returncode == 0, result.stderr
    assert "crm.E001" not in result.stderr
    assert "Insecure built-in defaults" not in result.stderr


def test_bad_boolean_in_the_environment_fails_loudly():
    result = manage("check", DEBUG="maybe", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


PRODUCTION_SECRETS = {
    "SECRET_KEY": "a-real-secret-" + "k" * 50,
    "JWT_SECRET": "another-real-secret-value-of-32-bytes",
    "ADMIN_PASSWORD": "a-strong-admin-password",
}


def test_check_deploy_is_clean_at_warning_level_when_served_over_https():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", HTTPS="true", **PRODUCTION_SECRETS
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_https_is_off():
    """The HTTPS block is what silences the transport warnings: without it they are raised."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_SECRETS)
    assert result.returncode != 0
    for check_id in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check_id in result.stderr


def test_https_turns_on_secure_cookies_hsts_and_the_redirect():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = manage("shell", "-c", code, HTTPS="true", **PRODUCTION_SECRETS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "31536000",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
    ]


def test_access_tokens_live_fifteen_minutes_by_default():
    code = "from django.conf import settings as s; print(s.SIMPLE_JWT['ACCESS_TOKEN_LIFETIME'])"
    clean = {k: v for k, v in os.environ.items() if k != "JWT_ACCESS_MINUTES"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "0:15:00"


def test_the_server_loads_and_freezes_the_app_before_the_workers_fork():
    import gc

    from crm import server

    gc.unfreeze()
    try:
        server.preload()
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_the_server_reads_its_settings_from_the_environment():
    from granian.constants import Interfaces

    from crm import server

    chosen = server.options(
        {
            "SERVER_BIND": "127.0.0.1:8123",
            "WEB_CONCURRENCY": "3",
            "SERVER_THREADS": "12",
            "SERVER_HEADER_TIMEOUT": "2.5",
            "LOG_LEVEL": "WARNING",
        }
    )
    assert (chosen["address"], chosen["port"]) == ("127.0.0.1", 8123)
    assert (chosen["workers"], chosen["blocking_threads"]) == (3, 12)
    assert chosen["interface"] == Interfaces.WSGI
    assert chosen["http1_settings"].header_read_timeout == 2500
    assert chosen["target"] == "crm.wsgi:application"
    defaults = server.options({})
    assert (defaults["address"], defaults["port"], defaults["workers"]) == ("0.0.0.0", 8000, 2)
