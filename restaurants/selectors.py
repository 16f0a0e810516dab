"""Reads about restaurants and who may reach them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from restaurants.models import Membership, Restaurant


def restaurants_for_user(*, user: AbstractBaseUser) -> QuerySet[Restaurant]:
    """The restaurants a user works at; a superuser works everywhere."""
    if not user.is_authenticated or not user.is_active:
        return Restaurant.objects.none()
    if user.is_superuser:
        return Restaurant.objects.all()
    return Restaurant.objects.filter(memberships__user=user)


def restaurant_for_user(*, user: AbstractBaseUser, restaurant_id: int) -> Restaurant | None:
    """The restaurant if the user may reach it; None both when it is missing and when not theirs."""
    return restaurants_for_user(user=user).filter(pk=restaurant_id).first()


def role_of(*, user: AbstractBaseUser, restaurant: Restaurant) -> str | None:
    if user.is_superuser:
        return Membership.Role.MANAGER
    return (
        Membership.objects.filter(user=user, restaurant=restaurant)
        .values_list("role", flat=True)
        .first()
    )


def can_manage(*, user: AbstractBaseUser, restaurant: Restaurant) -> bool:
    return role_of(user=user, restaurant=restaurant) == Membership.Role.MANAGER
