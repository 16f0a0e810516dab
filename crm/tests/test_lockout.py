from __future__ import annotations

import pytest
from rest_framework.test import APIClient

WRONG = {"username": "host", "password": "not-the-password"}
RIGHT = {"username": "host", "password": "s3cret-pass-word"}


def fail_api_logins(client: APIClient, times: int) -> list[int]:
    return [client.post("/auth/login", WRONG, format="json").status_code for _ in range(times)]


def test_api_sign_in_locks_after_five_failures(host, settings):
    client = APIClient()
    assert fail_api_logins(client, 4) == [401] * 4
    locked = client.post("/auth/login", WRONG, format="json")
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    assert "Try again in 15 minutes" in locked.json()["detail"]
    assert locked["Retry-After"] == "900"
    # Even the right password is refused until the cool-off ends.
    right = client.post("/auth/login", RIGHT, format="json")
    assert right.status_code == 429
    assert "access_token" not in right.json()


def test_lockout_is_per_username(host, manager):
    client = APIClient()
    fail_api_logins(client, 5)
    other = client.post(
        "/auth/login", {"username": "manager", "password": "s3cret-pass-word"}, format="json"
    )
    assert other.status_code == 200


def test_a_success_resets_the_count(host):
    client = APIClient()
    fail_api_logins(client, 4)
    assert client.post("/auth/login", RIGHT, format="json").status_code == 200
    assert fail_api_logins(client, 4) == [401] * 4


def test_page_sign_in_locks_too_and_says_so(client, host):
    for _ in range(4):
        response = client.post("/app/login/", WRONG)
        assert response.status_code == 200  # the form again, with its error
    locked = client.post("/app/login/", WRONG)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.text
    assert client.post("/app/login/", RIGHT).status_code == 429


def test_page_and_api_share_one_count(client, host):
    for _ in range(3):
        client.post("/app/login/", WRONG)
    assert fail_api_logins(APIClient(), 2) == [401, 429]


@pytest.mark.django_db(transaction=True)
def test_lockout_holds_when_redis_is_down(host, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    from django.core.cache import caches

    caches._settings = None
    try:
        assert fail_api_logins(APIClient(), 6) == [401] * 4 + [429, 429]
    finally:
        caches._settings = None
