"""Faults, against the real production server: `python -m crm.server` (crm/server.py).

Each test starts its own server on a free port, pointed at the test database (data is
committed: transactional tests), and breaks something under it: its own Redis, a proxy in
front of PostgreSQL, one of its workers. The machine's shared PostgreSQL and Redis are never
stopped. No timing is asserted; waits poll with generous limits.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from bookings.availability import tables_on
from bookings.models import Booking
from bookings.services import booking_create
from conftest import PASSWORD, make_user
from crm.tests.server import (
    ROOT,
    TIMEOUT,
    Server,
    production_server,
    server_database_url,
    wait_for,
)
from crm.tests.tcp_proxy import TCPProxy, free_port


@pytest.fixture(scope="session")
def collected_static() -> None:
    """Pages link to static files through whitenoise's manifest, as in production."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        check=True,
        timeout=300,
    )


# --- Redis ----------------------------------------------------------------------------------


@contextmanager
def redis_server(port: int) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen(
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import redis

        client = redis.Redis(port=port, socket_timeout=1)
        wait_for(lambda: client.ping(), f"redis-server on port {port}")
        client.close()
        yield process
    finally:
        process.kill()
        process.wait(10)


@pytest.fixture
def host_with_data(restaurant, tomorrow):
    """A host of a 5-table restaurant with one booking tomorrow at 18:00, all committed."""
    user = make_user("faults-host", restaurant=restaurant, role="host")
    # The suite hashes with MD5 for speed; the server knows only the production hashers.
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    booking_create(restaurant=restaurant, date=tomorrow, time_slot="18:00", client_name="Anna")
    return user


def slot(slots: list[dict], time_slot: str) -> dict:
    return next(s for s in slots if s["time"] == time_slot)


def sign_in_page(server: Server, username: str) -> None:
    server.get("/app/login/")
    response = server.post(
        "/app/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": server.session.cookies["csrftoken"],
        },
    )
    assert response.status_code == 200 and response.url.endswith("/app/bookings/"), response.url


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_redis_stopped_mid_run_api_and_pages_answer_from_the_database_then_cache_again(
    collected_static, restaurant, tomorrow, host_with_data
):
    import redis

    port = free_port()
    key = f"slots:{restaurant.pk}:{tomorrow.isoformat()}"
    slots_path = f"/bookings/{restaurant.pk}/{tomorrow.isoformat()}"
    cache = redis.Redis(port=port, socket_timeout=1)
    try:
        with (
            redis_server(port) as first_redis,
            production_server(
                db_url=server_database_url(), redis_url=f"redis://127.0.0.1:{port}/0"
            ) as srv,
        ):
            headers = {"Authorization": f"Bearer {srv.token('faults-host')}"}
            sign_in_page(srv, "faults-host")

            response = srv.get(slots_path, headers=headers)
            assert response.status_code == 200
            assert slot(response.json()["slots"], "18:00") == {
                "time": "18:00",
                "booked": 1,
                "free": 4,
            }
            assert cache.exists(key), "the slots read is cached in Redis"

            first_redis.kill()
            first_redis.wait(10)

            # Redis is gone: the API reads and books from the database, the pages render.
            booked = srv.post(
                "/bookings",
                headers=headers,
                json={
                    "restaurant_id": restaurant.pk,
                    "date": tomorrow.isoformat(),
                    "time_slot": "18:00",
                    "client_name": "Boris",
                },
            )
            assert booked.status_code == 201, booked.text
            response = srv.get(slots_path, headers=headers)
            assert response.status_code == 200, response.text
            assert slot(response.json()["slots"], "18:00")["booked"] == 2
            page = srv.get(f"/app/bookings/?date={tomorrow.isoformat()}")
            assert page.status_code == 200
            assert "Boris" in page.text
            ready = srv.get("/readyz")
            assert (ready.status_code, ready.json()["redis"]) == (503, "unavailable")

            # Redis returns, empty, on the same port: the next reads fill the cache again.
            with redis_server(port):

                def cached_again() -> bool:
                    response = srv.get(slots_path, headers=headers)
                    assert response.status_code == 200, response.text
                    assert slot(response.json()["slots"], "18:00")["booked"] == 2
                    return bool(cache.exists(key))

                wait_for(cached_again, "the slots read to be cached in Redis again")
                assert srv.get("/readyz").status_code == 200
                assert srv.get(f"/app/bookings/?date={tomorrow.isoformat()}").status_code == 200
    finally:
        cache.close()


