"""The API's JWT authentication, without a database query or a signature check on most requests.

Whether a token still counts (its user active, their tokens not revoked, its sign-in not
revoked) is asked of the shared cache, one round trip, and of the database when the cache does
not know (`crm.tokens.selectors.token_is_live`); a worker that found a token live trusts that
for a second. So a deactivation, a password change or "sign out everywhere" is refused by every
worker within a second, by the worker that made it at once.

Beside that, a worker keeps, for `USER_CACHE_SECONDS`, each token it has validated (a token is
immutable; its expiry is checked on every use) and each user it has looked up, so that a
cached slots read makes no SQL query. Neither decides access: a kept user is handed out only
after the shared check has passed for the request's token.
"""

from __future__ import annotations

import threading
import time

from cachetools import TTLCache
from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.settings import api_settings

from crm.tokens.selectors import (
    FAMILY_CLAIM,
    VERSION_CLAIM,
    forget_recent_answers,
    token_is_live,
)

USER_CACHE_SECONDS = 60

_users: TTLCache = TTLCache(maxsize=10_000, ttl=USER_CACHE_SECONDS)
# Tokens already validated, by their text: checking a signature and the claims again costs more
# than the rest of a cached read.
_tokens: TTLCache = TTLCache(maxsize=10_000, ttl=USER_CACHE_SECONDS)
_lock = threading.Lock()


class CachedUserJWTAuthentication(JWTAuthentication):
    def get_validated_token(self, raw_token: bytes):
        with _lock:
            hit = _tokens.get(raw_token)
        if hit is not None and time.time() < hit[1]:
            return hit[0]
        token = super().get_validated_token(raw_token)  # raises for a bad or expired token
        with _lock:
            _tokens[raw_token] = (token, token["exp"])
        return token

    def get_user(self, validated_token):
        user_id = str(validated_token.get(api_settings.USER_ID_CLAIM))  # a string in new tokens
        # A token from before versions were carried counts as version 0 until it expires.
        if not token_is_live(
            user_id=user_id,
            version=validated_token.get(VERSION_CLAIM, 0),
            family=validated_token.get(FAMILY_CLAIM),
            recent=True,
        ):
            raise AuthenticationFailed(_("Token has been revoked."), code="token_revoked")
        with _lock:
            user = _users.get(user_id)
        if user is None or not user.is_active:
            user = super().get_user(validated_token)  # raises for a missing or inactive user
            with _lock:
                _users[user_id] = user
        return user


@receiver([post_save, post_delete], sender=settings.AUTH_USER_MODEL)
def forget_user(sender, instance, **kwargs) -> None:
    with _lock:
        _users.pop(str(instance.pk), None)


def forget_all_users() -> None:
    """Forget every cached user, validated token and recent verdict on one (the tests'
    databases start anew)."""
    with _lock:
        _users.clear()
        _tokens.clear()
    forget_recent_answers()


class CachedUserJWTScheme(SimpleJWTScheme):
    """Documents our authentication class as simplejwt's Bearer scheme in the OpenAPI schema."""

    target_class = CachedUserJWTAuthentication
