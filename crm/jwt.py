"""The API's JWT: who the user is and which restaurants they may reach, with their role.

The claims let the API check a restaurant id without a database query, so a cached slots read
costs only the user lookup that simplejwt's authentication makes. A membership removed in admin
therefore takes effect when the access token expires (`JWT_ACCESS_MINUTES`); a deactivated user
is refused at once, since the user is looked up on every request.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken

from restaurants.models import Membership, Restaurant


def refresh_token_for(user: AbstractBaseUser) -> RefreshToken:
    """A refresh token (its `.access_token` is the access token) with our claims.

    `restaurant_id` is the user's first restaurant, as the brief's token carries one;
    `restaurants` maps every restaurant id (as a string) the user works at to their role.
    """
    memberships = dict(
        Membership.objects.filter(user=user)
        .order_by("restaurant_id")
        .values_list("restaurant_id", "role")
    )
    primary = next(iter(memberships), None)
    if primary is None and user.is_superuser:
        primary = Restaurant.objects.order_by("pk").values_list("pk", flat=True).first()
    token = RefreshToken.for_user(user)
    token["username"] = user.get_username()
    token["restaurant_id"] = primary
    token["restaurants"] = {str(pk): role for pk, role in memberships.items()}
    token["superuser"] = bool(user.is_superuser)
    return token


def refresh_token_renew(raw: str) -> RefreshToken:
    """Fresh tokens for the user a valid refresh token names, with their memberships of now.

    Raises TokenError when the token is not a valid, unexpired refresh token or its user is
    gone or deactivated. The refresh token handed back keeps the old one's expiry, so a login
    lasts `REFRESH_TOKEN_LIFETIME` however often it is renewed.
    """
    old = RefreshToken(raw)
    user = (
        get_user_model()
        .objects.filter(**{api_settings.USER_ID_FIELD: old.get(api_settings.USER_ID_CLAIM)})
        .first()
    )
    if user is None or not user.is_active:
        raise TokenError(_("User not found or inactive"))
    token = refresh_token_for(user)
    token["exp"] = old["exp"]
    return token


def token_role(request: Request, restaurant_id: int) -> str | None:
    """The caller's role at a restaurant per their token, or None when they may not reach it.

    A superuser reaches every restaurant as a manager; whether it exists is for the caller to
    find out.
    """
    claims = request.auth
    if claims is None:
        return None
    if claims.get("superuser"):
        return Membership.Role.MANAGER
    return (claims.get("restaurants") or {}).get(str(restaurant_id))


def token_restaurant_id(request: Request) -> int | None:
    """The restaurant the token is for (the brief's `restaurant_id` claim)."""
    claims = request.auth
    return None if claims is None else claims.get("restaurant_id")