# --- PostgreSQL -----------------------------------------------------------------------------


@pytest.fixture
def db_proxy() -> Iterator[TCPProxy]:
    db = settings.DATABASES["default"]
    proxy = TCPProxy((db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432)))
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_restart_answers_503_while_down_and_recovers_without_a_restart(
    collected_static, restaurant, tomorrow, host_with_data, db_proxy
):
    day_path = f"/restaurants/{restaurant.pk}/bookings?date={tomorrow.isoformat()}"
    booking = {
        "restaurant_id": restaurant.pk,
        "date": tomorrow.isoformat(),
        "time_slot": "19:00",
        "client_name": "Vera",
    }
    with production_server(db_url=server_database_url("127.0.0.1", db_proxy.port)) as srv:
        headers = {"Authorization": f"Bearer {srv.token('faults-host')}"}
        sign_in_page(srv, "faults-host")
        assert srv.get(day_path, headers=headers).status_code == 200
        workers = srv.workers()

        db_proxy.stop()  # PostgreSQL "restarts": every connection cut, new ones refused

        for response in (
            srv.get(day_path, headers=headers),
            srv.post("/bookings", headers=headers, json=booking),
        ):
            assert response.status_code == 503, response.text
            assert response.headers["Content-Type"] == "application/json"
            assert response.json()["code"] == "database_unavailable"
            assert response.json()["detail"]
            assert int(response.headers["Retry-After"]) > 0
        page = srv.get(f"/app/bookings/?date={tomorrow.isoformat()}")
        assert page.status_code == 503
        assert page.headers["Content-Type"].startswith("text/html")
        assert "Temporarily unavailable" in page.text
        assert "Retry-After" in page.headers
        ready = srv.get("/readyz")
        assert (ready.status_code, ready.json()["database"]) == (503, "unavailable")

        db_proxy.start()  # back up

        wait_for(
            lambda: srv.get(day_path, headers=headers).status_code == 200,
            "the API to reach the database again",
        )
        # Every thread of both workers recovers: no stale connection is left to fail.
        for _ in range(40):
            assert srv.get(day_path, headers=headers).status_code == 200
        created = srv.post("/bookings", headers=headers, json=booking)
        assert created.status_code == 201, created.text
        page = srv.get(f"/app/bookings/?date={tomorrow.isoformat()}")
        assert page.status_code == 200 and "Vera" in page.text
        assert srv.process.poll() is None and srv.workers() == workers, "nothing restarted"
    assert Booking.objects.filter(client_name="Vera").count() == 1


