"""Reads about a restaurant's team: its members, waiting invitations, and its history in words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, IntegerField, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext as _

from restaurants.models import Membership, Restaurant
from restaurants.team.models import Invitation, token_digest

HISTORY_LENGTH = 30


def team_members(*, restaurant: Restaurant) -> QuerySet[Membership]:
    """Managers first, then hosts, by username; with each user's last sign-in."""
    return (
        Membership.objects.filter(restaurant=restaurant)
        .select_related("user")
        .annotate(
            rank=Case(
                When(role=Membership.Role.MANAGER, then=0), default=1, output_field=IntegerField()
            )
        )
        .order_by("rank", "user__username")
    )


def team_member(*, restaurant: Restaurant, membership_id: object) -> Membership | None:
    """A member of this restaurant's team; None for another restaurant's as for a missing one."""
    try:
        membership_id = int(membership_id)
    except (TypeError, ValueError):
        return None
    return team_members(restaurant=restaurant).filter(pk=membership_id).first()


def waiting_invitations(*, restaurant: Restaurant) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        restaurant=restaurant,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")


def team_invitation(*, restaurant: Restaurant, invitation_id: object) -> Invitation | None:
    try:
        invitation_id = int(invitation_id)
    except (TypeError, ValueError):
        return None
    return Invitation.objects.filter(restaurant=restaurant, pk=invitation_id).first()


def invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation a link carries, whatever its state; None for a link that never was."""
    return (
        Invitation.objects.select_related("restaurant", "invited_by")
        .filter(token_hash=token_digest(token or ""))
        .first()
    )


@dataclass(frozen=True)
class TeamEvent:
    at: dt.datetime
    text: str


def _role(value: object) -> str:
    try:
        return str(Membership.Role(value).label)
    except ValueError:
        return str(value)


def _words(entry: LogEntry, model: type) -> str | None:
    data = entry.additional_data or {}
    actor = entry.actor.get_username() if entry.actor_id and entry.actor else None
    changes = entry.changes_dict or {}
    if model is Membership:
        user = data.get("user", "?")
        if entry.action == LogEntry.Action.CREATE:
            role = _role((changes.get("role") or [None, "host"])[1])
            if actor is None or actor == user:
                return _("%(user)s joined as %(role)s") % {"user": user, "role": role}
            return _("%(actor)s added %(user)s as %(role)s") % {
                "actor": actor,
                "user": user,
                "role": role,
            }
        if entry.action == LogEntry.Action.UPDATE and "role" in changes:
            old, new = changes["role"]
            return _("%(actor)s changed the role of %(user)s from %(old)s to %(new)s") % {
                "actor": actor or _("someone"),
                "user": user,
                "old": _role(old),
                "new": _role(new),
            }
        if entry.action == LogEntry.Action.DELETE:
            return _("%(actor)s removed %(user)s from the team") % {
                "actor": actor or _("someone"),
                "user": user,
            }
        return None
    email = data.get("email", "?")
    if entry.action == LogEntry.Action.CREATE:
        role = _role((changes.get("role") or [None, "host"])[1])
        return _("%(actor)s invited %(email)s as %(role)s") % {
            "actor": actor or _("someone"),
            "email": email,
            "role": role,
        }
    if entry.action == LogEntry.Action.UPDATE and "accepted_at" in changes:
        return _("%(email)s accepted the invitation") % {"email": email}
    if entry.action == LogEntry.Action.UPDATE and "revoked_at" in changes:
        return _("%(actor)s withdrew the invitation to %(email)s") % {
            "actor": actor or _("someone"),
            "email": email,
        }
    return None


def _other_words(entry: LogEntry) -> str | None:
    """A member's two-factor sign-in turned on or off; the restaurant's requirement."""
    changes = entry.changes_dict or {}
    actor = entry.actor.get_username() if entry.actor_id and entry.actor else _("someone")
    if "two_factor" in changes:
        on = changes["two_factor"][1] == "on"
        text = (
            _("%(user)s turned on two-factor sign-in")
            if on
            else _("%(user)s turned off two-factor sign-in")
        )
        return text % {"user": entry.object_repr}
    if "require_manager_2fa" in changes:
        on = str(changes["require_manager_2fa"][1]) == "True"
        text = (
            _("%(actor)s required two-factor sign-in of managers")
            if on
            else _("%(actor)s stopped requiring two-factor sign-in of managers")
        )
        return text % {"actor": actor}
    return None


def team_history(*, restaurant: Restaurant, limit: int = HISTORY_LENGTH) -> list[TeamEvent]:
    """The team's latest changes from the audit log, newest first, each in a sentence: members,
    invitations, the members' two-factor sign-in and the restaurant's requirement of it."""
    types = ContentType.objects.get_for_models(Membership, Invitation, Restaurant, get_user_model())
    by_type = {ct.pk: model for model, ct in types.items()}
    member_ids = [
        str(pk)
        for pk in Membership.objects.filter(restaurant=restaurant).values_list("user_id", flat=True)
    ]
    team = Q(
        content_type_id__in=[types[Membership].pk, types[Invitation].pk],
        additional_data__restaurant_id=restaurant.pk,
    )
    two_factor = Q(
        content_type_id=types[get_user_model()].pk,
        object_pk__in=member_ids,
        changes__has_key="two_factor",
    )
    required = Q(
        content_type_id=types[Restaurant].pk,
        object_pk=str(restaurant.pk),
        action=LogEntry.Action.UPDATE,
        changes__has_key="require_manager_2fa",
    )
    entries = (
        LogEntry.objects.filter(team | two_factor | required)
        .select_related("actor")
        .order_by("-timestamp", "-pk")[: limit * 2]
    )
    events = []
    for entry in entries:
        model = by_type[entry.content_type_id]
        text = _words(entry, model) if model in (Membership, Invitation) else _other_words(entry)
        if text:
            events.append(TeamEvent(at=entry.timestamp, text=text))
    return events[:limit]
