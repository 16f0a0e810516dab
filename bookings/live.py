"""A restaurant's change version: what its open pages poll to know when to refresh.

Every committed change of the restaurant's bookings, floor or waitlist (`bookings.changes`)
sets a new random version in the cache; a page sends the version it was drawn at and hears
204 while nothing changed. One cache read per poll and no database query
(`docs/benchmarks.md`). A version that is missing (a cache restarted, or the in-process cache
of another process) is set anew, which makes open pages refresh once; with the cache down
there is no version and pages refresh on every poll, which is slower but never stale.
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache

logger = logging.getLogger(__name__)


def _key(restaurant_id: int) -> str:
    return f"changes:{restaurant_id}"


def _new() -> str:
    return uuid.uuid4().hex[:12]


def bump(restaurant_id: int) -> None:
    """Something of the restaurant changed: its pages refresh at their next poll."""
    cache.set(_key(restaurant_id), _new(), timeout=None)


def version(restaurant_id: int) -> str | None:
    """The restaurant's change version now, or None when the cache cannot tell."""
    key = _key(restaurant_id)
    current = cache.get(key)
    if current is None:
        cache.add(key, _new(), timeout=None)
        current = cache.get(key)
    return current
