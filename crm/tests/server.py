"""The production server (`python -m crm.server`) in a process of its own, for tests that need
the real thing: its HTTP side, its workers, its pools. Pointed at the test database; data is
committed (transactional tests)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import requests
from django.conf import settings

from conftest import PASSWORD
from crm.tests.tcp_proxy import free_port

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30  # seconds a single request may take before the test gives up on it


def wait_for(condition: Callable[[], bool], what: str, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        with suppress(requests.RequestException, OSError):
            if condition():
                return
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting: {what}")


def server_database_url(host: str | None = None, port: int | None = None) -> str:
    """The test database as a DB_URL, optionally reached through another host and port."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = host or db.get("HOST") or "127.0.0.1"
    port = port or db.get("PORT") or 5432
    return f"postgresql://{auth}{host}:{port}/{quote(db['NAME'], safe='')}"


@dataclass
class Server:
    """A running server: its address, main process and log."""

    url: str
    process: subprocess.Popen
    log: Path
    session: requests.Session = field(default_factory=requests.Session)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.session.get(self.url + path, timeout=TIMEOUT, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.session.post(self.url + path, timeout=TIMEOUT, **kwargs)

    def workers(self) -> set[int]:
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return {int(child) for child in children.split()}

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def token(self, username: str) -> str:
        response = self.post("/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return response.json()["access_token"]


@contextmanager
def production_server(*, db_url: str, redis_url: str = "", **env: str) -> Iterator[Server]:
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="faults-server-", suffix=".log")[1])
    server_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm.settings",
        "SERVER_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "SERVER_THREADS": "8",
        "DB_URL": db_url,
        "REDIS_URL": redis_url,
        "DEBUG": "false",
        **env,
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "crm.server"],
            cwd=ROOT,
            env=server_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_for(lambda: server.get("/healthz").status_code == 200, "the server to answer")
        wait_for(lambda: len(server.workers()) == 2, "both workers to start")
        yield server
    except AssertionError as error:
        raise AssertionError(f"{error}\n--- server log ---\n{server.log_tail()}") from None
    finally:
        server.session.close()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.unlink(missing_ok=True)
