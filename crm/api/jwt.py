"""The API's JWT: who the user is and which restaurants they may reach, with their role.

The claims let the API check a restaurant id without a database query. A membership removed in
admin therefore takes effect when the access token expires (`JWT_ACCESS_MINUTES`), unless the
user's tokens are revoked (`crm.tokens.services.tokens_revoke_all`), which takes effect at once.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from rest_framework.request import Request
from rest_framework_simplejwt.tokens import RefreshToken

from crm.tokens.services import refresh_token_issue, refresh_token_rotate
from restaurants.models import Membership, Restaurant


def claims_for(user: AbstractBaseUser) -> dict:
    """The claims a token of `user` carries about them, as they are now.

    `restaurant_id` is the user's first restaurant, as the v1 token carries one (docs/api-v1.md);
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
    return {
        "username": user.get_username(),
        "restaurant_id": primary,
        "restaurants": {str(pk): role for pk, role in memberships.items()},
        "superuser": bool(user.is_superuser),
    }


def refresh_token_for(user: AbstractBaseUser) -> RefreshToken:
    """A sign-in: a refresh token of a new family (its `.access_token` is the access token)."""
    return refresh_token_issue(user=user)


def refresh_token_renew(raw: str) -> RefreshToken:
    """Fresh tokens for the user a live refresh token names, with their memberships of now.

    The refresh token is spent (see `refresh_token_rotate`). Raises TokenError when it is not
    a live, unused refresh token or its user is gone, deactivated or had their tokens revoked.
    The refresh token handed back keeps the old one's expiry, so a login lasts
    `REFRESH_TOKEN_LIFETIME` however often it is renewed.
    """
    return refresh_token_rotate(raw=raw)


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
    """The restaurant the token is for (the v1 `restaurant_id` claim)."""
    claims = request.auth
    return None if claims is None else claims.get("restaurant_id")
