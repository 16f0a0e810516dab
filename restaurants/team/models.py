"""An invitation to join a restaurant's team, by e-mail, with a role."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

INVITATION_DAYS = 7


def token_digest(token: str) -> str:
    """What the database keeps of an invitation's token: the link works, a leaked table not."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def default_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=INVITATION_DAYS)


class Invitation(models.Model):
    """Single-use: accepting it, revoking it or its expiry ends it."""

    restaurant = models.ForeignKey(
        "restaurants.Restaurant", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=10, default="host")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), default=default_expiry)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.restaurant_id} ({self.role})"

    def get_role_display(self) -> str:
        from restaurants.models import Membership

        return str(Membership.Role(self.role).label)

    def is_open(self) -> bool:
        """Not accepted, not withdrawn, not expired: the link still works."""
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    def status(self) -> str:
        if self.accepted_at is not None:
            return str(_("accepted"))
        if self.revoked_at is not None:
            return str(_("withdrawn"))
        if self.expires_at <= timezone.now():
            return str(_("expired"))
        return str(_("waiting"))

    def get_additional_data(self) -> dict:
        """Kept with each audit entry, so the team page finds it by restaurant and names it."""
        return {"restaurant_id": self.restaurant_id, "email": self.email}
