"""Handing an event to the task queue: Celery's own message for `outbox.dispatch`, sent cheaply.

Every booking hands its event over once it commits, so the hand-over is on the booking's path.
`dispatch.delay` composes the whole message each time (routing, options, headers, the
publish's own options) and costs a booking about as much CPU as its outbox row. The message
is the same every time but for the task's id and its argument, so it is composed once per
process by Celery itself (the publish it would make, recorded instead of sent) and then only
those two are filled in and it is published through the broker connections Celery pools.

In-process (no broker: `task_always_eager`) and inside a worker's task (the sweep hands over
again there, and Celery then records the parent task in the message) it is Celery's own
`dispatch.delay`. Whatever is raised is the caller's to handle: the sweep comes back for an
event whose hand-over failed.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from typing import Any

TASK = "outbox.dispatch"


@dataclass
class _Template:
    embed: dict
    headers: dict
    publish: dict
    # The queue Celery declares before it publishes. Declared once per process and broker:
    # kombu's own check that it was costs a fifth of each publish, and a message for the
    # default exchange goes to its queue whether or not the queue was declared.
    declare: list
    declared: bool = False


class _Recorder:
    """Stands in for a kombu producer: keeps the publish Celery asks for instead of sending it."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.published: tuple[Any, dict] | None = None

    def publish(self, body: Any, **kwargs: Any) -> None:
        self.published = (body, kwargs)


_lock = threading.Lock()
_templates: dict[str, _Template] = {}


def _template(app) -> _Template:
    """The publish Celery makes for `dispatch.delay(…)`, per broker URL (tests change it)."""
    url = app.conf.broker_url
    template = _templates.get(url)
    if template is not None:
        return template
    from crm.tasks import dispatch

    recorder = _Recorder(app.connection_for_write())
    try:
        dispatch.apply_async((0,), producer=recorder)
    finally:
        recorder.connection.release()
    assert recorder.published is not None, "Celery published nothing"
    (_args, _kwargs, embed), kwargs = recorder.published
    headers = dict(kwargs.pop("headers"))
    for key in ("id", "root_id", "argsrepr"):
        headers.pop(key)
    kwargs.pop("correlation_id")
    declare = kwargs.pop("declare") or []
    assert kwargs["exchange"] == "", "the task's queue is reached through the default exchange"
    template = _Template(embed=embed, headers=headers, publish=kwargs, declare=declare)
    with _lock:
        _templates[url] = template
    return template


def forget_templates() -> None:
    """Compose the message afresh next time (the broker or the task's options changed)."""
    with _lock:
        _templates.clear()


def dispatch_later(event_id: int) -> None:
    """Queue `outbox.dispatch(event_id)` as `dispatch.delay(event_id)` would."""
    from crm.celery import app

    if app.conf.task_always_eager or app.current_worker_task is not None:
        from crm.tasks import dispatch

        dispatch.delay(event_id)
        return
    template = _template(app)
    task_id = str(uuid.uuid4())
    headers = {**template.headers, "id": task_id, "root_id": task_id, "argsrepr": f"({event_id},)"}
    with (
        app.producer_pool.acquire(block=True) as producer,
        producer.connection._reraise_as_library_errors(),
    ):
        producer.publish(
            ((event_id,), {}, template.embed),
            **template.publish,
            headers=headers,
            correlation_id=task_id,
            declare=[] if template.declared else list(template.declare),
        )
    template.declared = True
