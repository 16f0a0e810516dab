"""The restaurant a signed-in user is working at, kept in the session.

A user may belong to several restaurants; the sidebar's switcher stores the chosen one. A stale
or foreign id in the session falls back to the first restaurant the user may reach.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from restaurants.models import Restaurant
from restaurants.selectors import can_manage, restaurants_for_user

SESSION_KEY = "restaurant_id"


def choose_restaurant(request: HttpRequest, restaurant: Restaurant) -> None:
    request.session[SESSION_KEY] = restaurant.pk


def resolve_restaurant(request: HttpRequest) -> tuple[Restaurant | None, list[Restaurant]]:
    """The current restaurant and all the user's restaurants (one query)."""
    restaurants = list(restaurants_for_user(user=request.user).order_by("name", "pk"))
    chosen = request.session.get(SESSION_KEY)
    current = next((r for r in restaurants if r.pk == chosen), None)
    if current is None and restaurants:
        current = restaurants[0]
        choose_restaurant(request, current)
    return current, restaurants


def restaurant_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; sets `request.restaurant`, `request.restaurants`, `request.can_manage`."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        current, restaurants = resolve_restaurant(request)
        if current is None:
            return render(request, "restaurants/no_restaurant.html", status=403)
        request.restaurant = current
        request.restaurants = restaurants
        request.can_manage = can_manage(user=request.user, restaurant=current)
        return view(request, *args, **kwargs)

    return wrapper
