"""Request middleware: a log line per request, the actor of audit-log entries, and the CSP."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from auditlog.middleware import AuditlogMiddleware
from csp.middleware import CSPMiddleware as NonceCSPMiddleware
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

logger = logging.getLogger("crm.request")

# A caller's own request id is kept only when it is short and plain, so it can't forge log lines.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestLogMiddleware:
    """One log line per request, with a request id that is also sent back as `X-Request-ID`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request.request_id = request_id(request.headers.get("X-Request-ID", ""))
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        user = getattr(request, "user", None)
        if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
            # Never looked at: reading it now would query the session, maybe of a database
            # that is down. DRF views set the real user, so API requests still log it.
            user = None
        log_request(
            request.request_id,
            request.method,
            request.path,
            response.status_code,
            started,
            user.pk if user is not None and user.is_authenticated else None,
        )
        return response


def request_id(given: str) -> str:
    """The caller's `X-Request-ID` when it is short and plain, else a new one."""
    return given if _SAFE_ID.match(given) else uuid.uuid4().hex


def log_request(
    request_id: str, method: str, path: str, status: int, started: float, user_id: int | None
) -> None:
    """The request's log line. The path only: query strings may carry personal data; headers
    (tokens) are never logged."""
    logger.info(
        "request_id=%s method=%s path=%s status=%s duration_ms=%.1f user=%s",
        request_id,
        method,
        path,
        status,
        (time.perf_counter() - started) * 1000,
        "-" if user_id is None else user_id,
    )


class AuditActorMiddleware(AuditlogMiddleware):
    """auditlog's middleware, with the actor read when an entry is written, not on arrival.

    API requests authenticate by JWT inside the view, after the middleware has run; reading
    `request.user` lazily records them too. Reads change nothing that is audited, so they skip
    the per-request signal wiring.
    """

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        return super().__call__(request)

    @staticmethod
    def _get_actor(request: HttpRequest):
        def actor():
            user = getattr(request, "user", None)
            if isinstance(user, get_user_model()) and user.is_authenticated:
                return user
            return None

        return SimpleLazyObject(actor)


class CSPMiddleware(NonceCSPMiddleware):
    """django-csp's policy, with its nonce, on HTML documents; a fixed one on everything else.

    JSON, CSV and plain-text answers run no script and load nothing, so they get a policy that
    allows nothing: as safe, and no policy to build on every API request.
    """

    NON_DOCUMENT_POLICY = "default-src 'none'; frame-ancestors 'none'"

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.get("Content-Type", "").startswith("text/html"):
            return super().process_response(request, response)
        response.headers.setdefault("Content-Security-Policy", self.NON_DOCUMENT_POLICY)
        return response
