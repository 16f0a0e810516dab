"""Writes about a restaurant's team: invitations, joining, roles, removal.

Every change takes the restaurant's row lock first, so two managers demoting each other at once
cannot leave the restaurant without one. The rules, for pages, admin and API alike:
the last manager can be neither removed nor demoted, and nobody raises their own role.
A member removed or demoted loses every API token and page session at once (the user's token
version, `crm.tokens.services.tokens_revoke_all`): their tokens carry their roles.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.tokens.services import tokens_revoke_all
from restaurants.models import MAX_TABLES, Membership, Restaurant
from restaurants.selectors import can_manage
from restaurants.team.mail import send_invitation, send_signup_confirmation
from restaurants.team.models import Invitation, new_token, token_digest

ROLE_RANK = {Membership.Role.HOST: 0, Membership.Role.MANAGER: 1}


class TeamRuleBroken(ValidationError):
    """A change the team's rules refuse (400 in the API, a message on the page)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__({field: [message]})
        self.field = field
        self.message_text = message

    def __str__(self) -> str:
        return self.message_text


def _lock(restaurant: Restaurant) -> Restaurant:
    return Restaurant.objects.select_for_update().get(pk=restaurant.pk)


def _require_manager(*, by: AbstractBaseUser, restaurant: Restaurant) -> None:
    if not can_manage(user=by, restaurant=restaurant):
        raise PermissionDenied(_("Only a manager of this restaurant can change its team."))


def _check_role(role: str) -> str:
    if role not in Membership.Role.values:
        raise TeamRuleBroken(
            "role",
            _("Unknown role “%(role)s”: choose host or manager.") % {"role": role},
        )
    return role


def _other_managers(membership: Membership) -> bool:
    return (
        Membership.objects.filter(restaurant_id=membership.restaurant_id, role="manager")
        .exclude(pk=membership.pk)
        .exists()
    )


def normalize_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise TeamRuleBroken("email", _("Enter a valid e-mail address.")) from None
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


@transaction.atomic
def invitation_create(
    *,
    restaurant: Restaurant,
    email: str,
    role: str,
    by: AbstractBaseUser,
    base_url: str,
) -> Invitation:
    """Invite `email` to the team with `role`, and mail the link (after commit).

    A waiting invitation to the same address is withdrawn: the newest link is the one that
    works. `base_url` ("https://host") makes the link absolute.
    """
    restaurant = _lock(restaurant)
    _require_manager(by=by, restaurant=restaurant)
    email = normalize_email(email)
    role = _check_role(role)
    if Membership.objects.filter(restaurant=restaurant, user__email__iexact=email).exists():
        raise TeamRuleBroken("email", _("Someone with this address is already on the team."))
    for waiting in Invitation.objects.filter(
        restaurant=restaurant,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ):
        waiting.revoked_at = timezone.now()
        waiting.save(update_fields=["revoked_at"])
    token = new_token()
    invitation = Invitation.objects.create(
        restaurant=restaurant,
        email=email,
        role=role,
        invited_by=by,
        token_hash=token_digest(token),
    )
    transaction.on_commit(
        lambda: send_invitation(invitation=invitation, token=token, base_url=base_url)
    )
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by: AbstractBaseUser) -> Invitation:
    _require_manager(by=by, restaurant=invitation.restaurant)
    if invitation.is_open():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def _open_invitation(token: str) -> Invitation:
    """The open invitation the token names, locked after its restaurant (the order every team
    change takes its locks in); TeamRuleBroken when there is none."""
    digest = token_digest(token or "")
    restaurant_id = (
        Invitation.objects.filter(token_hash=digest).values_list("restaurant_id", flat=True).first()
    )
    if restaurant_id is not None:
        Restaurant.objects.select_for_update().filter(pk=restaurant_id).first()
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("restaurant")
        .filter(token_hash=digest)
        .first()
    )
    if invitation is None or not invitation.is_open():
        raise TeamRuleBroken(
            "token", _("This invitation link is not valid: it has expired or been used.")
        )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: AbstractBaseUser) -> Membership:
    """Join the invitation's restaurant with its role as `user` (an existing account).

    Spends the invitation. Someone already on the team keeps their role.
    """
    invitation = _open_invitation(token)
    membership, _created = Membership.objects.get_or_create(
        user=user, restaurant=invitation.restaurant, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def invitation_accept_new_user(*, token: str, username: str, password: str) -> Membership:
    """Make an account with the invitation's address and join; ValidationError names the field
    (`username`, `password`, `token`) and nothing is written."""
    invitation = _open_invitation(token)
    user = _new_account(username=username, email=invitation.email, password=password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise TeamRuleBroken("username", _("This username is taken; choose another.")) from None
    return invitation_accept(token=token, user=user)


def role_change_check(*, membership: Membership, role: str, by: AbstractBaseUser) -> None:
    """Raise TeamRuleBroken if `by` may not give `membership` this role (nothing is written)."""
    _check_role(role)
    if role == membership.role:
        return
    if (
        membership.user_id == by.pk
        and not by.is_superuser
        and ROLE_RANK[role] > ROLE_RANK[membership.role]
    ):
        raise TeamRuleBroken("role", _("You cannot raise your own role."))
    demoted = ROLE_RANK[role] < ROLE_RANK[membership.role]
    if demoted and membership.role == Membership.Role.MANAGER and not _other_managers(membership):
        raise TeamRuleBroken(
            "role", _("The restaurant's last manager cannot be demoted: make another one first.")
        )


def removal_check(*, membership: Membership) -> None:
    if membership.role == Membership.Role.MANAGER and not _other_managers(membership):
        raise TeamRuleBroken(
            "member",
            _("The restaurant's last manager cannot be removed: make another one first."),
        )


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, by: AbstractBaseUser) -> Membership:
    """Change a member's role. A demotion revokes their tokens (which carry the old role)."""
    _lock(membership.restaurant)
    _require_manager(by=by, restaurant=membership.restaurant)
    membership = Membership.objects.select_related("user", "restaurant").get(pk=membership.pk)
    role_change_check(membership=membership, role=role, by=by)
    if role == membership.role:
        return membership
    demoted = ROLE_RANK[role] < ROLE_RANK[membership.role]
    membership.role = role
    membership.save(update_fields=["role"])
    if demoted:
        tokens_revoke_all(user=membership.user)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: AbstractBaseUser) -> None:
    """Take a member off the team: their tokens and page sessions end at once."""
    _lock(membership.restaurant)
    _require_manager(by=by, restaurant=membership.restaurant)
    membership = Membership.objects.select_related("user", "restaurant").get(pk=membership.pk)
    removal_check(membership=membership)
    user = membership.user
    membership.delete()
    tokens_revoke_all(user=user)


