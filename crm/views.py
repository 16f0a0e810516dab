from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static

logger = logging.getLogger(__name__)


def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive. No database or cache call, so it is also the speed ceiling."""
    return JsonResponse({"status": "ok"})


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers and the admin ask for /favicon.ico; ours is an SVG among the static files."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready"
        logger.warning("Database not reachable: %s", exc)
        return "unavailable"
    return "ok"


def _redis_state() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    from django_redis import get_redis_connection
    from redis.exceptions import RedisError

    try:
        get_redis_connection("default").ping()
    except RedisError as exc:
        logger.warning("Redis not reachable: %s", exc)
        return "unavailable"
    return "ok"


def readyz(request: HttpRequest) -> JsonResponse:
    """Whether PostgreSQL (or SQLite) and Redis answer; 503 when one does not."""
    checks = {"database": _database_state(), "redis": _redis_state()}
    ready = "unavailable" not in checks.values()
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503
    )
