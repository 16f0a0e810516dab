"""Shared fixtures: restaurants, users with roles, and the rules for service-bound tests.

Tests marked `postgres`, `redis` or `browser` need that component. Where it is missing they are
skipped with the reason, except when REQUIRE_SERVICES=1 (CI's PostgreSQL + Redis run), where a
missing component fails them instead, so CI can never pass by skipping.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_configure(config: pytest.Config) -> None:
    # Fast hashing and plain static files (no collectstatic manifest) for tests only.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tasks run in-process as they are sent, whether or not REDIS_URL is set; the tests that
    # start a real worker (crm/tests/worker.py) send them to the broker for their own run.
    from crm.celery import app

    app.conf.task_always_eager = True


def _missing(marker: str) -> str | None:
    if marker == "postgres" and settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        return "needs PostgreSQL: set DB_URL=postgresql://…"
    if marker == "redis" and not settings.REDIS_URL:
        return "needs Redis: set REDIS_URL=redis://…"
    if marker == "browser" and not shutil.which(CHROMIUM):
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    strict = os.environ.get("REQUIRE_SERVICES") == "1"
    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) and (reason := _missing(marker)):
            if strict:
                pytest.fail(f"REQUIRE_SERVICES=1 but this test {reason}")
            pytest.skip(reason)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from crm.api.authentication import forget_all_users

    cache.clear()
    forget_all_users()  # each test's database starts anew; so do the API's cached users
    yield


@pytest.fixture
def restaurant(db):
    from restaurants.models import Restaurant

    return Restaurant.objects.create(
        name="Blue Door", default_table_count=5, time_zone="Europe/Moscow"
    )


@pytest.fixture
def other_restaurant(db):
    from restaurants.models import Restaurant

    return Restaurant.objects.create(name="Elsewhere", default_table_count=3)


def make_user(username: str, *, restaurant=None, role: str = "host", **extra):
    from restaurants.models import Membership

    user = get_user_model().objects.create_user(
        username=username, password="s3cret-pass-word", **extra
    )
    if restaurant is not None:
        Membership.objects.create(user=user, restaurant=restaurant, role=role)
    return user


@pytest.fixture
def host(restaurant):
    return make_user("host", restaurant=restaurant, role="host")


@pytest.fixture
def manager(restaurant):
    return make_user("manager", restaurant=restaurant, role="manager")


@pytest.fixture
def tomorrow(restaurant) -> dt.date:
    return restaurant.today() + dt.timedelta(days=1)


@pytest.fixture
def service_day(restaurant):
    """Today, with the clock at 10:00 in the restaurant and running: every slot of the day is
    still to come, so its bookings may be made, seated, completed or marked no-show whenever
    the tests run. Ask for it before any fixture that signs in (a token is stamped with the
    clock it was made by)."""
    import time_machine

    start = dt.datetime.combine(restaurant.today(), dt.time(10, 0), tzinfo=restaurant.tz)
    with time_machine.travel(start, tick=True):
        yield start.date()


PASSWORD = "s3cret-pass-word"


def api_login(client, username: str, password: str = PASSWORD) -> dict:
    """Sign in through `POST /auth/login` and send the token from now on; the login answer."""
    response = client.post(
        "/auth/login", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access_token']}")
    return response.json()


def api_client_for(user, password: str = PASSWORD):
    """A DRF test client holding a real token of `user`, got from `/auth/login`."""
    from rest_framework.test import APIClient

    client = APIClient()
    api_login(client, user.get_username(), password)
    return client


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        username="root", password=PASSWORD, email="root@example.com"
    )


@pytest.fixture
def host_api(host):
    return api_client_for(host)


@pytest.fixture
def manager_api(manager):
    return api_client_for(manager)


def page_client_for(user):
    """A Django test client signed in as `user`, as a browser is after the sign-in page."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def host_client(host):
    return page_client_for(host)


@pytest.fixture
def manager_client(manager):
    return page_client_for(manager)


@pytest.fixture
def anon_api():
    from rest_framework.test import APIClient

    return APIClient()


class BrowserErrors:
    """What a page did wrong: JavaScript errors and requests that left the server's origin."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.console: list[str] = []
        self.offsite: list[str] = []

    def on_console(self, message) -> None:
        if message.type == "error":
            self.console.append(message.text)

    def on_request(self, request) -> None:
        url = request.url
        if not (url.startswith(self.origin + "/") or url == self.origin or url.startswith("data:")):
            self.offsite.append(url)


@pytest.fixture
def page(live_server, monkeypatch):
    """A headless Chromium page on the live server. Fails the test on any JavaScript error or
    any request to another origin (the pages must work offline, with no CDN)."""
    # Sync Playwright runs an event loop in this thread; the ORM calls the test makes meanwhile
    # are still plain synchronous calls. Only for this test: `check --deploy` refuses the flag.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    errors = BrowserErrors(live_server.url)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(
            viewport={"width": 1366, "height": 768}, locale="en-US", base_url=live_server.url
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on("console", errors.on_console)
        page.on("pageerror", lambda exc: errors.console.append(str(exc)))
        page.on("request", errors.on_request)
        page.errors = errors
        yield page
        context.close()
        browser.close()
    assert not errors.console, f"JavaScript errors: {errors.console}"
    assert not errors.offsite, f"requests left {live_server.url}: {errors.offsite}"


def sign_in(page, username: str = "host", password: str = "s3cret-pass-word") -> None:
    page.goto("/app/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/app/bookings/")
