"""The API's JWT authentication, without a database query or a signature check on most requests.

simplejwt looks the user up on every request; on the cached slots read that lookup is the
only SQL query and the larger part of the request's cost. Here a worker keeps each user it
has looked up for `USER_CACHE_SECONDS`. Saving or deleting a user drops the entry in the
worker that did it at once; in other workers a deactivation takes effect within that time
(and a password or membership change needs a new token anyway).
"""

from __future__ import annotations

import threading
import time

from cachetools import TTLCache
from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.settings import api_settings

USER_CACHE_SECONDS = 60

_users: TTLCache = TTLCache(maxsize=10_000, ttl=USER_CACHE_SECONDS)
# Tokens already validated, by their text: checking a signature and the claims again costs more
# than the rest of a cached read. A token is immutable; its expiry is checked on every use.
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
        with _lock:
            user = _users.get(user_id)
        if user is None:
            user = super().get_user(validated_token)  # raises for a missing or inactive user
            with _lock:
                _users[user_id] = user
        elif not user.is_active:
            raise AuthenticationFailed("User is inactive", code="user_inactive")
        return user


@receiver([post_save, post_delete], sender=settings.AUTH_USER_MODEL)
def forget_user(sender, instance, **kwargs) -> None:
    with _lock:
        _users.pop(str(instance.pk), None)


def forget_all_users() -> None:
    """Forget every cached user and validated token (the tests' databases start anew)."""
    with _lock:
        _users.clear()
        _tokens.clear()


class CachedUserJWTScheme(SimpleJWTScheme):
    """Documents our authentication class as simplejwt's Bearer scheme in the OpenAPI schema."""

    target_class = CachedUserJWTAuthentication
