"""The cached slots read answered before Django (`bookings.api.fast`): the same answer as the
full chain, byte for byte but the request id, and the full chain for everything else."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.api.fast import FastSlotsRead
from bookings.services import booking_create
from crm.api.jwt import refresh_token_for
from crm.tests.wsgi import wsgi_call, wsgi_environ
from crm.tokens.services import tokens_revoke_all
from crm.wsgi import ApiHandler, application

pytestmark = pytest.mark.django_db


def environ_for(path: str, token: str, **extra: str) -> dict:
    return wsgi_environ(path, token=token, **extra)


def full_chain(environ: dict, handler: ApiHandler | None = None) -> tuple[str, dict, bytes]:
    """The answer of Django's API handler, which the fast path stands in for."""
    return wsgi_call(handler or application.api, dict(environ))


def fast(environ: dict, reader: FastSlotsRead | None = None):
    answer = (reader or application.fast_read)(dict(environ))
    if answer is None:
        return None
    status, headers, body = answer
    return status, dict(headers), body


def same_but_the_request_id(fast_answer, full_answer) -> None:
    assert fast_answer is not None, "the fast path stepped aside"
    fast_headers, full_headers = dict(fast_answer[1]), dict(full_answer[1])
    assert fast_headers.pop("X-Request-ID") and full_headers.pop("X-Request-ID")
    assert (fast_answer[0], fast_headers, fast_answer[2]) == (
        full_answer[0],
        full_headers,
        full_answer[2],
    )


@pytest.fixture
def token(host) -> str:
    return str(refresh_token_for(host).access_token)


@pytest.fixture
def path(restaurant, tomorrow) -> str:
    return f"/bookings/{restaurant.pk}/{tomorrow.isoformat()}"


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"HTTP_ACCEPT_LANGUAGE": "ru"},
        {"HTTP_ACCEPT_LANGUAGE": "ru-RU,ru;q=0.9,en;q=0.5"},
        {"HTTP_ACCEPT_LANGUAGE": "de-DE"},  # not ours: the default
        {"HTTP_ACCEPT": "*/*"},
        {"HTTP_ACCEPT": "application/json"},
        {"HTTP_X_REQUEST_ID": "caller-id-1"},
        {"HTTP_HOST": "localhost:8000"},
    ],
    ids=["plain", "ru", "ru-list", "de", "any", "json", "request-id", "host-port"],
)
def test_the_fast_answer_is_the_full_chains(token, path, extra):
    environ = environ_for(path, token, **extra)
    full = full_chain(environ)  # also fills the cache
    assert full[0] == "200 OK"
    answer = fast(environ)
    same_but_the_request_id(answer, full)
    if "HTTP_X_REQUEST_ID" in extra:
        assert answer[1]["X-Request-ID"] == "caller-id-1"


def test_a_superuser_and_a_manager_get_it_too(superuser, manager, path):
    for user in (superuser, manager):
        environ = environ_for(path, str(refresh_token_for(user).access_token))
        full = full_chain(environ)  # first: it fills the cache
        same_but_the_request_id(fast(environ), full)


