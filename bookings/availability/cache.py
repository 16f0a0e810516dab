"""The slot cache of the v1 contract: `slots:{restaurant_id}:{date}` → JSON list, TTL one hour.

With Redis (REDIS_URL) the key is written exactly so, without Django's prefix or version, so
other readers of that key (see docs/api-v1.md) keep working. Without Redis, Django's in-process
cache.

No reader may see a stale count. A reader that missed the cache WATCHes the restaurant's
generation key before it reads the database and writes its result in a MULTI/EXEC; a writer
bumps that generation and deletes the day's key after its transaction commits. A reader whose
database read raced a booking therefore either fails its EXEC or has its value deleted after it.
Redis errors are logged and the database answers.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

Slots = list[dict]


def slots_key(restaurant_id: int, date: dt.date) -> str:
    return f"slots:{restaurant_id}:{date.isoformat()}"


def _generation_key(restaurant_id: int) -> str:
    return f"slots-generation:{restaurant_id}"


def _redis():
    """The raw Redis client, or None when the cache is not Redis."""
    if not settings.REDIS_URL:
        return None
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _dumps(slots: Slots) -> str:
    return json.dumps(slots, separators=(",", ":"))


def party_key(restaurant_id: int, date: dt.date) -> str:
    """A Redis hash of the day's slots as read for each party size (`?party_size=N`)."""
    return f"slots-party:{restaurant_id}:{date.isoformat()}"


def read_json(
    restaurant_id: int, date: dt.date, compute: Callable[[], Slots], *, party: int | None = None
) -> str:
    """The day's slots as the cache holds them, JSON text, computing and caching on a miss.

    The API answers this text as it is: a cached read parses and serializes nothing. With
    `party`, the slots as read for that party size, kept in the day's party hash.
    """
    key = slots_key(restaurant_id, date) if party is None else party_key(restaurant_id, date)
    field = None if party is None else str(party)
    client = _redis()
    if client is None:
        return _read_local(key, field, compute)

    from redis.exceptions import RedisError, WatchError

    try:
        raw = client.get(key) if field is None else client.hget(key, field)
        if raw is not None:
            return raw.decode()
        pipe = client.pipeline(transaction=True)
        pipe.watch(_generation_key(restaurant_id))
    except RedisError as exc:
        logger.warning("Redis unavailable, reading slots from the database: %s", exc)
        return _dumps(compute())

    try:
        text = _dumps(compute())
        pipe.multi()
        if field is None:
            pipe.set(key, text, ex=settings.SLOTS_CACHE_TTL)
        else:
            pipe.hset(key, field, text)
            pipe.expire(key, settings.SLOTS_CACHE_TTL)
        pipe.execute()
    except WatchError:
        pass  # A booking changed the restaurant meanwhile: answer, but don't cache this read.
    except RedisError as exc:
        logger.warning("Redis unavailable, slots not cached: %s", exc)
    finally:
        pipe.reset()
    return text


def cached_json(restaurant_id: int, date: dt.date) -> str | None:
    """The day's slots as JSON text if the cache holds them, else None (Redis down included):
    a read that computes nothing, for the API's fast path (`bookings.api.fast`)."""
    key = slots_key(restaurant_id, date)
    client = _redis()
    if client is None:
        return cache.get(key)

    from redis.exceptions import RedisError

    try:
        raw = client.get(key)
    except RedisError:
        return None  # the full read logs it and asks the database
    return None if raw is None else raw.decode()


def _read_local(key: str, field: str | None, compute: Callable[[], Slots]) -> str:
    """The in-process cache: the day's text, or the day's {party: text} dict."""
    cached = cache.get(key)
    if field is None:
        if cached is None:
            cached = _dumps(compute())
            cache.set(key, cached, settings.SLOTS_CACHE_TTL)
        return cached
    parties = cached or {}
    if field not in parties:
        parties[field] = _dumps(compute())
        cache.set(key, parties, settings.SLOTS_CACHE_TTL)
    return parties[field]


def read_through(
    restaurant_id: int, date: dt.date, compute: Callable[[], Slots], *, party: int | None = None
) -> Slots:
    """The day's slots, `[{"time", "booked", "free"}, …]`, through the cache."""
    return json.loads(read_json(restaurant_id, date, compute, party=party))


def forget(restaurant_id: int, date: dt.date | None = None) -> None:
    """Drop one day's cached slots, or every day's when `date` is None (hours, table count)."""
    client = _redis()
    if client is None:
        if date is None:
            cache.clear()
        else:
            cache.delete_many([slots_key(restaurant_id, date), party_key(restaurant_id, date)])
        return

    from redis.exceptions import RedisError

    try:
        pipe = client.pipeline(transaction=True)
        pipe.incr(_generation_key(restaurant_id))
        pipe.expire(_generation_key(restaurant_id), 2 * settings.SLOTS_CACHE_TTL)
        if date is not None:
            pipe.delete(slots_key(restaurant_id, date), party_key(restaurant_id, date))
        pipe.execute()
        if date is None:
            keys = [
                *client.scan_iter(match=f"slots:{restaurant_id}:*", count=500),
                *client.scan_iter(match=f"slots-party:{restaurant_id}:*", count=500),
            ]
            if keys:
                client.delete(*keys)
    except RedisError as exc:
        logger.error(
            "Redis unavailable, cached slots of restaurant %s not cleared: %s", restaurant_id, exc
        )
