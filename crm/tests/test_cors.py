"""CORS: a browser client on FRONTEND_ORIGIN can sign in and call the API; others cannot."""

from __future__ import annotations

import pytest
from django.test import Client

FRONTEND = "http://localhost:5173"


def preflight(path: str, origin: str, method: str = "POST"):
    return Client().options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/auth/login", "POST"),
        ("/bookings", "POST"),
        ("/bookings/1/2025-01-01", "GET"),
        ("/restaurants/1/settings", "PUT"),
    ],
)
def test_preflight_from_the_frontend_origin_is_allowed(path, method):
    response = preflight(path, FRONTEND, method)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONTEND
    assert method in response["Access-Control-Allow-Methods"]
    allowed = response["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed


@pytest.mark.parametrize("path", ["/auth/login", "/bookings"])
def test_preflight_from_another_origin_is_not_allowed(path):
    response = preflight(path, "http://evil.example")
    assert "Access-Control-Allow-Origin" not in response


def test_real_response_names_the_origin_and_exposes_the_challenge(db):
    response = Client().get("/bookings/1/2025-01-01", HTTP_ORIGIN=FRONTEND)
    assert response.status_code == 401
    assert response["Access-Control-Allow-Origin"] == FRONTEND
    assert "www-authenticate" in response["Access-Control-Expose-Headers"].lower()


def test_frontend_origin_is_read_from_the_environment():
    import os
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; django.setup(); "
            "print(settings.CORS_ALLOWED_ORIGINS)",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "crm.settings",
            "FRONTEND_ORIGIN": "https://app.example.com, http://localhost:3000",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1] == (
        "['https://app.example.com', 'http://localhost:3000']"
    ), result.stderr
