"""The database is down: answer 503 with `Retry-After`, not 500, and drop the broken connection.

Also Django's own error answers (400, 404, 500) for requests no API view handled: JSON on the
API's paths (its URL namespace), as every other API error, and the usual pages elsewhere.

A request that meets an unreachable or restarting PostgreSQL gets JSON on API paths and a short
page elsewhere. The connection it broke is closed here, so the thread's next request opens a
fresh one (`CONN_HEALTH_CHECKS` catches the ones that broke while idle). Nothing needs a restart.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, URLResolver, get_resolver, resolve
from django.utils.translation import gettext as _
from django.views.defaults import bad_request, page_not_found, server_error

logger = logging.getLogger("crm.database")

# What a driver raises when the server is gone, refuses us or drops the connection mid-query.
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


@functools.cache
def _api_first_segments() -> frozenset[str]:
    """The first segments of the API's paths ("auth", "bookings", …), read off its URLconf."""
    resolver = next(
        pattern
        for pattern in get_resolver().url_patterns
        if isinstance(pattern, URLResolver) and pattern.namespace == "api"
    )
    return frozenset(str(pattern.pattern).split("/", 1)[0] for pattern in resolver.url_patterns)


def is_api_path(path: str) -> bool:
    """Whether errors on this path answer JSON: it is in the API's namespace (crm/api/urls.py).

    A path that matches nothing is the API's when it starts as the API's paths do
    (`/bookings/1/2/3`, say), so a client mistyping one still gets JSON; any other is a page's.
    """
    try:
        return "api" in resolve(path).namespaces
    except Resolver404:
        return path.lstrip("/").split("/", 1)[0] in _api_first_segments()


def discard_broken_connections() -> None:
    """Close every connection of this thread that no longer answers.

    Inside a transaction (the test suite's) the connection is left alone: closing it there
    would lose the transaction, and nothing in a request runs inside one by the time its
    error reaches us.
    """
    for connection in connections.all(initialized_only=True):
        if connection.connection is None or connection.in_atomic_block:
            continue
        if not connection.is_usable():
            connection.close()


def unavailable_body() -> dict[str, str]:
    return {
        "detail": _("The database is unavailable. Please try again in a few seconds."),
        "code": "database_unavailable",
    }


def database_unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    logger.warning("Database unavailable on %s %s: %s", request.method, request.path, exc)
    discard_broken_connections()
    if not is_api_path(request.path_info):
        # A page of its own, not base.html: that one reads the user and restaurant from the
        # database that just failed.
        response = HttpResponse(render_to_string("503.html", request=None), status=503)
    else:
        response = JsonResponse(unavailable_body(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Turns a view's database outage into a 503 (DRF views go through `crm.api.errors`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, DATABASE_DOWN):
            return database_unavailable_response(request, exc)
        return None


def _api_error(detail: str, code: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


def handler400(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request Django refuses before any view (a forged Host header, say): JSON on the API."""
    if not is_api_path(request.path_info):
        return bad_request(request, exception)
    return _api_error(_("The request could not be read."), "bad_request", 400)


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A path that names nothing: JSON on the API, the usual page elsewhere."""
    if not is_api_path(request.path_info):
        return page_not_found(request, exception)
    return _api_error(_("Nothing lives at this address."), "not_found", 404)


def handler500(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, except for an outage raised outside a view (a session save, say)."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_DOWN):
        return database_unavailable_response(request, exc)
    if is_api_path(request.path_info):
        return _api_error(_("Something went wrong on our side. Please try again."), "error", 500)
    return server_error(request)
