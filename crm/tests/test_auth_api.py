"""Sign-in and the bearer token: the brief's login shape, and every way a token is refused."""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest
import time_machine
from django.conf import settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from conftest import PASSWORD, api_client_for, api_login, make_user
from crm.api.errors import api_exception_handler

# One request per protected endpoint, each valid but for the token.
PROTECTED = [
    ("get", "/bookings/{rid}/2030-01-01", None),
    ("post", "/bookings", {"restaurant_id": 1, "date": "2030-01-01", "time_slot": "18:00"}),
    ("get", "/bookings/1", None),
    ("patch", "/bookings/1", {"notes": "x"}),
    ("post", "/bookings/1/status", {"status": "seated"}),
    ("post", "/bookings/1/cancel", None),
    ("get", "/restaurants/{rid}/settings", None),
    ("put", "/restaurants/{rid}/settings", {"greeting_text": "Hi"}),
    ("get", "/restaurants/{rid}/bookings", None),
]


def call(client, method, url, body, restaurant):
    return getattr(client, method)(url.format(rid=restaurant.pk), body, format="json")


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def assert_refused(response, reason: str | None = None):
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response["Content-Type"] == "application/json"
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    if reason:
        assert reason in detail


def test_login_answers_the_briefs_token_shape(host, restaurant):
    response = APIClient().post(
        "/auth/login", {"username": "host", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == settings.JWT_ACCESS_MINUTES * 60
    claims = AccessToken(body["access_token"])
    assert str(claims["user_id"]) == str(host.pk)
    assert claims["username"] == "host"
    assert claims["restaurant_id"] == restaurant.pk
    assert claims["restaurants"] == {str(restaurant.pk): "host"}


def test_the_briefs_admin_logs_in_with_the_default_password(db):
    body = api_login(APIClient(), settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
    assert AccessToken(body["access_token"])["restaurant_id"] == 1


def test_token_is_signed_with_jwt_secret_and_algorithm(host):
    body = api_login(APIClient(), "host")
    header = json.loads(base64.urlsafe_b64decode(body["access_token"].split(".")[0] + "=="))
    assert header["alg"] == settings.JWT_ALGORITHM == "HS256"
    assert settings.SIMPLE_JWT["SIGNING_KEY"] == settings.JWT_SECRET


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "host", "password": "wrong"},
        {"username": "nobody", "password": PASSWORD},
    ],
)
def test_wrong_credentials_answer_401_with_bearer_challenge(host, credentials):
    response = APIClient().post("/auth/login", credentials, format="json")
    assert_refused(response, "Incorrect username or password.")
    assert "access_token" not in response.json()


def test_inactive_user_cannot_log_in(host):
    host.is_active = False
    host.save()
    assert_refused(
        APIClient().post("/auth/login", {"username": "host", "password": PASSWORD}, format="json")
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": PASSWORD}, "username"),
        ({"username": "host"}, "password"),
        ({"username": "", "password": PASSWORD}, "username"),
        ({"username": 5, "password": PASSWORD}, "username"),
        ({"username": "host", "password": ["x"]}, "password"),
    ],
)
def test_login_with_missing_or_wrong_type_fields_answers_400(host, body, field):
    response = APIClient().post("/auth/login", body, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}: ")
    assert field in response.json()["errors"]


def test_login_accepts_a_form_too(host):
    response = APIClient().post(
        "/auth/login",
        urlencode({"username": "host", "password": PASSWORD}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"


def test_login_ignores_a_stale_authorization_header(host):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer expired.or.garbage")
    response = client.post("/auth/login", {"username": "host", "password": PASSWORD}, format="json")
    assert response.status_code == 200


def test_login_with_malformed_json_answers_400(db):
    response = APIClient().post("/auth/login", "{oops", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The request body is not valid JSON")


@pytest.mark.parametrize(("method", "url", "body"), PROTECTED)
def test_every_endpoint_but_login_needs_a_token(restaurant, method, url, body):
    response = call(APIClient(), method, url, body, restaurant)
    assert_refused(response, "Authentication credentials were not provided.")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer a b",
        "Bearer not-a-jwt",
        "Bearer eyJhbGciOiJIUzI1NiJ9.e30.",
        "Bearer " + "a" * 5000,
    ],
)
@pytest.mark.parametrize(("method", "url", "body"), PROTECTED)
def test_malformed_token_answers_401(restaurant, header, method, url, body):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert_refused(call(client, method, url, body, restaurant))


def test_tampered_signature_answers_401(host, restaurant):
    token = api_login(APIClient(), "host")["access_token"]
    head, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["superuser"] = True  # a host making themselves superuser
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {head}.{b64(claims)}.{signature}")
    assert_refused(client.get(f"/restaurants/{restaurant.pk}/settings"), "Token is invalid")

    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {head}.{payload}.{flipped}")
    assert_refused(client.get(f"/restaurants/{restaurant.pk}/settings"))


def test_token_signed_with_another_secret_answers_401(host, restaurant):
    import jwt

    claims = dict(AccessToken.for_user(host).payload)
    forged = jwt.encode(claims, "not-our-secret-" + "x" * 32, algorithm="HS256")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert_refused(client.get(f"/bookings/{restaurant.pk}/2030-01-01"))


def test_alg_none_token_answers_401(host, restaurant):
    claims = dict(AccessToken.for_user(host).payload)
    claims["restaurants"] = {str(restaurant.pk): "manager"}
    unsigned = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {unsigned}")
    assert_refused(client.get(f"/restaurants/{restaurant.pk}/settings"))


def test_expired_token_answers_401(host, restaurant):
    client = api_client_for(host)
    url = f"/bookings/{restaurant.pk}/2030-01-01"
    assert client.get(url).status_code == 200
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=settings.JWT_ACCESS_MINUTES + 1)
    with time_machine.travel(later):
        assert_refused(client.get(url), "Token is expired")


