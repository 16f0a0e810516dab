"""The WSGI app as the server calls it: a bearer-token request to an API path goes through the
API's middleware (no sessions, CSRF, messages, htmx, lockouts); everything else through all."""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from crm.api.jwt import refresh_token_for
from crm.tests.wsgi import wsgi_call, wsgi_environ
from crm.wsgi import application

pytestmark = pytest.mark.django_db


def call(path: str, *, token: str = "", method: str = "GET", body: bytes = b""):
    status, headers, content = wsgi_call(
        application, wsgi_environ(path, token=token, method=method, body=body)
    )
    return {"status": int(status.split()[0]), "headers": headers, "body": content}


def test_the_api_chain_leaves_out_only_what_pages_use():
    assert [
        name for name in settings.MIDDLEWARE if name not in settings.PAGE_ONLY_MIDDLEWARE
    ] == settings.API_MIDDLEWARE
    assert "django.contrib.sessions.middleware.SessionMiddleware" not in settings.API_MIDDLEWARE
    for kept in (
        "crm.middleware.RequestLogMiddleware",
        "crm.unavailable.DatabaseUnavailableMiddleware",
        "corsheaders.middleware.CorsMiddleware",
        "crm.bad_text.BadTextMiddleware",
        "django.middleware.common.CommonMiddleware",
        "crm.middleware.AuditActorMiddleware",
        "crm.middleware.CSPMiddleware",
    ):
        assert kept in settings.API_MIDDLEWARE


def test_which_requests_take_the_api_chain():
    def environ(path, authorization=""):
        return {"PATH_INFO": path, "HTTP_AUTHORIZATION": authorization}

    assert application.is_api_call(environ("/bookings/1/2030-01-01", "Bearer x"))
    assert application.is_api_call(environ("/bookings", "Bearer x"))
    assert not application.is_api_call(environ("/bookings/1/2030-01-01"))
    assert not application.is_api_call(environ("/bookings", "Basic eDp5"))
    for page in ("/app/bookings/", "/admin/", "/r/some-place/", "/i18n/setlang/", "/static/x"):
        assert not application.is_api_call(environ(page, "Bearer x"))


def test_a_bearer_read_is_answered_through_the_api_chain(host, restaurant, tomorrow):
    token = str(refresh_token_for(host).access_token)
    answer = call(f"/bookings/{restaurant.pk}/{tomorrow.isoformat()}", token=token)
    assert answer["status"] == 200
    assert json.loads(answer["body"])["restaurant_id"] == restaurant.pk
    headers = answer["headers"]
    assert headers["X-Request-ID"]  # logged, with its id
    assert headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert "Set-Cookie" not in headers and "Cookie" not in headers.get("Vary", "")


def test_a_bearer_write_is_audited_with_its_user(host, restaurant, tomorrow):
    from auditlog.models import LogEntry

    token = str(refresh_token_for(host).access_token)
    body = json.dumps(
        {
            "restaurant_id": restaurant.pk,
            "date": tomorrow.isoformat(),
            "time_slot": "12:00",
            "client_name": "Anna",
        }
    ).encode()
    answer = call("/bookings", token=token, method="POST", body=body)
    assert answer["status"] == 201, answer["body"]
    booking_id = json.loads(answer["body"])["booking_id"]
    entry = LogEntry.objects.filter(object_pk=str(booking_id)).first()
    assert entry is not None and entry.actor_id == host.pk


def test_errors_keep_their_shape_on_the_api_chain(host):
    token = str(refresh_token_for(host).access_token)
    answer = call("/bookings/abc/2030-01-01", token=token)
    assert answer["status"] == 400
    assert "detail" in json.loads(answer["body"])
    refused = call("/bookings/1/2030-01-01", token="not-a-token")
    assert refused["status"] == 401
    assert refused["headers"]["WWW-Authenticate"].startswith("Bearer")


def test_a_page_with_a_bearer_header_still_gets_the_whole_chain(host):
    token = str(refresh_token_for(host).access_token)
    answer = call("/app/bookings/", token=token)
    # Pages sign in by session, not by token: to the sign-in page, not a 500.
    assert answer["status"] == 302
    assert answer["headers"]["Location"].startswith("/app/login/")
