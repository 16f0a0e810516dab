"""Every mail to staff (invitations, sign-up confirmations, password resets, a disabled
webhook's notice) leaves through `send_templated_mail`, on the task queue.

The mail is rendered in the request, in its language, and handed to Celery (`crm.send_mail`):
a worker sends it and tries again with backoff when the mail server fails. When the broker
cannot be reached the mail is sent at once instead, so a reset link is never lost to a queue
that is down. Without Redis (the quick start) the task runs in-process. The backend is
`EMAIL_URL`'s (`crm/email_url.py`): the console in development, SMTP in production.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def send_templated_mail(*, to: str, subject: str, template: str, context: dict) -> None:
    """A plain-text mail from `template` (rendered with `context`) to one address.

    Called after the change it reports has committed; a refused delivery is logged, never
    raised into the request that caused it.
    """
    from crm.tasks import send_mail_task

    body = render_to_string(template, context)
    subject = " ".join(subject.split())
    try:
        send_mail_task.delay(to=to, subject=subject, body=body)
    except Exception:
        logger.warning("the task queue is unreachable: mail to %s sent at once", to)
        mail_send(to=to, subject=subject, body=body)


def mail_send(*, to: str, subject: str, body: str) -> bool:
    """Send one mail now; False (and a log line) when the mail server refuses it."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception:
        logger.exception("mail to %s not sent", to)
        return False
    return True