def test_token_lifetime_is_jwt_access_minutes(host):
    body = api_login(APIClient(), "host")
    claims = AccessToken(body["access_token"])
    assert claims["exp"] - claims["iat"] == body["expires_in"] == settings.JWT_ACCESS_MINUTES * 60


def test_token_lifetime_is_configurable_from_the_environment():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from rest_framework_simplejwt.tokens import AccessToken; print(AccessToken.lifetime)",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "JWT_ACCESS_MINUTES": "5"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1] == "0:05:00", result.stderr


def test_deactivated_user_is_refused_at_once(host, restaurant):
    client = api_client_for(host)
    host.is_active = False
    host.save()
    assert_refused(client.get(f"/bookings/{restaurant.pk}/2030-01-01"))


def test_refresh_token_is_not_an_access_token(host, restaurant):
    body = api_login(APIClient(), "host")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['refresh_token']}")
    assert_refused(client.get(f"/bookings/{restaurant.pk}/2030-01-01"))


def test_refresh_gives_a_token_with_the_roles_of_now(host, restaurant, other_restaurant):
    body = api_login(APIClient(), "host")
    from restaurants.models import Membership

    Membership.objects.create(user=host, restaurant=other_restaurant, role="manager")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer stale")  # ignored here, as at login
    response = client.post("/auth/refresh", {"refresh_token": body["refresh_token"]}, format="json")
    assert response.status_code == 200
    renewed = response.json()
    assert renewed["token_type"] == "bearer"
    assert AccessToken(renewed["access_token"])["restaurants"] == {
        str(restaurant.pk): "host",
        str(other_restaurant.pk): "manager",
    }
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {renewed['access_token']}")
    assert client.get(f"/restaurants/{other_restaurant.pk}/settings").status_code == 200


@pytest.mark.parametrize("which", ["access", "garbage", "expired", "inactive"])
def test_refresh_refuses_what_is_not_a_live_refresh_token(host, which):
    body = api_login(APIClient(), "host")
    token = {"access": body["access_token"], "garbage": "x.y.z"}.get(which, body["refresh_token"])
    if which == "inactive":
        host.is_active = False
        host.save()
    when = dt.datetime.now(dt.UTC) + (
        dt.timedelta(days=2) if which == "expired" else dt.timedelta()
    )
    with time_machine.travel(when):
        response = APIClient().post("/auth/refresh", {"refresh_token": token}, format="json")
    assert_refused(response)


def test_refresh_keeps_the_sign_ins_expiry(host):
    from rest_framework_simplejwt.tokens import RefreshToken

    first = api_login(APIClient(), "host")["refresh_token"]
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=5)):
        response = APIClient().post("/auth/refresh", {"refresh_token": first}, format="json")
    assert (
        RefreshToken(response.json()["refresh_token"], verify=False)["exp"]
        == (RefreshToken(first)["exp"])
    )


def test_tokens_of_two_users_reach_only_their_own(restaurant, other_restaurant):
    alice = api_client_for(make_user("alice", restaurant=restaurant))
    bob = api_client_for(make_user("bob", restaurant=other_restaurant))
    assert alice.get(f"/restaurants/{restaurant.pk}/settings").status_code == 200
    assert alice.get(f"/restaurants/{other_restaurant.pk}/settings").status_code == 404
    assert bob.get(f"/restaurants/{other_restaurant.pk}/settings").status_code == 200
    assert bob.get(f"/restaurants/{restaurant.pk}/settings").status_code == 404


def test_an_unexpected_error_answers_json_500_and_is_logged(caplog):
    with caplog.at_level(logging.ERROR, logger="crm.api"):
        response = api_exception_handler(RuntimeError("boom"), {"request": None})
    assert response.status_code == 500
    assert response.data["detail"].startswith("Something went wrong")
    assert "boom" not in json.dumps(response.data)
    assert "RuntimeError: boom" in caplog.text
