"""The Celery application: work after the answer (the outbox's hand-over, e-mails, webhooks).

Configured from Django's settings under the `CELERY_` namespace (`crm/settings.py`): Redis is
the broker when `REDIS_URL` (or `CELERY_BROKER_URL`) is set; without one, tasks run in-process
as they are sent, so the quick start needs nothing more. `make worker` and `make beat` start a
worker and the scheduler of the periodic tasks.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

app = Celery("crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
