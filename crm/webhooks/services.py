"""Writes of webhooks: endpoints added, removed, turned back on; failures counted."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from crm.outbox.channels import Outcome
from crm.outbox.models import PUBLIC_KINDS, Delivery
from crm.webhooks.delivery import WebhookUrlRefused, check_url_form
from crm.webhooks.models import WebhookEndpoint

logger = logging.getLogger("crm.webhooks")


def clean_events(events: list[str]) -> list[str]:
    chosen = [e for e in PUBLIC_KINDS if e in set(events)]
    unknown = sorted(set(events) - set(PUBLIC_KINDS))
    if unknown:
        raise ValidationError({"events": _("Unknown event: %(e)s.") % {"e": ", ".join(unknown)}})
    if not chosen:
        raise ValidationError({"events": _("Choose at least one event.")})
    return chosen


def endpoint_create(
    *, restaurant, url: str, events: list[str], description: str = ""
) -> WebhookEndpoint:
    """A new endpoint with a new signing secret, or ValidationError naming the field."""
    url = url.strip()
    try:
        check_url_form(url)
    except WebhookUrlRefused as exc:
        raise ValidationError({"url": str(exc)}) from None
    endpoint = WebhookEndpoint(
        restaurant=restaurant,
        url=url,
        events=clean_events(events),
        description=description.strip()[:200],
    )
    endpoint.full_clean(exclude=["restaurant", "secret"])
    endpoint.save()
    return endpoint


def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    with transaction.atomic():
        Delivery.objects.filter(target=endpoint.target, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.FAILED, last_error="endpoint removed"
        )
        endpoint.delete()


def endpoint_enable(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Turn an endpoint back on; its failures start over."""
    endpoint.is_active = True
    endpoint.failing_since = None
    endpoint.disabled_at = None
    endpoint.save(update_fields=["is_active", "failing_since", "disabled_at"])
    return endpoint


def window() -> dt.timedelta:
    return dt.timedelta(hours=settings.WEBHOOK_RETRY_HOURS)


def endpoint_attempted(*, endpoint_id: int, outcome: Outcome, now: dt.datetime) -> None:
    """Count a delivery's outcome against its endpoint: a success clears its failures; failing
    for a whole retry window turns it off and tells the restaurant's managers (once)."""
    endpoints = WebhookEndpoint.objects.filter(pk=endpoint_id)
    if outcome.ok:
        endpoints.filter(failing_since__isnull=False).update(failing_since=None)
        return
    endpoints.filter(failing_since__isnull=True).update(failing_since=now)
    turned_off = endpoints.filter(is_active=True, failing_since__lte=now - window()).update(
        is_active=False, disabled_at=now
    )
    if turned_off:
        transaction.on_commit(lambda: _tell_managers(endpoint_id))


def _tell_managers(endpoint_id: int) -> None:
    endpoint = WebhookEndpoint.objects.select_related("restaurant").filter(pk=endpoint_id).first()
    if endpoint is None:
        return
    managers = endpoint.restaurant.memberships.filter(role="manager").select_related("user")
    recipients = sorted({m.user.email for m in managers if m.user.email})
    if not recipients:
        return
    context = {"endpoint": endpoint, "restaurant": endpoint.restaurant, "hours": window()}
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Webhook turned off: %(url)s") % {"url": endpoint.url}
        body = render_to_string("webhooks/email/endpoint_disabled.txt", context)
    try:
        send_mail(subject, body, None, recipients)
    except Exception:
        logger.exception("could not tell the managers that webhook %s was turned off", endpoint_id)
