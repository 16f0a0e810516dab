"""A real Celery worker (with its beat) in a subprocess, on Redis, for the tests that need one.

It uses the test database and the test's Redis server on db 7 (as its broker), reached
through `TCPProxy` so that a test can stop the broker and start it again. Shortened waits
(retry backoff, sweep) come from its environment, as any deployment sets them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import kombu.pools
import pytest
from django.conf import settings
from django.db import connection

from crm.tests.tcp_proxy import TCPProxy

# The worker's broker: a Redis database of its own (two checkouts testing at once pick two).
BROKER_DB = int(os.environ.get("TEST_BROKER_REDIS_DB", "7"))


@dataclass
class Worker:
    proxy: TCPProxy
    mail_dir: Path
    log: Path

    def sent_mail(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.mail_dir.glob("*.log")))


def wait_for(condition: Callable[[], object], *, seconds: float = 60, what: str = "") -> object:
    """Poll until `condition()` is true; fail naming `what` when it never is."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    pytest.fail(f"never happened: {what}")


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _reset_publisher(app) -> None:
    """Drop the test process's broker connections and producers (kombu keeps them per URL,
    process-wide), so the next task uses the current URL afresh."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


# Per module: once its tests are done, tasks run in-process again for every other test.
@pytest.fixture(scope="module")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Worker]:
    from crm.celery import app

    before = app.conf.broker_url
    redis = urlsplit(settings.REDIS_URL)
    proxy = TCPProxy((redis.hostname or "127.0.0.1", redis.port or 6379))
    proxy.start()
    broker = f"redis://127.0.0.1:{proxy.port}/{BROKER_DB}"
    import redis as redis_client

    redis_client.Redis(host=redis.hostname, port=redis.port or 6379, db=BROKER_DB).flushdb()
    home = tmp_path_factory.mktemp("worker")
    mail_dir = home / "mail"
    mail_dir.mkdir()
    with django_db_blocker.unblock():
        database = _database_url()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm.settings",
        "DB_URL": database,
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_BEAT_SCHEDULE_FILENAME": str(home / "beat-schedule"),
        "WEBHOOK_ALLOW_PRIVATE": "true",
        "WEBHOOK_ALLOW_HTTP": "true",
        "WEBHOOK_RETRY_BASE_SECONDS": "1",
        "OUTBOX_SWEEP_SECONDS": "1",
        "OUTBOX_STUCK_SECONDS": "2",
        "REMINDER_SCAN_SECONDS": "86400",
        "EMAIL_URL": f"file://{mail_dir}",
    }
    log = home / "worker.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "crm",
                "worker",
                "--beat",
                "--pool",
                "threads",
                "--concurrency",
                "4",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(
            lambda: "ready." in log.read_text() or process.poll() is not None,
            seconds=60,
            what="the worker to start",
        )
        if process.poll() is not None:
            pytest.fail(f"the worker did not start:\n{log.read_text()[-3000:]}")
        app.conf.broker_url = broker
        app.conf.task_always_eager = False
        _reset_publisher(app)
        yield Worker(proxy=proxy, mail_dir=mail_dir, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        app.conf.task_always_eager = True
        # In-process tasks still take a producer of the configured broker: the test's own.
        app.conf.broker_url = before
        _reset_publisher(app)
        proxy.stop()