# --- A worker killed ------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_worker_killed_during_a_burst_of_bookings_loses_and_doubles_nothing(
    restaurant, tomorrow, host_with_data
):
    Booking.objects.all().delete()
    contested, others = "18:00", ["12:00", "13:00", "14:00"]
    with production_server(db_url=server_database_url()) as srv:
        headers = {"Authorization": f"Bearer {srv.token('faults-host')}"}
        first_workers = srv.workers()
        created: list[tuple[int, str, str]] = []  # (booking_id, client_name, time_slot)
        answers: list[int | str] = []
        lock = threading.Lock()

        def book(thread: int) -> None:
            with requests.Session() as session:
                for attempt in range(12):
                    name = f"guest-{thread}-{attempt}"
                    time_slot = contested if attempt % 2 == 0 else random.choice(others)
                    try:
                        response = session.post(
                            srv.url + "/bookings",
                            headers=headers,
                            timeout=TIMEOUT,
                            json={
                                "restaurant_id": restaurant.pk,
                                "date": tomorrow.isoformat(),
                                "time_slot": time_slot,
                                "client_name": name,
                            },
                        )
                    except requests.RequestException as error:
                        # The killed worker's requests: the connection drops, the client
                        # does not know whether its booking was made.
                        with lock:
                            answers.append(type(error).__name__)
                        session.close()
                        continue
                    with lock:
                        answers.append(response.status_code)
                        if response.status_code == 201:
                            created.append((response.json()["booking_id"], name, time_slot))

        threads = [threading.Thread(target=book, args=(n,)) for n in range(12)]
        for thread in threads:
            thread.start()
        wait_for(lambda: len(answers) >= 10, "the burst to get going")
        victim = min(srv.workers())
        os.kill(victim, signal.SIGKILL)
        for thread in threads:
            thread.join(120)
        assert not any(thread.is_alive() for thread in threads)

        # The main process replaces the worker and the server goes on answering.
        wait_for(lambda: len(srv.workers()) == 2 and victim not in srv.workers(), "a new worker")
        assert srv.workers() != first_workers
        assert srv.get("/healthz").status_code == 200
        log = srv.log_tail()

    assert set(answers) <= {201, 409, "ConnectionError", "ChunkedEncodingError"}, (answers, log)
    assert created, log
    # The kill cut connections of the burst (in flight or kept alive to that worker).
    assert any(isinstance(answer, str) for answer in answers), answers
    bookings = {b.pk: b for b in Booking.objects.filter(restaurant=restaurant, date=tomorrow)}
    # Every booking that answered 201 exists, as it was asked for.
    for booking_id, name, time_slot in created:
        assert booking_id in bookings, (booking_id, name)
        assert (bookings[booking_id].client_name, bookings[booking_id].time_slot) == (
            name,
            time_slot,
        )
    # None twice: no answer names a booking twice, no request made two bookings.
    assert len({booking_id for booking_id, _, _ in created}) == len(created)
    names = [b.client_name for b in bookings.values()]
    assert len(names) == len(set(names))
    # The contested slot holds at most its 5 tables, and every slot's count is what was booked.
    per_slot: dict[str, int] = {}
    for b in bookings.values():
        per_slot[b.time_slot] = per_slot.get(b.time_slot, 0) + 1
    assert per_slot[contested] <= tables_on(restaurant=restaurant, date=tomorrow) == 5
    assert all(count <= 5 for count in per_slot.values())


# --- Oversized requests at the real server --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_server_refuses_oversized_headers_and_bodies_and_keeps_serving(
    restaurant, tomorrow, host_with_data
):
    with production_server(db_url=server_database_url()) as srv:
        token = srv.token("faults-host")
        # A 100 KB header line never reaches Django: the server refuses it.
        response = requests.get(
            f"{srv.url}/bookings/{restaurant.pk}/{tomorrow.isoformat()}",
            headers={"Authorization": "Bearer " + "a" * 100_000},
            timeout=TIMEOUT,
        )
        assert 400 <= response.status_code < 500
        # Too many header lines, likewise.
        response = requests.get(
            f"{srv.url}/healthz",
            headers={f"X-Junk-{n}": "x" for n in range(200)},
            timeout=TIMEOUT,
        )
        assert 400 <= response.status_code < 500
        # A 10 MB body is refused by its declared length, unread.
        response = requests.post(
            f"{srv.url}/bookings",
            data=b'{"client_name": "' + b"x" * (10 * 1024 * 1024) + b'"}',
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            timeout=TIMEOUT,
        )
        assert response.status_code == 413
        assert response.json()["code"] == "too_large"
        # And the server is none the worse for it.
        response = srv.get(
            f"/bookings/{restaurant.pk}/{tomorrow.isoformat()}",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200
    assert Booking.objects.count() == 1
