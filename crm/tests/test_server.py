"""The production server as deployed: slow clients, and two app instances on one database.

No time is asserted (the benchmark measures the latencies); every request has the generous
`TIMEOUT`, which a server that had given its threads to slow clients would exceed.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
from django.conf import settings

from crm.api.jwt import refresh_token_for
from crm.tests.server import TIMEOUT, production_server, server_database_url

SLOW_CLIENTS = 80


def slow_client(port: int, stop: threading.Event, closed: list[int]) -> None:
    """A client that sends its request's headers one line every 2 seconds, never finishing."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        line = 0
        while not stop.is_set():
            try:
                sock.sendall(f"X-Slow-{line}: still typing\r\n".encode())
                line += 1
                sock.settimeout(2)
                if sock.recv(4096) == b"":  # the server let go of it
                    closed.append(line)
                    return
            except TimeoutError:
                continue  # nothing from the server: 2 seconds went by, send the next line
            except OSError:
                closed.append(line)
                return


@pytest.mark.django_db(transaction=True)
def test_slow_clients_do_not_stop_anyone_else(restaurant, host, tomorrow):
    token = str(refresh_token_for(host).access_token)
    slots = f"/bookings/{restaurant.pk}/{tomorrow.isoformat()}"
    with production_server(db_url=server_database_url(), SERVER_HEADER_TIMEOUT="8") as srv:
        port = int(srv.url.rsplit(":", 1)[1])
        stop, closed = threading.Event(), []
        clients = [
            threading.Thread(target=slow_client, args=(port, stop, closed), daemon=True)
            for _ in range(SLOW_CLIENTS)
        ]
        for client in clients:
            client.start()
        try:
            time.sleep(3)  # every slow client connected and two lines in
            assert len(closed) < SLOW_CLIENTS // 2  # most are still typing
            # Meanwhile everyone else is answered, on both workers.
            for _ in range(20):
                assert srv.get("/healthz").status_code == 200
                read = srv.get(slots, headers={"Authorization": f"Bearer {token}"})
                assert read.status_code == 200, read.text
                assert read.json()["date"] == tomorrow.isoformat()
            # A client that never finishes its headers is let go of, not kept forever.
            for client in clients:
                client.join(timeout=TIMEOUT)
            assert len(closed) == SLOW_CLIENTS
            assert all(lines <= 8 for lines in closed)  # about one line per 2 s, for 8 s
            assert srv.get("/healthz").status_code == 200
        finally:
            stop.set()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_booking_on_one_instance_is_in_the_cached_read_of_another_at_once(
    restaurant, host, tomorrow
):
    """Scaling out: two app instances (as behind a load balancer) share PostgreSQL and Redis."""
    token = {"Authorization": f"Bearer {refresh_token_for(host).access_token}"}
    slots = f"/bookings/{restaurant.pk}/{tomorrow.isoformat()}"
    database = server_database_url()
    with (
        production_server(db_url=database, redis_url=settings.REDIS_URL) as first,
        production_server(db_url=database, redis_url=settings.REDIS_URL) as second,
    ):
        assert first.url != second.url

        def booked_at_noon(instance) -> int:
            read = instance.get(slots, headers=token).json()["slots"]
            return next(s for s in read if s["time"] == "12:00")["booked"]

        def book(instance, name: str) -> None:
            made = instance.post(
                "/bookings",
                json={
                    "restaurant_id": restaurant.pk,
                    "date": tomorrow.isoformat(),
                    "time_slot": "12:00",
                    "client_name": name,
                },
                headers=token,
            )
            assert made.status_code == 201, made.text

        # Both instances have read (and cached) the day.
        assert booked_at_noon(first) == booked_at_noon(second) == 0
        book(first, "Anna")
        # The other instance's very next read has it: the cache they share was updated.
        assert booked_at_noon(second) == 1
        # And the other way round.
        book(second, "Boris")
        assert booked_at_noon(first) == 2
