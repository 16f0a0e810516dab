"""The production server: `python -m crm.server` (Docker, compose, `make serve`, the benchmark).

granian, a WSGI server whose HTTP side is written in Rust: a connection is read and parsed
there, and a Python thread is given a request only once its headers have all arrived. So slow
or stalled clients cost nothing but a socket (they are dropped after `SERVER_HEADER_TIMEOUT`
seconds), where gunicorn's gthread workers gave each one a thread until 65 of them stopped the
server. Each worker runs the app in `SERVER_THREADS` threads: an open assistant stream holds
one thread, so streams never starve the API. The figures behind this choice are in the README.

Settings, from the environment:
- `SERVER_BIND`: host:port (default 0.0.0.0:8000).
- `WEB_CONCURRENCY`: worker processes (default 2).
- `SERVER_THREADS`: Python threads per worker (default 32).
- `SERVER_HEADER_TIMEOUT`: seconds a client has to send a request's headers (default 10).
"""

from __future__ import annotations

import gc
import os

# Headers past this many bytes are refused before Django sees them (431).
MAX_HEADER_BYTES = 64 * 1024


def options(environ: os._Environ | dict[str, str] = os.environ) -> dict:
    """granian's settings for this environment."""
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels

    host, _, port = environ.get("SERVER_BIND", "0.0.0.0:8000").rpartition(":")
    return {
        "target": "crm.wsgi:application",
        "address": host or "0.0.0.0",
        "port": int(port),
        "interface": Interfaces.WSGI,
        "workers": int(environ.get("WEB_CONCURRENCY", "2")),
        "blocking_threads": int(environ.get("SERVER_THREADS", "32")),
        "http1_settings": HTTP1Settings(
            header_read_timeout=int(float(environ.get("SERVER_HEADER_TIMEOUT", "10")) * 1000),
            max_buffer_size=MAX_HEADER_BYTES,
        ),
        # Each request is logged once, by crm.middleware.RequestLogMiddleware, with its id.
        "log_access": False,
        "log_level": LogLevels(environ.get("LOG_LEVEL", "info").lower()),
        # A worker that dies is replaced, as gunicorn's master did.
        "respawn_failed_workers": True,
        "respawn_interval": 1.0,
    }


def preload() -> None:
    """Load the app once, here, before the workers fork from this process.

    The workers then share the loaded code's memory pages with this process and each other.
    Loading Django and the app makes about 150,000 long-lived objects; frozen, a full garbage
    collection skips them (under a millisecond instead of about 50 ms that every request on
    the worker waits out), and the collector's writes no longer copy the shared pages.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import crm.wsgi  # noqa: F401  (the app, loaded)

    gc.collect()
    gc.freeze()


def main() -> None:
    from granian import Granian

    preload()
    Granian(**options()).serve()


if __name__ == "__main__":
    main()
