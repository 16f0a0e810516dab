"""The cost of live updates: 50 open pages polling the change version, measured.

Starts the production server as `bench/run.py` does (granian, DEBUG off, PostgreSQL, Redis)
on its own database (`BENCH_DB_URL`, emptied) and Redis database (`BENCH_REDIS_URL`, flushed),
with one restaurant: a described floor of 30 tables and a day of 60 bookings. Then 50 clients,
each signed in with a session of its own, behave as 50 open timeline pages do:

- `GET /app/live/?v=…` every 3 seconds (204 while nothing changed);
- when the answer is 200, they fetch what the page refreshes: the timeline's board and the
  waitlist (two HTMX partials).

Three phases of 60 seconds each: quiet (nothing changes), busy (a booking made through the
API every 5 seconds), and for comparison naive polling (each page fetching the board and the
waitlist every 3 seconds, no version). For each: requests, latencies, and the CPU seconds the
server's processes and PostgreSQL used per second of wall time (of the machine's cores). The
figures go into docs/benchmarks.md, between the live-updates markers.

    BENCH_DB_URL=postgresql://…/db BENCH_REDIS_URL=redis://…/n .venv/bin/python bench/live_poll.py
"""

from __future__ import annotations

import datetime as dt
import os
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench

PAGES = 50
EVERY = 3.0
PHASE_SECONDS = 60
CHANGE_EVERY = 5.0
START = "<!-- live updates: bench/live_poll.py -->"
END = "<!-- end of live updates -->"


