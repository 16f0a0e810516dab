"""The restaurant a signed-in user is working at, kept in the session.

A user may belong to several restaurants; the sidebar's switcher stores the chosen one. A stale
or foreign id in the session falls back to the first restaurant the user may reach.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import wraps
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from restaurants.models import Restaurant
from restaurants.selectors import can_manage, restaurants_for_user

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

SESSION_KEY = "restaurant_id"


class PageRequest(HttpRequest):
    """A signed-in page request at a restaurant, as `restaurant_required` hands it to a view."""

    restaurant: Restaurant
    # The user's restaurants for the sidebar's switcher, read only when a full page shows it.
    restaurants: list[Restaurant]
    can_manage: bool
    htmx: HtmxDetails


def choose_restaurant(request: HttpRequest, restaurant: Restaurant) -> None:
    request.session[SESSION_KEY] = restaurant.pk


def resolve_restaurant(request: HttpRequest) -> Restaurant | None:
    """The current restaurant: the session's one if the user may still reach it, else their
    first. One query in the usual case, however many restaurants the user can reach."""
    reachable = restaurants_for_user(user=request.user)
    chosen = request.session.get(SESSION_KEY)
    current = reachable.filter(pk=chosen).first() if isinstance(chosen, int) else None
    if current is None:
        current = reachable.order_by("name", "pk").first()
        if current is not None:
            choose_restaurant(request, current)
    return current


def switcher_choices(request: HttpRequest) -> list[Restaurant]:
    """The user's restaurants by name, ids and names only: the sidebar's switcher."""
    return list(restaurants_for_user(user=request.user).order_by("name", "pk").only("pk", "name"))


def restaurant_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; makes the request a `PageRequest` (its restaurant, the user's
    restaurants, whether they manage it)."""

    @login_required
    @wraps(view)
    def wrapper(request: PageRequest, *args, **kwargs) -> HttpResponse:
        current = resolve_restaurant(request)
        if current is None:
            return render(request, "restaurants/no_restaurant.html", status=403)
        request.restaurant = current
        # Read only by a full page's sidebar; an HTMX partial never queries it.
        request.restaurants = SimpleLazyObject(lambda: switcher_choices(request))
        request.can_manage = can_manage(user=request.user, restaurant=current)
        if (
            current.require_manager_2fa
            and request.can_manage
            and not getattr(view, "two_factor_exempt", False)
            and not request.user.is_verified()
        ):
            messages.info(
                request, _("This restaurant asks its managers to sign in with two factors.")
            )
            return redirect("team:account")
        return view(request, *args, **kwargs)

    return wrapper


def two_factor_exempt(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Inside `restaurant_required`: the view is open to a manager who must still turn on
    two-factor sign-in (the account page, where they do)."""
    view.two_factor_exempt = True
    return view


def manager_required(
    *,
    methods: Collection[str] | None = None,
    message: str = _("Only a manager can do this."),
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """`restaurant_required`, and a 403 saying `message` to anyone but a manager of the current
    restaurant; with `methods`, only those methods are refused (a page hosts may read)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @restaurant_required
        @wraps(view)
        def wrapper(request: PageRequest, *args, **kwargs) -> HttpResponse:
            if not request.can_manage and (methods is None or request.method in methods):
                return HttpResponseForbidden(str(message))
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
