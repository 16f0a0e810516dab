"""A WSGI app called as the server calls it, in a test."""

from __future__ import annotations

import io

from django.core.signals import request_finished, request_started
from django.db import close_old_connections


def wsgi_environ(
    path: str, *, token: str = "", method: str = "GET", body: bytes = b"", **extra: str
) -> dict:
    """A request's environ: `token` as a bearer token, `extra` as more keys (HTTP_…)."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
    }
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return {**environ, **extra}


def wsgi_call(app, environ: dict) -> tuple[str, dict, bytes]:
    """`app`'s status line, headers and body for `environ`."""
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    # As Django's test client does: the test's database connection stays open across the call.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(app(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body
