"""What the outbox costs a booking: `make bench-outbox` (or `python bench/outbox.py`).

`POST /bookings` through the WSGI app in one process, on PostgreSQL, in rounds that alternate
between the product as it is (each booking writes its outbox event in its transaction and
hands it to the Redis broker on commit) and the same code with the event not recorded. Both
modes book random future slots of the same restaurants, so the difference is the outbox's own
cost. Writes docs/benchmarks-outbox.md. Its database (`BENCH_DB_URL`) is emptied.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault(
    "CELERY_BROKER_URL", os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/7")
)
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"

import redis  # noqa: E402

from bench import run  # noqa: E402

REPORT = ROOT / "docs" / "benchmarks-outbox.md"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "10"))
PER_ROUND = int(os.environ.get("BENCH_PER_ROUND", "100"))
CEILING = 15.0  # per cent


def table(rates: dict[str, list[float]], cpu: dict[str, list[float]]) -> str:
    lines = [
        "| mode | bookings/s | range | app CPU ms per booking | range |",
        "| --- | ---: | --- | ---: | --- |",
    ]
    for mode in ("on", "off"):
        r, c = rates[mode], cpu[mode]
        lines.append(
            f"| outbox {mode} | {statistics.median(r):,.0f} | {min(r):,.0f}–{max(r):,.0f} "
            f"| {statistics.median(c):.1f} | {min(c):.1f}–{max(c):.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    run.setup_django()
    run.reset_database()
    run.seed_restaurants()
    token, _ = run.bench_user()

    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    import bookings.changes
    from bookings.models import Booking
    from crm.outbox.models import OutboxEvent

    app = get_wsgi_application()
    recorded = bookings.changes.booking_event

    def post(n: int) -> None:
        day = dt.date.today() + dt.timedelta(days=random.randint(1, 300))
        body = json.dumps(
            {
                "restaurant_id": random.randint(1, run.RESTAURANTS),
                "date": day.isoformat(),
                "time_slot": random.choice(run.SLOTS),
                "client_name": f"Outbox {n}",
            }
        ).encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/bookings",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
        }
        status: list[str] = []
        result = app(environ, lambda s, h, e=None: status.append(s))
        b"".join(result)
        result.close()
        assert status[0].startswith("201"), status[0]

    def round_of(mode: str, start: int) -> tuple[float, float]:
        """Bookings per second (wall clock), and the app process's CPU ms per booking."""
        bookings.changes.booking_event = recorded if mode == "on" else lambda *a, **k: None
        began, cpu = time.perf_counter(), time.process_time()
        for n in range(start, start + PER_ROUND):
            post(n)
        return (
            PER_ROUND / (time.perf_counter() - began),
            (time.process_time() - cpu) * 1000 / PER_ROUND,
        )

    for n in range(50):  # warm-up: connections, caches, the broker's connection
        post(-n - 1)
    rates: dict[str, list[float]] = {"on": [], "off": []}
    cpu: dict[str, list[float]] = {"on": [], "off": []}
    counter = 0
    for r in range(ROUNDS):
        for mode in ("on", "off") if r % 2 == 0 else ("off", "on"):
            rate, ms = round_of(mode, counter)
            rates[mode].append(rate)
            cpu[mode].append(ms)
            counter += PER_ROUND
    bookings.changes.booking_event = recorded
    events = OutboxEvent.objects.count()
    made = Booking.objects.count()
    redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).flushdb()  # the undelivered hand-overs
    connection.close()

    load = os.getloadavg()[1]
    on, off = statistics.median(rates["on"]), statistics.median(rates["off"])
    cost = (off - on) / off * 100
    cpu_on, cpu_off = statistics.median(cpu["on"]), statistics.median(cpu["off"])
    cpu_cost = (cpu_on - cpu_off) / cpu_off * 100
    verdict = "yes" if cost <= CEILING else "**no**"
    cpu_verdict = "yes" if cpu_cost <= CEILING else "**no**"
    REPORT.write_text(
        f"""# What the outbox costs a booking

Written by `make bench-outbox` (`bench/outbox.py`) on {run.machine()}.

`POST /bookings` through the WSGI app in one process on PostgreSQL, {ROUNDS} rounds of
{PER_ROUND} bookings in each mode, alternating: **on** is the product as it is (each booking
writes its outbox event in its own transaction and hands it to the Redis broker on commit);
**off** is the same code with the event not recorded. {made:,} bookings made, {events:,} events
recorded. Medians, with the range of the rounds. Load average over the run: {load:.1f} on
{os.cpu_count()} cores (other work on the machine slows both modes alike; the rounds alternate
so that it does).

{table(rates, cpu)}

Throughput: the outbox costs {cost:.1f}% (ceiling {CEILING:.0f}%: {verdict}). The app's own CPU per
booking, which other load on the machine disturbs far less than the wall clock: {cpu_cost:+.1f}%
({cpu_verdict}); PostgreSQL's share of the extra INSERT is not in it. Its cost
per booking is one more INSERT in the booking's transaction (the event, with the booking as
the API shows it, built from what the transaction already holds) and one message to Redis
after the commit.
"""
    )
    print(REPORT.read_text())


if __name__ == "__main__":
    main()