@transaction.atomic
def team_require_two_factor(
    *, restaurant: Restaurant, required: bool, by: AbstractBaseUser
) -> None:
    """Whether the restaurant's managers must sign in with two factors (pages send a manager
    without it to the account page to turn it on)."""
    restaurant = _lock(restaurant)
    _require_manager(by=by, restaurant=restaurant)
    if restaurant.require_manager_2fa != required:
        restaurant.require_manager_2fa = required
        restaurant.save(update_fields=["require_manager_2fa", "updated_at"])


SIGNUP_SALT = "restaurants.signup.confirm"
SIGNUP_LINK_SECONDS = 7 * 24 * 3600


def _new_account(*, username: str, email: str, password: str) -> AbstractBaseUser:
    """A user (not saved yet) with a checked username, address and password; ValidationError
    naming the field otherwise."""
    User = get_user_model()
    username = (username or "").strip()
    try:
        User._meta.get_field(User.USERNAME_FIELD).clean(username, None)
    except ValidationError as error:
        raise ValidationError({"username": error.messages}) from None
    if User.objects.filter(**{f"{User.USERNAME_FIELD}__iexact": username}).exists():
        raise TeamRuleBroken("username", _("This username is taken; choose another."))
    user = User(**{User.USERNAME_FIELD: username}, email=email)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    return user


@transaction.atomic
def signup_create(
    *,
    username: str,
    email: str,
    password: str,
    restaurant_name: str,
    time_zone: str,
    country: str,
    opening_time: dt.time,
    closing_time: dt.time,
    table_count: int,
    base_url: str,
) -> Membership:
    """An account, its first restaurant and the manager membership, or nothing (ValidationError
    naming the field). The restaurant takes bookings once the address is confirmed by the
    link mailed after commit (`signup_confirm`)."""
    email = normalize_email(email)
    user = _new_account(username=username, email=email, password=password)
    restaurant = Restaurant(
        name=(restaurant_name or "").strip(),
        time_zone=time_zone,
        country=(country or "").strip().upper(),
        opening_time=opening_time,
        closing_time=closing_time,
        default_table_count=table_count,
        confirmed=False,
    )
    if not restaurant.name:
        raise TeamRuleBroken("restaurant_name", _("Enter the restaurant's name."))
    if not (1 <= (table_count or 0) <= MAX_TABLES):
        raise TeamRuleBroken(
            "table_count", _("Between 1 and %(max)d tables.") % {"max": MAX_TABLES}
        )
    restaurant.full_clean(exclude=["host_choice", "greeting_text", "info_text"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise TeamRuleBroken("username", _("This username is taken; choose another.")) from None
    restaurant.save()
    membership = Membership.objects.create(
        user=user, restaurant=restaurant, role=Membership.Role.MANAGER
    )
    signup_send_confirmation(membership=membership, base_url=base_url)
    return membership


def signup_send_confirmation(*, membership: Membership, base_url: str) -> None:
    """Mail (after commit) the link that confirms the address and opens the restaurant."""
    user, restaurant = membership.user, membership.restaurant
    token = signing.dumps({"r": restaurant.pk, "u": user.pk, "e": user.email}, salt=SIGNUP_SALT)
    transaction.on_commit(
        lambda: send_signup_confirmation(
            user=user, restaurant=restaurant, token=token, base_url=base_url
        )
    )


@transaction.atomic
def signup_confirm(*, token: str) -> Restaurant:
    """Open the restaurant a confirmation link names; TeamRuleBroken for a bad or old link, or
    one whose manager's address has changed since."""
    refused = TeamRuleBroken("token", _("This confirmation link is not valid or has expired."))
    try:
        data = signing.loads(token, salt=SIGNUP_SALT, max_age=SIGNUP_LINK_SECONDS)
    except signing.BadSignature:
        raise refused from None
    restaurant = Restaurant.objects.select_for_update().filter(pk=data.get("r")).first()
    if (
        restaurant is None
        or not Membership.objects.filter(
            restaurant=restaurant,
            user_id=data.get("u"),
            user__email=data.get("e"),
            role=Membership.Role.MANAGER,
        ).exists()
    ):
        raise refused
    if not restaurant.confirmed:
        restaurant.confirmed = True
        restaurant.save(update_fields=["confirmed", "updated_at"])
    return restaurant
