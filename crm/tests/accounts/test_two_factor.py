"""Two-factor sign-in: turned on from the account page, asked for by the sign-in page and by
`POST /auth/login`, refused without a right code; recovery codes; in the audit log."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from auditlog.models import LogEntry
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from conftest import PASSWORD, page_client_for


def app_code(user) -> str:
    """What the user's authenticator app shows now."""
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{totp.token():06d}"


def later(seconds: int):
    """A code of a later moment: the one just used cannot be used again (replays are refused),
    and a wrong one makes the next try wait a little (django-otp's throttling)."""
    return time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=seconds))


def turn_on(user) -> list[str]:
    """Through the account page, as its owner would; the recovery codes it shows."""
    client = page_client_for(user)
    client.post("/app/account/two-factor/start/")
    page = client.get("/app/account/").content.decode()
    assert "<svg" in page and 'data-testid="secret"' in page  # the QR, inline
    response = client.post("/app/account/two-factor/confirm/", {"code": app_code(user)})
    assert response.status_code == 200
    return re.findall(r"<li>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</li>", response.content.decode())


def test_turning_it_on_needs_a_right_code_and_gives_recovery_codes(host):
    client = page_client_for(host)
    client.post("/app/account/two-factor/start/")
    wrong = client.post("/app/account/two-factor/confirm/", {"code": "000000"})
    assert wrong.status_code == 200 and 'data-field-error="code"' in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=host, confirmed=True).exists()
    codes = turn_on(host)
    assert len(codes) == 10
    entry = LogEntry.objects.filter(object_pk=str(host.pk)).latest("timestamp")
    assert entry.changes_dict == {"two_factor": ["off", "on"]} and entry.actor == host


def test_page_sign_in_asks_for_the_code(host):
    turn_on(host)
    client = Client()
    response = client.post("/app/login/", {"username": "host", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/app/login/code/"
    assert client.get("/app/bookings/").status_code == 302  # not signed in yet
    wrong = client.post("/app/login/code/", {"code": "123456"})
    assert wrong.status_code == 200 and 'data-field-error="code"' in wrong.content.decode()
    assert client.get("/app/bookings/").status_code == 302
    with later(60):
        right = client.post("/app/login/code/", {"code": app_code(host)})
    assert right.status_code == 302
    assert client.get("/app/bookings/").status_code == 200


def test_a_recovery_code_signs_in_once(host):
    codes = turn_on(host)
    for expected in (302, 200):  # signed in; then the code form again, refused
        client = Client()
        client.post("/app/login/", {"username": "host", "password": PASSWORD})
        assert client.post("/app/login/code/", {"code": codes[0]}).status_code == expected


def test_five_wrong_codes_start_the_sign_in_over(host):
    turn_on(host)
    client = Client()
    client.post("/app/login/", {"username": "host", "password": PASSWORD})
    for _ in range(4):
        refused = client.post("/app/login/code/", {"code": "999999"})
        assert 'data-field-error="code"' in refused.content.decode()
    assert client.post("/app/login/code/", {"code": "999999"})["Location"] == "/app/login/"
    with later(60):
        assert client.post("/app/login/code/", {"code": app_code(host)})["Location"] == (
            "/app/login/"
        )


def test_the_code_step_without_a_password_first_goes_back_to_sign_in(client, db):
    assert client.get("/app/login/code/")["Location"] == "/app/login/"


def test_api_login_answers_otp_required_until_a_right_code_comes(host):
    turn_on(host)
    api = APIClient()
    bare = api.post("/auth/login", {"username": "host", "password": PASSWORD}, format="json")
    assert bare.status_code == 401 and bare.json()["code"] == "otp_required"
    assert bare.has_header("WWW-Authenticate")
    wrong = api.post(
        "/auth/login", {"username": "host", "password": PASSWORD, "otp": "000000"}, format="json"
    )
    assert wrong.status_code == 401 and wrong.json()["code"] == "otp_invalid"
    with later(60):
        right = api.post(
            "/auth/login",
            {"username": "host", "password": PASSWORD, "otp": app_code(host)},
            format="json",
        )
    assert right.status_code == 200 and right.json()["token_type"] == "bearer"
    wrong_password = api.post(
        "/auth/login", {"username": "host", "password": "nope", "otp": "1"}, format="json"
    )
    assert wrong_password.json()["code"] == "login_failed"


def test_without_two_factor_the_api_login_is_as_before(host):
    response = APIClient().post(
        "/auth/login", {"username": "host", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200


def test_turning_it_off_needs_a_code(host):
    turn_on(host)
    client = page_client_for(host)
    refused = client.post("/app/account/two-factor/off/", {"code": "000000"})
    assert 'data-field-error="code"' in refused.content.decode()
    assert TOTPDevice.objects.filter(user=host).exists()
    with later(60):
        client.post("/app/account/two-factor/off/", {"code": app_code(host)})
    assert not TOTPDevice.objects.filter(user=host).exists()
    response = APIClient().post(
        "/auth/login", {"username": "host", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200


def test_a_restaurant_that_requires_it_sends_managers_to_set_it_up(manager, restaurant):
    restaurant.require_manager_2fa = True
    restaurant.save()
    client = page_client_for(manager)
    response = client.get("/app/bookings/")
    assert response.status_code == 302 and response["Location"] == "/app/account/"
    assert client.get("/app/account/").status_code == 200
    turn_on(manager)
    fresh = Client()
    fresh.post("/app/login/", {"username": "manager", "password": PASSWORD})
    with later(60):
        fresh.post("/app/login/code/", {"code": app_code(manager)})
    assert fresh.get("/app/bookings/").status_code == 200


def test_the_team_page_tells_two_factor_changes_in_words(manager, host, restaurant):
    client = page_client_for(manager)
    client.post("/app/team/two-factor/", {"required": "on"})
    restaurant.refresh_from_db()
    assert restaurant.require_manager_2fa
    turn_on(host)
    turn_on(manager)
    with later(60):
        fresh = Client()
        fresh.post("/app/login/", {"username": "manager", "password": PASSWORD})
        fresh.post("/app/login/code/", {"code": app_code(manager)})
        history = fresh.get("/app/team/").content.decode()
    assert "host turned on two-factor sign-in" in history
    assert "manager required two-factor sign-in of managers" in history


def test_a_manager_without_it_where_it_is_required_gets_no_token(manager, restaurant):
    restaurant.require_manager_2fa = True
    restaurant.save()
    api = APIClient()
    refused = api.post("/auth/login", {"username": "manager", "password": PASSWORD}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "otp_setup_required"
    turn_on(manager)
    with later(60):
        signed_in = api.post(
            "/auth/login",
            {"username": "manager", "password": PASSWORD, "otp": app_code(manager)},
            format="json",
        )
    assert signed_in.status_code == 200
