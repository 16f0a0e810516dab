"""Staff mail leaves through the task queue, and at once when the queue cannot be reached."""

from __future__ import annotations

import pytest

from crm.mail import send_templated_mail
from crm.tests.worker import _reset_publisher


def send() -> None:
    send_templated_mail(
        to="olga@example.com",
        subject="You are invited\n  to join",
        template="mail/team_invitation.txt",
        context={
            "restaurant": {"name": "Blue Door"},
            "inviter": "ivan",
            "role": "Host",
            "link": "https://crm.example/app/join/abc/",
            "expires_at": None,
        },
    )


def test_a_mail_goes_through_the_queue_task(mailoutbox, monkeypatch):
    from crm.tasks import send_mail_task

    queued = []
    original = send_mail_task.delay
    monkeypatch.setattr(send_mail_task, "delay", lambda **kw: queued.append(kw) or original(**kw))
    send()
    assert [q["to"] for q in queued] == ["olga@example.com"]
    (message,) = mailoutbox
    assert message.subject == "You are invited to join"
    assert message.to == ["olga@example.com"]
    assert "https://crm.example/app/join/abc/" in message.body


@pytest.fixture
def broker_down():
    from crm.celery import app

    url, eager = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    app.conf.task_always_eager = False
    _reset_publisher(app)
    yield
    app.conf.broker_url, app.conf.task_always_eager = url, eager
    _reset_publisher(app)


def test_with_the_broker_unreachable_the_mail_is_sent_at_once(mailoutbox, broker_down, caplog):
    send()
    (message,) = mailoutbox
    assert message.to == ["olga@example.com"]
    assert "task queue is unreachable" in caplog.text
