"""gunicorn settings: `gunicorn -c crm/gunicorn.conf.py crm.wsgi`.

gthread workers: plain requests are served nearly as fast as by sync workers, and an open
assistant stream holds one thread, not a whole worker, so streams never starve the API.
The figures behind this choice are in the README.
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "32"))
# Streams stay open for as long as the model talks; the worker heartbeat is separate.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Workers are not recycled: a restart costs a second of Django start-up during which the
# worker's connections wait (measured as a 1 s p99 at 5,000 requests per recycle). The app is
# loaded once in the master, so a worker the master replaces after a crash starts at once.
preload_app = True
# Each request is logged once, by crm.middleware.RequestLogMiddleware, with its request id.
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No control socket: its path is one per user, and tests and the benchmark run several servers.
control_socket_disable = True


def when_ready(server) -> None:
    """The loaded app's objects are moved out of the collector's reach before workers fork.

    Loading Django and the app makes about 150,000 long-lived objects; a full collection that
    walks them holds the worker for about 50 ms, which every request on it waits out. Frozen,
    they are skipped (the collection takes under a millisecond), and the pages they live on
    stay shared with the master instead of being copied by the collector's writes.
    """
    gc.collect()
    gc.freeze()
