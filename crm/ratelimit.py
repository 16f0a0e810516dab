"""A per-address counter in the shared cache (Redis in production) against abuse of the forms
anyone may send: sign-up, password reset.

It fails open: when the cache is unreachable every request is let through, since refusing
everyone would be worse than counting no one. The address is the one django-axes reads for the
sign-in lockout (`axes.helpers.get_client_ip_address`), so one proxy setting serves both.
"""

from __future__ import annotations

import logging
import time

from axes.helpers import get_client_ip_address
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def within_limit(request: HttpRequest, *, scope: str, limit: int, window: int = 3600) -> bool:
    """Count this request against `limit` per `window` seconds for its address and `scope`;
    False once the address has spent it. A limit of 0 means none."""
    if limit <= 0:
        return True
    address = get_client_ip_address(request) or "unknown"
    bucket = int(time.time()) // window
    key = f"ratelimit:{scope}:{address}:{bucket}"
    try:
        count = 1 if cache.add(key, 1, window) else cache.incr(key)
    except ValueError:
        count = 1  # expired between add and incr: a new window
    except Exception:
        logger.warning("rate limit not counted (cache unreachable): %s", scope)
        return True
    if count is None:  # django-redis ignoring an outage
        return True
    return count <= limit
