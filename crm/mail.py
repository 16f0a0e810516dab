"""Every mail the product sends leaves through `send_templated_mail`: one place to hand the
sending over to a background queue. Today it is Django's mail (`EMAIL_BACKEND`: the console in
development, SMTP when configured)."""

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
    body = render_to_string(template, context)
    try:
        send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception:
        logger.exception("mail to %s not sent: %s", to, template)
