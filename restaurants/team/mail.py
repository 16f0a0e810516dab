"""The team's mails. Composed here, sent by `crm.mail.send_templated_mail`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from crm.mail import send_templated_mail

if TYPE_CHECKING:
    from restaurants.team.models import Invitation


def send_invitation(*, invitation: Invitation, token: str, base_url: str) -> None:
    link = base_url.rstrip("/") + reverse("team:accept", args=[token])
    inviter = invitation.invited_by
    send_templated_mail(
        to=invitation.email,
        subject=_("You are invited to join %(restaurant)s")
        % {"restaurant": invitation.restaurant.name},
        template="mail/team_invitation.txt",
        context={
            "invitation": invitation,
            "restaurant": invitation.restaurant,
            "inviter": inviter.get_username() if inviter else "",
            "role": invitation.get_role_display(),
            "link": link,
            "expires_at": invitation.expires_at,
        },
    )


def send_signup_confirmation(*, user, restaurant, token: str, base_url: str) -> None:
    link = base_url.rstrip("/") + reverse("team:signup-confirm", args=[token])
    send_templated_mail(
        to=user.email,
        subject=_("Confirm your address to open %(restaurant)s") % {"restaurant": restaurant.name},
        template="mail/signup_confirm.txt",
        context={"user": user, "restaurant": restaurant, "link": link},
    )
