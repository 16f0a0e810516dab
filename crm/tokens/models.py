"""What the database keeps about tokens: a version per user, a row per refresh token issued."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TokenState(models.Model):
    """A user's token version. Tokens issued at an older version are refused.

    A user without a row is at version 0 (every user before this table existed, and every new
    user until the first revocation), so no row has to be written at sign-up or by a migration.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="token_state",
    )
    version = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(_("last revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("token state")
        verbose_name_plural = _("token states")

    def __str__(self) -> str:
        return f"{self.user_id}: version {self.version}"


class IssuedRefreshToken(models.Model):
    """A refresh token handed out, by its `jti`. A sign-in starts a family; each refresh marks
    its token used and issues the next one in the same family."""

    jti = models.CharField(max_length=64, primary_key=True)
    family = models.UUIDField(default=uuid.uuid4, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="refresh_tokens"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("issued refresh token")
        verbose_name_plural = _("issued refresh tokens")
        indexes = [models.Index(fields=["expires_at"], name="refresh_token_expiry")]

    def __str__(self) -> str:
        return self.jti
