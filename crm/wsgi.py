"""WSGI entry point, served by granian (`python -m crm.server`, see crm/server.py).

Two Django handlers share the app: pages get every middleware in `settings.MIDDLEWARE`; a
request that carries a bearer token to an API path gets `settings.API_MIDDLEWARE`, without
sessions, CSRF, messages, htmx and sign-in lockouts, which it does not use. That saves about
a fifth of a cached slots read (docs/benchmarks.md).

Before either, the hottest API request, a plain slots read of a cached day, is answered by
`bookings.api.fast` without Django's handler; whatever it does not answer goes on as above.
"""

from __future__ import annotations

import os

from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")


class ApiHandler(WSGIHandler):
    """Django's WSGI handler with the API's middleware (`settings.API_MIDDLEWARE`)."""

    def load_middleware(self, is_async: bool = False) -> None:
        from django.conf import settings

        # Django builds the chain from settings.MIDDLEWARE; this runs once, at start-up,
        # before any request, so the swap is seen by nothing else.
        pages = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.API_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = pages


class Application:
    """Picks the handler for each request by its `Authorization` header and path."""

    def __init__(self) -> None:
        from django.conf import settings

        self.pages = get_wsgi_application()  # sets Django up
        self.api = ApiHandler()
        from bookings.api.fast import FastSlotsRead

        self.fast_read = FastSlotsRead()
        self.page_paths = settings.PAGE_PATH_PREFIXES

    def is_api_call(self, environ: dict) -> bool:
        return environ.get("HTTP_AUTHORIZATION", "").startswith("Bearer ") and not environ.get(
            "PATH_INFO", ""
        ).startswith(self.page_paths)

    def __call__(self, environ: dict, start_response):
        if not self.is_api_call(environ):
            return self.pages(environ, start_response)
        answer = self.fast_read(environ)
        if answer is None:
            return self.api(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]


application = Application()
