from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_healthz_answers_without_io(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert len(queries) == 0


def test_readyz_reports_each_component(client, db, settings):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["redis"] == ("ok" if settings.REDIS_URL else "not configured")


@pytest.mark.django_db(transaction=True)
def test_readyz_is_503_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    from django.core.cache import caches

    caches._settings = None
    try:
        response = client.get("/readyz")
    finally:
        caches._settings = None
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "redis": "unavailable"}


def test_every_request_is_logged_once_with_its_id(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="crm.request"):
        response = client.get("/healthz?token=secret", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    lines = [r.getMessage() for r in caplog.records if r.name == "crm.request"]
    assert len(lines) == 1
    assert "request_id=abc-123 method=GET path=/healthz status=200" in lines[0]
    assert "secret" not in lines[0]


def test_a_forged_request_id_is_replaced(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="x\nlevel=ERROR fake")
    assert response["X-Request-ID"] != "x\nlevel=ERROR fake"
    assert len(response["X-Request-ID"]) == 32