def seed() -> tuple[int, list[str], str]:
    """One restaurant with a described floor and a day of bookings; 50 sessions of its host
    and an API token. Returns (restaurant id, session keys, token)."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    from bookings.services import booking_create
    from crm.api.jwt import refresh_token_for
    from restaurants.models import Membership, Restaurant, Table, VisitLength

    restaurant = Restaurant.objects.create(
        name="Live", default_table_count=5, closing_time=dt.time(23, 59)
    )
    for n in range(30):
        Table.objects.create(
            restaurant=restaurant,
            name=f"T{n + 1}",
            max_seats=2 + n % 5,
            area=("hall", "terrace", "bar")[n % 3],
            combination_group=("hall", "terrace", "bar")[n % 3],
            position=n,
        )
    VisitLength.objects.create(restaurant=restaurant, up_to_party=2, minutes=90)
    VisitLength.objects.create(restaurant=restaurant, up_to_party=None, minutes=120)
    day = restaurant.today() + dt.timedelta(days=1)
    for n in range(60):
        booking_create(
            restaurant=restaurant,
            date=day,
            time_slot=restaurant.slot_times()[n % len(restaurant.slot_times())],
            client_name=f"Guest {n}",
            party_size=1 + n % 4,
        )
    host = get_user_model().objects.create_user(username="live-host")
    Membership.objects.create(user=host, restaurant=restaurant, role="host")
    keys = []
    for _ in range(PAGES):
        session = SessionStore()
        session[SESSION_KEY] = str(host.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = host.get_session_auth_hash()
        session["restaurant_id"] = restaurant.pk
        session.create()
        keys.append(session.session_key)
    return restaurant.pk, keys, str(refresh_token_for(host).access_token)


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.times[kind].append(seconds)


def get(path: str, session: str, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(
        bench.BASE + path, headers={"Cookie": f"sessionid={session}", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


VERSION = re.compile(rb'data-version="([^"]*)"')
BOARD = {"HX-Request": "true", "HX-Target": "timeline-board"}
WAITLIST = {"HX-Request": "true", "HX-Target": "waitlist"}


def page(session: str, day: str, tally: Tally, stop: threading.Event, naive: bool) -> None:
    status, body = get(f"/app/timeline/?date={day}", session)
    version = VERSION.search(body).group(1).decode()
    # Pages were opened at different moments: spread the polls over the interval.
    stop.wait(hash(session) % 1000 / 1000 * EVERY)
    while not stop.is_set():
        started = time.perf_counter()
        if naive:
            changed = True
        else:
            status, body = get(f"/app/live/?v={version}", session, {"HX-Request": "true"})
            tally.add(
                "poll, nothing changed" if status == 204 else "poll, changed",
                time.perf_counter() - started,
            )
            changed = status == 200
            if changed:
                version = VERSION.search(body).group(1).decode()
            elif status != 204:
                tally.errors += 1
        if changed:
            for kind, headers, path in (
                ("timeline board", BOARD, f"/app/timeline/?date={day}"),
                ("waitlist", WAITLIST, "/app/waitlist/"),
            ):
                begun = time.perf_counter()
                status, _ = get(path, session, headers)
                tally.add(kind, time.perf_counter() - begun)
                if status != 200:
                    tally.errors += 1
        stop.wait(max(0.0, EVERY - (time.perf_counter() - started)))


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def server_pids(server) -> list[int]:
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    return [server.process.pid, *map(int, children.read_text().split())]


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (all cores; every process, including the
    load generator, PostgreSQL and whatever else runs here)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def changes(restaurant_id: int, token: str, day: str, stop: threading.Event) -> int:
    made = 0
    while not stop.wait(CHANGE_EVERY):
        body = (
            f'{{"restaurant_id": {restaurant_id}, "date": "{day}", "time_slot": "12:00", '
            f'"client_name": "Change {made}"}}'
        ).encode()
        request = urllib.request.Request(
            bench.BASE + "/bookings",
            data=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            urllib.request.urlopen(request, timeout=30).read()
            made += 1
        except urllib.error.HTTPError:
            pass
    return made


def phase(name: str, server, restaurant_id, keys, token, day, *, busy: bool, naive: bool) -> dict:
    tally, stop = Tally(), threading.Event()
    threads = [
        threading.Thread(target=page, args=(key, day, tally, stop, naive), daemon=True)
        for key in keys
    ]
    for thread in threads:
        thread.start()
    time.sleep(EVERY + 1)  # every page open and polling
    for kind in list(tally.times):
        tally.times[kind].clear()
    pids = server_pids(server)
    cpu_before, busy_before = cpu_seconds(pids), machine_busy_seconds()
    started = time.perf_counter()
    made = [0]
    changer = None
    if busy:
        changer = threading.Thread(
            target=lambda: made.__setitem__(0, changes(restaurant_id, token, day, stop)),
            daemon=True,
        )
        changer.start()
    time.sleep(PHASE_SECONDS)
    wall = time.perf_counter() - started
    cpu = (cpu_seconds(pids) - cpu_before) / wall
    machine = (machine_busy_seconds() - busy_before) / wall
    stop.set()
    for thread in [*threads, *([changer] if changer else [])]:
        thread.join(35)
    requests = sum(len(v) for v in tally.times.values())
    load = Path("/proc/loadavg").read_text().split()[0]
    return {
        "load": load,
        "name": name,
        "wall": wall,
        "requests": requests,
        "rps": requests / wall,
        "cpu": cpu,
        "machine": machine,
        "errors": tally.errors,
        "changes": made[0],
        "kinds": {
            kind: (len(v), statistics.median(v) * 1000, quantile(v, 0.95) * 1000)
            for kind, v in sorted(tally.times.items())
            if v
        },
    }


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(results: list[dict]) -> str:
    lines = [
        START,
        "## Live updates: 50 open pages polling",
        "",
        f"Written by `bench/live_poll.py` on {dt.date.today().isoformat()}, on the machine "
        f"above (the load generator on the same {os.cpu_count()} cores). One restaurant, a "
        "described floor of 30 tables, 60 bookings on the day shown. 50 clients, each with a "
        "session of its own, act as "
        f"50 open timeline pages: `GET /app/live/?v=…` every {EVERY:.0f} s, and on a 200 the two "
        "parts the page refreshes (the timeline's board and the waitlist). Each phase lasts "
        f"{PHASE_SECONDS} s. CPU is the seconds used per second of wall time (1.0 = one core): "
        "the server's (its main process and workers), and the whole machine's (the server, "
        "PostgreSQL, Redis, the 50 clients, and anything else running then).",
        "",
        "| phase | requests/s | server CPU | whole machine | load average after | changes "
        "| non-2xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r['name']} | {r['rps']:.1f} | {r['cpu']:.2f} | {r['machine']:.2f} | "
            f"{r['load']} | {r['changes']} | {r['errors']} |"
        )
    lines += [
        "",
        "| phase | request | count | p50 ms | p95 ms |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for r in results:
        for kind, (count, p50, p95) in r["kinds"].items():
            lines.append(f"| {r['name']} | {kind} | {count} | {p50:.1f} | {p95:.1f} |")
    quiet, _busy, naive = results
    lines += [
        "",
        f"Quiet, a poll is a 204 from one Redis read and the session's two queries: 50 pages "
        f"cost {quiet['cpu']:.2f} of a core. Naive polling of the same two parts costs "
        f"{naive['cpu']:.2f}, {naive['cpu'] / max(quiet['cpu'], 0.001):.0f}× as much. With a "
        f"change every {CHANGE_EVERY:.0f} s every page refreshes both parts after its next "
        f"poll, at most {EVERY:.0f} s later: within the 5 s a change may take to show.",
        "",
        "The load average is the machine's at the end of each phase: above the number of cores,"
        " other work was running too, and the latencies are those of a machine that busy.",
        END,
    ]
    return "\n".join(lines) + "\n"


def write(section: str) -> None:
    text = bench.REPORT.read_text() if bench.REPORT.exists() else "# Benchmarks\n"
    if START in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1].lstrip("\n") if END in rest else ""
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    bench.REPORT.write_text(text)


def main() -> None:
    bench.setup_django()
    bench.reset_database()
    bench.flush_redis()
    restaurant_id, keys, token = seed()
    from restaurants.models import Restaurant

    day = (Restaurant.objects.get(pk=restaurant_id).today() + dt.timedelta(days=1)).isoformat()
    server = bench.start_server()
    try:
        results = [
            phase("quiet", server, restaurant_id, keys, token, day, busy=False, naive=False),
            phase(
                "a change every 5 s",
                server,
                restaurant_id,
                keys,
                token,
                day,
                busy=True,
                naive=False,
            ),
            phase(
                "naive polling, quiet",
                server,
                restaurant_id,
                keys,
                token,
                day,
                busy=False,
                naive=True,
            ),
        ]
    finally:
        server.stop()
    section = report(results)
    write(section)
    print(section)


if __name__ == "__main__":
    main()
