"""A user's tokens and sessions end when their password or active flag changes, or they go.

A change is noticed on save however it is made (the admin, `set_password` and save, a reset
form, a plain assignment to `password`), by comparing with the row as stored. A bulk
`QuerySet.update` sends no signal: call `tokens_revoke_all` beside it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import SESSION_KEY, user_logged_in
from django.db import transaction
from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import receiver

from crm.tokens.selectors import (
    REVOKED,
    REVOKED_SECONDS,
    forget_recent_answers,
    user_key,
    user_token_version,
)
from crm.tokens.services import tokens_revoke_all

# The token version a page session was signed in at (absent in older sessions: version 0).
SESSION_VERSION_KEY = "_tokens_version"

_WATCHED = {"password", "is_active"}


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def _note_credential_change(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    instance._tokens_revoke = False
    if raw or instance._state.adding:
        return
    if update_fields is not None and not _WATCHED & set(update_fields):
        return  # the sign-in's `last_login`, say: nothing to compare
    stored = sender._base_manager.filter(pk=instance.pk).values_list(*sorted(_WATCHED)).first()
    if stored is not None:
        is_active, password = stored
        instance._tokens_revoke = (is_active, password) != (instance.is_active, instance.password)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _revoke_on_credential_change(sender, instance, created=False, **kwargs) -> None:
    if getattr(instance, "_tokens_revoke", False):
        instance._tokens_revoke = False
        tokens_revoke_all(user=instance)


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL)
def _revoke_on_delete(sender, instance, **kwargs) -> None:
    # The user's rows go with them; the cache is told that their current version is dead.
    version = user_token_version(user_id=instance.pk)
    if version is not None:
        key = user_key(instance.pk, version)
        transaction.on_commit(lambda: _cache_set_revoked(key))


def _cache_set_revoked(key: str) -> None:
    from django.core.cache import cache

    cache.set(key, REVOKED, REVOKED_SECONDS)
    forget_recent_answers()


@receiver(user_logged_in)
def _remember_session_version(sender, request, user, **kwargs) -> None:
    """A page sign-in (`login()`, which has just put `user` in the session and on the request,
    if it has a user) records the user's token version in the session. The API's sign-in
    passes a request whose user is nobody."""
    if request is None or getattr(request, "user", user) is not user:
        return
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_KEY) == str(user.pk):
        session[SESSION_VERSION_KEY] = user_token_version(user_id=user.pk) or 0
