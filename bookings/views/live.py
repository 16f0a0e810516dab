"""The poll of open pages: has anything of the restaurant changed since the page was drawn?

The page sends the change version it was drawn at (`bookings.live`). Nothing changed: 204,
and htmx leaves the page alone. Something did: the poller with the new version, and the
page's `bookings-changed` event, on which its parts refresh themselves (an open dialog, the
forms being filled in and the timeline's scroll are left as they are).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_htmx.http import trigger_client_event

from bookings import live
from bookings.views.day import CHANGED_EVENT
from restaurants.current import SESSION_KEY


@never_cache
@require_GET
def live_poll(request: HttpRequest) -> HttpResponse:
    # The restaurant chosen in the session was checked against the user's memberships when
    # it was chosen; a version says nothing about its bookings, so no query more is needed.
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    restaurant_id = request.session.get(SESSION_KEY)
    if not isinstance(restaurant_id, int):
        return HttpResponse(status=204)
    current = live.version(restaurant_id)
    if current is not None and current == request.GET.get("v"):
        return HttpResponse(status=204)
    response = render(request, "bookings/live.html", {"live_version": current or ""})
    # `live`: heard from elsewhere, not an answer to this page's own request (an open
    # booking panel refreshes itself on these only).
    trigger_client_event(response, CHANGED_EVENT, {"live": True})
    return response
