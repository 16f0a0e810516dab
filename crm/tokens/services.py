"""Issuing, rotating and revoking API tokens. The one place that writes token state."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken

from crm.tokens.models import IssuedRefreshToken, TokenState
from crm.tokens.selectors import (
    FAMILY_CLAIM,
    LIVE,
    LIVE_SECONDS,
    REVOKED,
    REVOKED_SECONDS,
    VERSION_CLAIM,
    family_is_revoked,
    family_key,
    forget_recent_answers,
    user_key,
    user_token_version,
)


def _mark_revoked(key: str) -> None:
    """After the revocation commits, every worker's next request reads it from the cache
    (within `RECENT_SECONDS` for a worker that has just found the token live)."""
    forget_recent_answers()
    transaction.on_commit(
        lambda: (cache.set(key, REVOKED, REVOKED_SECONDS), forget_recent_answers())
    )


def _expiry(token: RefreshToken) -> dt.datetime:
    return dt.datetime.fromtimestamp(token["exp"], tz=dt.UTC)


def refresh_token_issue(
    *, user: AbstractBaseUser, family: uuid.UUID | None = None, expires: int | None = None
) -> RefreshToken:
    """A refresh token (its `.access_token` is the access token) for `user`, recorded.

    Without `family` this is a sign-in and starts a new family. `expires` (a timestamp) keeps
    an earlier token's expiry, so a sign-in lasts `REFRESH_TOKEN_LIFETIME` however often it
    is renewed.
    """
    from crm.api.jwt import claims_for  # crm.api.jwt builds the role claims; it imports us

    version = user_token_version(user_id=user.pk)
    if version is None:
        raise TokenError(_("User not found or inactive"))
    token = RefreshToken.for_user(user)
    if expires is not None:
        token["exp"] = expires
    family = family or uuid.uuid4()
    for claim, value in claims_for(user).items():
        token[claim] = value
    token[VERSION_CLAIM] = version
    token[FAMILY_CLAIM] = str(family)
    IssuedRefreshToken.objects.create(
        jti=token[api_settings.JTI_CLAIM], family=family, user=user, expires_at=_expiry(token)
    )
    # What was just read is true now, so the first request with these tokens needs no query.
    # `add` never overwrites: a revocation that got there first stays.
    cache.add(user_key(user.pk, version), LIVE, LIVE_SECONDS)
    cache.add(family_key(family), LIVE, LIVE_SECONDS)
    return token


def refresh_token_rotate(*, raw: str) -> RefreshToken:
    """The next refresh token of a sign-in, in exchange for the current one, which is spent.

    Raises TokenError for anything but a live, unused refresh token of an active user whose
    tokens were not revoked since. A spent token presented again means two parties hold it:
    its whole family is revoked, with the access tokens issued from it (RFC 9700, 4.14.2).
    The row lock makes two concurrent uses queue: the second finds the token spent.
    """
    old = RefreshToken(raw)  # TokenError for a bad signature, a wrong type, an expiry past
    jti = old[api_settings.JTI_CLAIM]
    user_id = old.get(api_settings.USER_ID_CLAIM)
    reused = False
    with transaction.atomic():
        record = IssuedRefreshToken.objects.select_for_update().filter(jti=jti).first()
        if record is None:
            if old.get(FAMILY_CLAIM) is not None:
                raise TokenError(_("Token is invalid"))
            # Issued before tokens were recorded: honoured once, as the start of a family. A
            # concurrent second use waits on the new row's key, then finds it spent.
            record, _created = IssuedRefreshToken.objects.get_or_create(
                jti=jti,
                defaults={"user_id": user_id, "expires_at": _expiry(old)},
            )
        if record.revoked_at is not None or family_is_revoked(family=record.family):
            # The family check also catches a token issued while its family was being revoked.
            raise TokenError(_("Token is revoked"))
        if record.used_at is not None:
            token_family_revoke(family=record.family)
            reused = True
        else:
            user = get_user_model().objects.filter(pk=record.user_id).first()
            if user is None or user_token_version(user_id=user.pk) != old.get(VERSION_CLAIM, 0):
                raise TokenError(_("Token is revoked"))
            record.used_at = timezone.now()
            record.save(update_fields=["used_at"])
            token = refresh_token_issue(user=user, family=record.family, expires=old["exp"])
    if reused:  # raised only now, so that the family's revocation is committed
        raise TokenError(_("Token was already used; every token of this sign-in is revoked"))
    return token


def token_family_revoke(*, family: uuid.UUID) -> None:
    """Revoke every refresh token of a sign-in and the access tokens issued from them."""
    IssuedRefreshToken.objects.filter(family=family, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    _mark_revoked(family_key(family))


@transaction.atomic
def tokens_revoke_all(*, user: AbstractBaseUser) -> None:
    """Revoke every access and refresh token `user` holds and end their page sessions.

    Called on a password change and on deactivation (see `crm.tokens.signals`), by "sign out
    everywhere", and by anyone who must cut a user off at once (a member removed, say).
    """
    state, _created = TokenState.objects.select_for_update().get_or_create(user_id=user.pk)
    old = state.version
    now = timezone.now()
    TokenState.objects.filter(pk=state.pk).update(version=F("version") + 1, revoked_at=now)
    IssuedRefreshToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).update(
        revoked_at=now
    )
    _mark_revoked(user_key(user.pk, old))
