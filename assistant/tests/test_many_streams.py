"""Open assistant streams never starve other requests, under the production server.

Starts the production server (`python -m crm.server`) on the test database, opens 20 streams
that the fake model keeps talking on, and books tables meanwhile: through the API and the
assistant. The streams hold no database connection while the model talks: the server's pools
(4 connections per worker here) are enough for all of them and the bookings besides.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection as database

from assistant.models import Thread
from assistant.tests.fake_openai import Reply
from assistant.tests.sse_client import events, open_stream
from bookings.models import Booking
from crm.api.jwt import refresh_token_for

STREAMS = 20
WORKERS = 2
POOL_SIZE = 4  # connections per worker: fewer than the streams each worker holds open
SERVER_NAME = "streams-test-server"
BASE_DIR = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_database_url() -> str:
    """DB_URL for a server process that must use this test run's database."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{credentials}@{db['HOST'] or 'localhost'}{port}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


def request(base: str, method: str, path: str, token: str, body: dict | None = None):
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request(
            method,
            path,
            body=None if body is None else json.dumps(body),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def server_connections() -> int:
    """The server's connections to the test database."""
    with database.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [SERVER_NAME]
        )
        return cursor.fetchone()[0]


@pytest.fixture
def production_server(fake_openai, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DB_URL": test_database_url(),
        "SERVER_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(WORKERS),
        "DB_POOL_MAX_SIZE": str(POOL_SIZE),
        "PGAPPNAME": SERVER_NAME,  # its connections, told apart from this process's
        "OPENAI_BASE_URL": fake_openai.base_url,
        "OPENAI_API_KEY": "test-key",
        "OPENAI_MAX_RETRIES": "0",
    }
    log_path = tmp_path / "server.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "crm.server"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the server did not start:\n" + log_path.read_text())
                time.sleep(0.2)
        yield base
    finally:
        fake_openai.release.set()
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        # Shown with a failing test's output: what the server said.
        print(log_path.read_text()[-20_000:])


@pytest.mark.django_db(transaction=True)
def test_twenty_open_streams_do_not_starve_bookings(
    production_server, fake_openai, host, restaurant, assistant_profile
):
    # Streams go on until released; plain requests get the scripted booking turn.
    fake_openai.default = Reply(text="Let me see", until_released=True, chunk_delay=0.5)
    date = restaurant.today() + dt.timedelta(days=2)
    booking_args = {
        "date": date.isoformat(),
        "time_slot": "19:00",
        "client_name": "Anna",
        "party_size": 2,
    }
    fake_openai.script(
        Reply(tool_calls=[("create_booking", booking_args)], stream=False),
        Reply(text="Booked 19:00 for Anna.", stream=False),
    )
    token = str(refresh_token_for(host).access_token)

    opened = [threading.Event() for _ in range(STREAMS)]
    finished = [threading.Event() for _ in range(STREAMS)]
    last_events: list[dict | None] = [None] * STREAMS
    connections: list[http.client.HTTPConnection] = []
    problems: list[str] = []

    def listen(n: int) -> None:
        try:
            connection, response = open_stream(
                production_server,
                "/assistants/chat_stream",
                {"assistant_id": "asst_demo", "message": "Hi"},
                token=token,
            )
            connections.append(connection)
            if response.status != 200:
                problems.append(f"stream {n}: {response.status} {response.read()[:500]!r}")
            for event in events(response):
                opened[n].set()
                last_events[n] = event
        except Exception as exc:
            problems.append(f"stream {n}: {exc!r}")
        finally:
            finished[n].set()

    listeners = [threading.Thread(target=listen, args=(n,), daemon=True) for n in range(STREAMS)]
    for listener in listeners:
        listener.start()
    try:
        for n in range(STREAMS):
            assert opened[n].wait(timeout=60), f"stream {n} sent nothing: {problems}"
        assert not any(event.is_set() for event in finished), (problems, last_events)
        # An open stream holds no database connection while the model talks: the server
        # keeps within its pools, far fewer connections than open streams.
        if database.vendor == "postgresql":
            assert 0 < server_connections() <= WORKERS * POOL_SIZE < STREAMS

        # With every stream still talking, a booking through the assistant is answered.
        status, body = request(
            production_server,
            "POST",
            "/assistants/chat",
            token,
            {"assistant_id": "asst_demo", "message": "Table for two at 19:00, Anna"},
        )
        assert status == 200, body
        assert body["assistant_message"] == "Booked 19:00 for Anna."
        booking = Booking.objects.get(date=date)
        assert (booking.client_name, booking.source) == ("Anna", "assistant")

        status, thread = request(
            production_server, "GET", f"/assistants/threads/{body['thread_id']}", token
        )
        assert status == 200
        assert thread["messages"][-1]["content"] == "Booked 19:00 for Anna."

        status, body = request(
            production_server,
            "POST",
            "/bookings",
            token,
            {"restaurant_id": restaurant.pk, **booking_args, "client_name": "Boris"},
        )
        assert status == 201, body
        assert Booking.objects.get(pk=body["booking_id"]).client_name == "Boris"

        assert not any(event.is_set() for event in finished), (problems, last_events)
        if database.vendor == "postgresql":
            assert server_connections() <= WORKERS * POOL_SIZE
    finally:
        fake_openai.release.set()
        for listener in listeners:
            listener.join(timeout=60)
        for connection in connections:
            connection.close()

    threads = {t.public_id for t in Thread.objects.all()}
    for event in last_events:
        assert event is not None and event["done"] is True and event["thread_id"] in threads
