"""Tokens that can be revoked: deactivation, password changes, sign out everywhere, refresh
rotation with reuse detection; durable in the database, read from the cache."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from conftest import PASSWORD, api_client_for, api_login, make_user
from crm.api.authentication import forget_all_users
from crm.tests.test_faults import server_database_url
from crm.tokens.models import IssuedRefreshToken
from crm.tokens.selectors import RECENT_SECONDS, REVOKED, forget_recent_answers, user_key
from crm.tokens.services import tokens_revoke_all

ROOT = Path(__file__).resolve().parents[2]
# Committed, as in production: a revocation reaches the cache when its transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)


def slots_url(restaurant, day) -> str:
    return f"/bookings/{restaurant.pk}/{day.isoformat()}"


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def refresh(token: str):
    return APIClient().post("/auth/refresh", {"refresh_token": token}, format="json")


def assert_refused(response) -> None:
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"].startswith("Bearer")


# --- deactivation and deletion --------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.redis
def test_a_user_deactivated_by_another_process_is_refused_within_a_second(
    host, restaurant, tomorrow
):
    client = api_client_for(host)
    assert client.get(slots_url(restaurant, tomorrow)).status_code == 200  # user kept here
    accepted = time.monotonic()
    # Another worker (a process of its own, on the same database and Redis) deactivates.
    code = (
        "from django.contrib.auth import get_user_model; "
        "u = get_user_model().objects.get(username='host'); u.is_active = False; u.save()"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**os.environ, "DB_URL": server_database_url(), "REDIS_URL": settings.REDIS_URL},
        check=True,
        capture_output=True,
        timeout=120,
    )
    # This worker trusts its "live" answer for RECENT_SECONDS, then asks the shared cache.
    time.sleep(max(0.0, accepted + RECENT_SECONDS - time.monotonic()))
    assert_refused(client.get(slots_url(restaurant, tomorrow)))


def test_a_worker_trusts_its_live_answer_for_a_second_and_its_own_revocation_not_at_all(
    host, restaurant, tomorrow
):
    client = api_client_for(host)
    url = slots_url(restaurant, tomorrow)
    assert client.get(url).status_code == 200
    accepted = time.monotonic()
    # Another worker revokes: what reaches this one is the shared cache's marker.
    cache.set(user_key(host.pk, 0), REVOKED)
    if time.monotonic() - accepted < RECENT_SECONDS / 2:
        assert client.get(url).status_code == 200  # its answer of a moment ago stands
    time.sleep(max(0.0, accepted + RECENT_SECONDS - time.monotonic()))
    assert_refused(client.get(url))
    # A revocation made in this worker is refused at once, answer of a moment ago or not.
    other = make_user("other-host", restaurant=restaurant, role="host")
    other_client = api_client_for(other)
    assert other_client.get(url).status_code == 200
    tokens_revoke_all(user=other)
    assert_refused(other_client.get(url))


def test_a_deactivated_user_is_refused_even_by_a_worker_that_kept_them(host, restaurant, tomorrow):
    client = api_client_for(host)
    assert client.get(slots_url(restaurant, tomorrow)).status_code == 200
    # As another worker does: the row changes, this worker's signal never fires.
    get_user_model().objects.filter(pk=host.pk).update(is_active=False)
    tokens_revoke_all(user=host)
    assert_refused(client.get(slots_url(restaurant, tomorrow)))


def test_a_deleted_user_is_refused_at_once(host, restaurant, tomorrow):
    client = api_client_for(host)
    assert client.get(slots_url(restaurant, tomorrow)).status_code == 200
    host.delete()
    assert_refused(client.get(slots_url(restaurant, tomorrow)))


def test_a_reactivated_user_signs_in_again_and_is_served(host, restaurant, tomorrow):
    old = api_client_for(host)
    host.is_active = False
    host.save()
    host.is_active = True
    host.save()
    assert_refused(old.get(slots_url(restaurant, tomorrow)))
    assert api_client_for(host).get(slots_url(restaurant, tomorrow)).status_code == 200


# --- password changes -----------------------------------------------------------------------


def test_a_password_change_revokes_access_and_refresh_tokens(host, restaurant, tomorrow):
    body = api_login(APIClient(), "host")
    client = bearer(body["access_token"])
    assert client.get(slots_url(restaurant, tomorrow)).status_code == 200
    host.set_password("a-new-pass-word-9")
    host.save()
    assert_refused(client.get(slots_url(restaurant, tomorrow)))
    assert_refused(refresh(body["refresh_token"]))
    fresh = api_client_for(host, "a-new-pass-word-9")
    assert fresh.get(slots_url(restaurant, tomorrow)).status_code == 200


def test_a_password_changed_in_the_admin_revokes_the_users_tokens(
    host, superuser, restaurant, tomorrow
):
    body = api_login(APIClient(), "host")
    admin = Client()
    admin.force_login(superuser)
    response = admin.post(
        f"/admin/auth/user/{host.pk}/password/",
        {"password1": "a-new-pass-word-9", "password2": "a-new-pass-word-9"},
    )
    assert response.status_code == 302, response.content
    assert_refused(bearer(body["access_token"]).get(slots_url(restaurant, tomorrow)))
    assert_refused(refresh(body["refresh_token"]))


def test_saving_a_user_without_a_credential_change_revokes_nothing(host, restaurant, tomorrow):
    client = api_client_for(host)
    host.first_name = "Renamed"
    host.save()
    assert client.get(slots_url(restaurant, tomorrow)).status_code == 200


# --- sign out everywhere --------------------------------------------------------------------


def test_sign_out_everywhere_in_the_api_revokes_every_token_of_the_user(
    host, manager, restaurant, tomorrow
):
    phone, laptop = api_login(APIClient(), "host"), api_login(APIClient(), "host")
    others = api_client_for(manager)
    response = bearer(phone["access_token"]).post("/auth/logout-all")
    assert response.status_code == 204
    for body in (phone, laptop):
        assert_refused(bearer(body["access_token"]).get(slots_url(restaurant, tomorrow)))
        assert_refused(refresh(body["refresh_token"]))
    assert others.get(slots_url(restaurant, tomorrow)).status_code == 200
    assert api_client_for(host).get(slots_url(restaurant, tomorrow)).status_code == 200


def test_sign_out_everywhere_needs_a_token(db):
    assert_refused(APIClient().post("/auth/logout-all"))


def test_sign_out_everywhere_on_the_page_ends_every_session_and_token(host, restaurant, tomorrow):
    here = Client(enforce_csrf_checks=True)
    here.get("/app/login/")
    signed_in = here.post(
        "/app/login/",
        {
            "username": "host",
            "password": PASSWORD,
            "csrfmiddlewaretoken": here.cookies["csrftoken"].value,
        },
    )
    assert signed_in.status_code == 302
    elsewhere = Client()
    elsewhere.force_login(host)
    api = api_client_for(host)
    page = here.get("/app/bookings/")
    assert page.status_code == 200
    assert "Sign out everywhere" in page.content.decode()

    assert here.post("/app/logout-all/").status_code == 403  # no CSRF token: nothing happens
    assert elsewhere.get("/app/bookings/").status_code == 200

    response = here.post(
        "/app/logout-all/",
        {"csrfmiddlewaretoken": here.cookies["csrftoken"].value},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/app/login/"
    assert "You are signed out everywhere." in response.content.decode()
    for client in (here, elsewhere):
        gone = client.get("/app/bookings/")
        assert gone.status_code == 302 and gone["Location"].startswith("/app/login/")
    assert_refused(api.get(slots_url(restaurant, tomorrow)))


def test_a_page_session_from_before_versions_counts_as_version_zero(host):
    client = Client()
    client.force_login(host)
    session = client.session
    del session["_tokens_version"]
    session.save()
    assert client.get("/app/bookings/").status_code == 200
    tokens_revoke_all(user=host)
    assert client.get("/app/bookings/").status_code == 302


def test_the_revoke_service_signs_the_user_out_of_pages(host_client, host):
    assert host_client.get("/app/bookings/").status_code == 200
    tokens_revoke_all(user=host)
    assert host_client.get("/app/bookings/").status_code == 302


# --- refresh rotation -----------------------------------------------------------------------


def test_refresh_rotates_the_refresh_token(host, restaurant, tomorrow):
    first = api_login(APIClient(), "host")
    response = refresh(first["refresh_token"])
    assert response.status_code == 200
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert refresh(second["refresh_token"]).status_code == 200
    # The access token of before is still good until it expires: only the refresh token is spent.
    assert bearer(first["access_token"]).get(slots_url(restaurant, tomorrow)).status_code == 200
    assert_refused(refresh(first["refresh_token"]))  # spent


def test_reusing_a_rotated_refresh_token_revokes_its_family(host, restaurant, tomorrow):
    first = api_login(APIClient(), "host")
    other_sign_in = api_login(APIClient(), "host")
    second = refresh(first["refresh_token"]).json()
    third = refresh(second["refresh_token"]).json()

    reused = refresh(first["refresh_token"])
    assert_refused(reused)
    assert reused.json()["code"] == "token_not_valid"

    assert_refused(refresh(third["refresh_token"]))
    for body in (first, second, third):
        assert_refused(bearer(body["access_token"]).get(slots_url(restaurant, tomorrow)))
    family = RefreshToken(first["refresh_token"])["fam"]
    assert not IssuedRefreshToken.objects.filter(family=family, revoked_at=None).exists()
    # Another sign-in of the same user is another family, untouched.
    other = bearer(other_sign_in["access_token"])
    assert other.get(slots_url(restaurant, tomorrow)).status_code == 200
    assert refresh(other_sign_in["refresh_token"]).status_code == 200


def test_a_refresh_token_from_before_rotation_is_honoured_once(host, restaurant, tomorrow):
    legacy = RefreshToken.for_user(host)  # no `ver` or `fam` claim, no row: as issued before
    legacy["restaurants"] = {str(restaurant.pk): "host"}
    response = refresh(str(legacy))
    assert response.status_code == 200
    renewed = bearer(response.json()["access_token"])
    assert renewed.get(slots_url(restaurant, tomorrow)).status_code == 200
    assert_refused(refresh(str(legacy)))
    assert_refused(refresh(response.json()["refresh_token"]))  # reuse revoked the family


def test_a_refresh_token_from_before_rotation_of_a_deleted_user_is_refused(host):
    legacy = str(RefreshToken.for_user(host))
    host.delete()
    assert_refused(refresh(legacy))
    assert not IssuedRefreshToken.objects.exists()


def test_an_access_token_from_before_versions_lasts_until_revoked(host, restaurant, tomorrow):
    legacy = AccessToken.for_user(host)
    legacy["restaurants"] = {str(restaurant.pk): "host"}
    client = bearer(str(legacy))
    assert client.get(slots_url(restaurant, tomorrow)).status_code == 200
    tokens_revoke_all(user=host)
    assert_refused(client.get(slots_url(restaurant, tomorrow)))


@pytest.mark.postgres
def test_two_concurrent_refreshes_with_one_token_give_exactly_one_success(host):
    assert connection.vendor == "postgresql"
    token = api_login(APIClient(), "host")["refresh_token"]
    attempts = 8
    start = threading.Barrier(attempts)
    statuses: list[int] = []

    def attempt() -> None:
        try:
            start.wait()
            statuses.append(refresh(token).status_code)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=attempt) for _ in range(attempts)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(statuses) == [200] + [401] * (attempts - 1)
    # The token was used twice: its sign-in is revoked, the winner's new tokens with it.
    family = RefreshToken(token)["fam"]
    assert IssuedRefreshToken.objects.filter(family=family).count() == 2
    assert not IssuedRefreshToken.objects.filter(family=family, revoked_at=None).exists()


# --- durable, and cheap on the hot path -----------------------------------------------------


def test_a_revocation_survives_a_cache_flush(host, restaurant, tomorrow):
    body = api_login(APIClient(), "host")
    tokens_revoke_all(user=host)
    cache.clear()
    forget_all_users()  # as a restarted worker
    assert_refused(bearer(body["access_token"]).get(slots_url(restaurant, tomorrow)))
    assert_refused(refresh(body["refresh_token"]))


def test_a_family_revocation_survives_a_cache_flush(host, restaurant, tomorrow):
    first = api_login(APIClient(), "host")
    second = refresh(first["refresh_token"]).json()
    refresh(first["refresh_token"])  # reused: the family is revoked
    cache.clear()
    forget_all_users()
    assert_refused(bearer(second["access_token"]).get(slots_url(restaurant, tomorrow)))


def test_the_cached_read_still_makes_no_query_after_a_cache_miss_is_filled(
    host, restaurant, tomorrow
):
    client = api_client_for(host)
    url = slots_url(restaurant, tomorrow)
    assert client.get(url).status_code == 200
    cache.delete_many([k for k in (f"tokens:user:{host.pk}:0",)])
    forget_recent_answers()  # as once this worker's second of trust is up
    with CaptureQueriesContext(connection) as refill:
        assert client.get(url).status_code == 200  # the token state is read and kept again
    assert len(refill) >= 1
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == 0


def test_with_redis_unreachable_revocation_is_read_from_the_database(
    host, restaurant, tomorrow, settings
):
    body = api_login(APIClient(), "host")
    client = bearer(body["access_token"])
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5},
        }
    }
    assert client.get(slots_url(restaurant, tomorrow)).status_code == 200
    assert bearer(body["access_token"]).post("/auth/logout-all").status_code == 204
    assert_refused(client.get(slots_url(restaurant, tomorrow)))
    assert_refused(refresh(body["refresh_token"]))


def test_another_users_revocation_leaves_a_user_alone(host, restaurant, tomorrow):
    client = api_client_for(host)
    tokens_revoke_all(user=make_user("other", restaurant=restaurant))
    assert client.get(slots_url(restaurant, tomorrow)).status_code == 200