def test_behind_https_it_sends_hsts_as_django_does(token, path, settings, caplog):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = False
    # Both read the settings when made, as in a server started with them.
    reader, handler = FastSlotsRead(), ApiHandler()
    secure = environ_for(path, token, HTTP_X_FORWARDED_PROTO="https")
    full = full_chain(secure, handler)
    secure["HTTP_X_REQUEST_ID"] = "secure-1"
    with caplog.at_level(logging.INFO, "crm.request"):
        answer = fast(secure, reader)
    same_but_the_request_id(answer, full)
    assert answer[1]["X-Request-ID"] == "secure-1"
    assert caplog.records[-1].getMessage().startswith("request_id=secure-1 method=GET")
    assert answer[1]["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"
    # Plain HTTP is redirected by Django, so the fast path leaves it alone.
    plain = environ_for(path, token)
    assert fast(plain, reader) is None
    assert full_chain(plain, handler)[0].startswith("301")


def test_it_makes_no_query_and_logs_the_request(token, path, host, caplog):
    environ = environ_for(path, token, HTTP_X_REQUEST_ID="logged-1")
    full_chain(environ)  # the cache filled, the token and user known to this process
    caplog.clear()
    with CaptureQueriesContext(connection) as queries, caplog.at_level(logging.INFO, "crm.request"):
        assert fast(environ) is not None
    assert len(queries) == 0
    [line] = [r.getMessage() for r in caplog.records if r.name == "crm.request"]
    assert line.startswith(f"request_id=logged-1 method=GET path={path} status=200 ")
    assert line.endswith(f"user={host.pk}")


@pytest.mark.parametrize(
    "extra",
    [
        {"QUERY_STRING": "party_size=2"},
        {"REQUEST_METHOD": "HEAD"},
        {"REQUEST_METHOD": "DELETE"},
        {"HTTP_ORIGIN": "http://localhost:5173"},  # CORS headers are the chain's to add
        {"HTTP_COOKIE": "django_language=ru"},
        {"HTTP_ACCEPT": "text/html"},  # a 406
        {"HTTP_HOST": "evil.example"},  # a 400
        {"HTTP_AUTHORIZATION": "Bearer not-a-token"},  # a 401
    ],
    ids=["query", "head", "delete", "origin", "cookie", "html", "host", "bad-token"],
)
def test_it_steps_aside_for_anything_but_the_plain_read(token, path, extra):
    full_chain(environ_for(path, token))  # the day is cached
    environ = environ_for(path, token, **extra)
    assert fast(environ) is None
    # …and the whole app still answers it, as the chain does.
    status = []
    b"".join(application(dict(environ), lambda s, h, e=None: status.append(s)))
    assert status[0] == full_chain(environ)[0]


@pytest.mark.parametrize(
    "suffix", ["abc/2030-01-01", "1/2030-13-01", "1/2030-01-01/", "1/2030-01-01/x", "١/2030-01-01"]
)
def test_a_path_that_is_not_a_read_is_the_chains(token, suffix):
    assert fast(environ_for(f"/bookings/{suffix}", token)) is None


def test_it_steps_aside_for_a_restaurant_not_in_the_token(
    token, superuser, other_restaurant, tomorrow
):
    path = f"/bookings/{other_restaurant.pk}/{tomorrow.isoformat()}"
    full_chain(environ_for(path, str(refresh_token_for(superuser).access_token)))  # cached
    assert fast(environ_for(path, token)) is None
    assert full_chain(environ_for(path, token))[0] == "404 Not Found"


def test_a_day_not_cached_goes_to_the_chain_which_caches_it(token, restaurant):
    path = f"/bookings/{restaurant.pk}/{(dt.date.today() + dt.timedelta(days=30)).isoformat()}"
    environ = environ_for(path, token)
    assert fast(environ) is None
    full_chain(environ)
    assert fast(environ) is not None


def test_a_revoked_token_is_refused_by_the_chain(
    token, path, host, django_capture_on_commit_callbacks
):
    environ = environ_for(path, token)
    full_chain(environ)
    assert fast(environ) is not None
    with django_capture_on_commit_callbacks(execute=True):
        tokens_revoke_all(user=host)
    assert fast(environ) is None
    assert full_chain(environ)[0] == "401 Unauthorized"


@pytest.mark.django_db(transaction=True)
def test_a_booking_shows_in_the_next_fast_read(token, path, restaurant, tomorrow):
    environ = environ_for(path, token)
    full_chain(environ)
    before = json.loads(fast(environ)[2])
    booking_create(restaurant=restaurant, date=tomorrow, time_slot="18:00", client_name="Anna")
    # The write dropped the day's key: the chain reads it again, then the fast path has it.
    assert fast(environ) is None
    after = json.loads(full_chain(environ)[2])
    assert json.loads(fast(environ)[2]) == after
    booked = {s["time"]: s["booked"] for s in after["slots"]}
    assert booked["18:00"] == {s["time"]: s["booked"] for s in before["slots"]}["18:00"] + 1


def test_a_database_down_while_checking_the_token_is_the_chains_to_answer(token, path, monkeypatch):
    from django.db import OperationalError

    full_chain(environ_for(path, token))  # the day is cached
    reader = FastSlotsRead()

    def down(validated_token):
        raise OperationalError("connection refused")

    monkeypatch.setattr(reader.auth, "get_user", down)
    assert fast(environ_for(path, token), reader) is None
