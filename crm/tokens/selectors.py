"""Is a token still good? Asked on every API request, so answered from the cache.

The cache holds one marker per (user, version) and one per refresh family: `LIVE` or
`REVOKED`. A reader that misses asks the database and stores what it found with `cache.add`,
which never overwrites; a revocation stores `REVOKED` with `cache.set` once its transaction has
committed. A marker only ever goes from live to revoked, so a reader that read the database
just before a revocation committed cannot put a stale "live" back over it. With the cache
unreachable every request asks the database, which is the truth.
"""

from __future__ import annotations

import threading
import uuid

from cachetools import TTLCache
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from crm.tokens.models import IssuedRefreshToken

VERSION_CLAIM = "ver"  # the user's token version when the token was issued
FAMILY_CLAIM = "fam"  # the sign-in (refresh-token family) the token descends from

LIVE, REVOKED = 1, 0
# A live marker is asked of the database again after this long: the bound on a revocation
# whose cache write was lost (the cache unreachable from the revoking process but keeping its
# data), and on one made where no signal fires (`QuerySet.update(is_active=False)`).
LIVE_SECONDS = 300
# Past this every token a revoked marker is about has expired; the database agrees anyway.
REVOKED_SECONDS = int(
    (
        settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"] + settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]
    ).total_seconds()
)


# A worker trusts its own "still live" answer about a token for this long before it asks the
# shared cache again (`token_is_live(recent=True)`, the API's authentication): a revocation made
# by another worker is refused everywhere within a second, and a cached slots read makes one
# round trip to Redis (its slots), not two. A revocation in this worker forgets them at once.
RECENT_SECONDS = 1.0
_recent: TTLCache = TTLCache(maxsize=10_000, ttl=RECENT_SECONDS)
_recent_lock = threading.Lock()


def forget_recent_answers() -> None:
    with _recent_lock:
        _recent.clear()


def user_key(user_id: object, version: int) -> str:
    return f"tokens:user:{user_id}:{version}"


def family_key(family: object) -> str:
    return f"tokens:family:{family}"


def user_token_version(*, user_id: object) -> int | None:
    """The user's token version in the database; None when the user is gone or inactive."""
    row = (
        get_user_model()
        .objects.filter(pk=user_id)
        .values_list("is_active", "token_state__version")
        .first()
    )
    if row is None or not row[0]:
        return None
    return row[1] or 0


def family_is_revoked(*, family: object) -> bool:
    return IssuedRefreshToken.objects.filter(family=family, revoked_at__isnull=False).exists()


def token_is_live(
    *, user_id: object, version: object, family: object = None, recent: bool = False
) -> bool:
    """Whether a token of `user_id` issued at `version` (and in `family`, if given) still
    counts: the user exists, is active, has not had their tokens revoked since, and the family
    was not revoked. One cache round trip when the cache knows; the database when not. With
    `recent`, a "live" answer this worker gave in the last `RECENT_SECONDS` stands."""
    try:
        version = int(version)
        user_id = int(user_id)
        family = None if family is None else uuid.UUID(str(family))
    except (TypeError, ValueError):
        return False  # our own signature is on it, so this is not ours to honour
    if recent:
        asked = (user_id, version, family)
        with _recent_lock:
            if _recent.get(asked):
                return True
        live = _token_is_live(user_id=user_id, version=version, family=family)
        if live:
            with _recent_lock:
                _recent[asked] = True
        return live
    return _token_is_live(user_id=user_id, version=version, family=family)


def _token_is_live(*, user_id: int, version: int, family: uuid.UUID | None) -> bool:
    keys = {"user": user_key(user_id, version)}
    if family is not None:
        keys["family"] = family_key(family)
    found = cache.get_many(list(keys.values()))
    if REVOKED in (found.get(key) for key in keys.values()):
        return False
    if keys["user"] not in found:
        live = user_token_version(user_id=user_id) == version
        cache.add(
            keys["user"], LIVE if live else REVOKED, LIVE_SECONDS if live else REVOKED_SECONDS
        )
        if not live:
            return False
    if family is not None and keys["family"] not in found:
        live = not family_is_revoked(family=family)
        cache.add(
            keys["family"], LIVE if live else REVOKED, LIVE_SECONDS if live else REVOKED_SECONDS
        )
        if not live:
            return False
    return True
