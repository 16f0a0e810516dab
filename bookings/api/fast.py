"""The cached v1 slots read, `GET /bookings/{restaurant_id}/{date}`, answered before Django.

It is the API's hottest request, and when the day is cached its answer is the cache's text
wrapped in three fields. Through Django's handler, the middleware and DRF's dispatch it took
430 µs in one process; answered here, 150 µs. So `crm.wsgi` asks `FastSlotsRead` first, and
it answers only the plain case: a GET without a query string, cookies or an Origin, accepting
JSON, on an allowed host, whose token is valid and live and names the restaurant, for a day the
cache holds. Everything else (a bad token, a day not cached, a redirect to HTTPS, CORS) returns
None and goes through Django as before.

What it answers is what the full chain answers, byte for byte apart from the request id: the
same functions check the token, the path and the language, and
`bookings/tests/test_api_fast_read.py` holds the two side by side for every header.
"""

from __future__ import annotations

import time
from functools import cached_property
from types import SimpleNamespace

from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils import translation
from rest_framework.exceptions import APIException
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken

from bookings.api.views import DaySlotsApi, day_slots_body
from bookings.availability.cache import cached_json
from crm.api.authentication import CachedUserJWTAuthentication
from crm.api.fields import path_date, path_id
from crm.api.jwt import token_role
from crm.api.negotiation import ANY_OR_JSON
from crm.middleware import CSPMiddleware, log_request, request_id
from crm.unavailable import DATABASE_DOWN

PREFIX = "/bookings/"


class FastSlotsRead:
    """Answers a plain cached slots read as a WSGI triple (status, headers, body), or None."""

    def __init__(self) -> None:
        self.auth = CachedUserJWTAuthentication()
        # The full chain's proxy-header check, as Django's request.is_secure() reads it.
        self.proxy_ssl = settings.SECURE_PROXY_SSL_HEADER

    @cached_property
    def fixed_headers(self) -> list[tuple[str, str]]:
        """What every answer carries, from the settings the middleware read them from."""
        view = DaySlotsApi()
        view.setup(None)  # as Django's as_view() does: HEAD is allowed where GET is
        headers = [
            ("Content-Type", "application/json"),
            ("Allow", ", ".join(view.allowed_methods)),  # DRF's, on every answer
            ("Content-Security-Policy", CSPMiddleware.NON_DOCUMENT_POLICY),
            ("X-Frame-Options", settings.X_FRAME_OPTIONS),
            # The locale middleware's and django-cors-headers', in the order they add them.
            ("Vary", "Accept-Language, origin"),
        ]
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            headers.append(("X-Content-Type-Options", "nosniff"))
        if settings.SECURE_REFERRER_POLICY:
            policy = settings.SECURE_REFERRER_POLICY
            if not isinstance(policy, str):
                policy = ",".join(policy)
            headers.append(("Referrer-Policy", policy))
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            headers.append(
                ("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY)
            )
        return headers

    @cached_property
    def hsts(self) -> str | None:
        """Django's Strict-Transport-Security value, sent on secure requests when configured."""
        if not settings.SECURE_HSTS_SECONDS:
            return None
        value = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            value += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            value += "; preload"
        return value

    def is_secure(self, environ: dict) -> bool:
        if self.proxy_ssl:
            header, secure_value = self.proxy_ssl
            if header in environ:
                return environ[header].split(",", 1)[0].strip() == secure_value
        return environ.get("wsgi.url_scheme") == "https"

    def __call__(self, environ: dict) -> tuple[str, list[tuple[str, str]], bytes] | None:
        started = time.perf_counter()
        path = environ.get("PATH_INFO", "")
        if not (
            path.startswith(PREFIX)
            and environ.get("REQUEST_METHOD") == "GET"
            and not environ.get("QUERY_STRING")
            and "HTTP_COOKIE" not in environ
            and "HTTP_ORIGIN" not in environ
            and environ.get("HTTP_ACCEPT", "").strip() in ANY_OR_JSON
        ):
            return None
        parts = path[len(PREFIX) :].split("/")
        if len(parts) != 2 or not path.isascii():
            return None
        secure = self.is_secure(environ)
        if settings.SECURE_SSL_REDIRECT and not secure:
            return None  # Django redirects it
        host, _port = split_domain_port(environ.get("HTTP_HOST", ""))
        if not host or not validate_host(host, settings.ALLOWED_HOSTS):
            return None  # Django answers 400
        try:
            restaurant_id = path_id(parts[0], "restaurant_id")
            day = path_date(parts[1])
            token = self.auth.get_validated_token(environ["HTTP_AUTHORIZATION"][7:].encode())
            user = self.auth.get_user(token)
        except (APIException, AuthenticationFailed, InvalidToken, *DATABASE_DOWN):
            return None  # the full chain says what is wrong (503 for a database down)
        if token_role(SimpleNamespace(auth=token), restaurant_id) is None:
            return None  # 404, by the full chain
        slots = cached_json(restaurant_id, day)
        if slots is None:
            return None  # a miss: the full chain reads the database and fills the cache
        language = translation.get_language_from_request(SimpleNamespace(COOKIES={}, META=environ))
        body = day_slots_body(restaurant_id, day, slots).encode()
        rid = request_id(environ.get("HTTP_X_REQUEST_ID", ""))
        headers = [
            *self.fixed_headers,
            ("Content-Length", str(len(body))),
            ("Content-Language", language),
            ("X-Request-ID", rid),
        ]
        if secure and self.hsts:
            headers.append(("Strict-Transport-Security", self.hsts))
        full_path = environ.get("SCRIPT_NAME", "").rstrip("/") + path  # request.path, as Django's
        log_request(rid, "GET", full_path, 200, started, user.pk)
        return "200 OK", headers, body
