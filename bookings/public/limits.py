"""Abuse limits of the public page, counted in Redis: per address and per phone.

Fixed windows: a counter per (kind, who, window) that expires with its window. A request over
a limit gets 429 with `Retry-After`, the seconds until its window ends. When Redis cannot be
reached the limits fail open: the guest books, and the log says that nothing was counted.
Without Redis configured (the quick start), the in-process cache counts.

The numbers come from settings when set there (`PUBLIC_LIMITS`), else the defaults below.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

HOUR, DAY = 3600, 86400

DEFAULTS: dict[str, tuple[int, int]] = {
    # kind: (most requests, window in seconds)
    "booking-ip": (20, HOUR),
    "booking-phone": (4, HOUR),
    "booking-phone-day": (6, DAY),
    "chat-ip": (60, HOUR),
}


@dataclass(frozen=True)
class Limited(Exception):
    """Over a limit: try again after `retry_after` seconds."""

    kind: str
    retry_after: int


def _rule(kind: str) -> tuple[int, int]:
    return getattr(settings, "PUBLIC_LIMITS", {}).get(kind, DEFAULTS[kind])


def _key(kind: str, who: str, window_start: int) -> str:
    # Phones and addresses are personal data: the key holds a digest, not the value.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{who}".encode()).hexdigest()[:24]
    return f"public-limit:{kind}:{digest}:{window_start}"


def _redis():
    if not settings.REDIS_URL:
        return None
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def hit(kind: str, who: str) -> None:
    """Count one request of `who` (an address, a phone); raise Limited when over the limit."""
    if not who:
        return
    most, window = _rule(kind)
    now = int(time.time())
    start = now - now % window
    key = _key(kind, who, start)
    try:
        count = _count(key, window)
    except Exception as exc:
        logger.warning("Abuse limits failed open (%s not counted): %s", kind, exc)
        return
    if count > most:
        raise Limited(kind=kind, retry_after=max(1, start + window - now))


def _count(key: str, window: int) -> int:
    client = _redis()
    if client is None:
        cache.add(key, 0, window)
        return cache.incr(key)
    from redis.exceptions import RedisError

    try:
        pipe = client.pipeline(transaction=True)
        pipe.set(key, 0, ex=window, nx=True)  # a new window's counter expires with it
        pipe.incr(key)
        _, count = pipe.execute()
    except RedisError as exc:
        raise ConnectionError(str(exc)) from exc
    return int(count)


def client_address(request) -> str:
    """The caller's address: REMOTE_ADDR (a proxy in front sets it from X-Forwarded-For)."""
    return request.META.get("REMOTE_ADDR", "")
