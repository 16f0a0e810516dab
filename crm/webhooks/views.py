"""Settings → Webhooks: a restaurant's managers add and remove endpoints, read the delivery
log and replay a delivery. Another restaurant's endpoint or delivery answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from crm.outbox import services as outbox
from crm.outbox.models import Delivery
from crm.webhooks.forms import EndpointAddForm
from crm.webhooks.models import WebhookEndpoint
from crm.webhooks.services import endpoint_create, endpoint_delete, endpoint_enable
from restaurants.current import PageRequest, manager_required

MANAGERS = {"message": gettext_lazy("Only a manager can manage webhooks.")}
LOG_SIZE = 30
SECRET_KEY = "webhook_secret_once"


def _endpoints(request: PageRequest) -> list[WebhookEndpoint]:
    return list(WebhookEndpoint.objects.filter(restaurant=request.restaurant))


def _endpoint(request: PageRequest, endpoint_id: int) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id, restaurant=request.restaurant).first()
    if endpoint is None:
        raise Http404
    return endpoint


def _render(request: PageRequest, form: EndpointAddForm | None = None) -> HttpResponse:
    """The page; with a refused form, its errors beside the fields (200, as Django does)."""
    endpoints = _endpoints(request)
    by_target = {e.target: e for e in endpoints}
    log = list(
        Delivery.objects.filter(target__in=list(by_target))
        .select_related("event")
        .order_by("-id")[:LOG_SIZE]
    )
    for delivery in log:
        delivery.endpoint = by_target[delivery.target]
    return render(
        request,
        "webhooks/settings.html",
        {
            "form": form or EndpointAddForm(),
            "endpoints": endpoints,
            "log": log,
            "new_secret": request.session.pop(SECRET_KEY, None),
        },
    )


@require_http_methods(["GET", "POST"])
@manager_required(**MANAGERS)
def webhooks_page(request: PageRequest) -> HttpResponse:
    if request.method == "GET":
        return _render(request)
    form = EndpointAddForm(request.POST)
    if form.is_valid():
        try:
            endpoint = endpoint_create(restaurant=request.restaurant, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            request.session[SECRET_KEY] = {"url": endpoint.url, "secret": endpoint.secret}
            messages.success(request, _("Endpoint added."))
            return redirect("webhooks:settings")
    return _render(request, form)


@require_POST
@manager_required(**MANAGERS)
def endpoint_remove(request: PageRequest, endpoint_id: int) -> HttpResponse:
    endpoint_delete(endpoint=_endpoint(request, endpoint_id))
    messages.success(request, _("Endpoint removed."))
    return redirect("webhooks:settings")


@require_POST
@manager_required(**MANAGERS)
def endpoint_turn_on(request: PageRequest, endpoint_id: int) -> HttpResponse:
    endpoint_enable(endpoint=_endpoint(request, endpoint_id))
    messages.success(request, _("Endpoint turned on."))
    return redirect("webhooks:settings")


@require_POST
@manager_required(**MANAGERS)
def delivery_replay(request: PageRequest, delivery_id: int) -> HttpResponse:
    targets = [e.target for e in _endpoints(request)]
    delivery = Delivery.objects.filter(pk=delivery_id, target__in=targets).first()
    if delivery is None:
        raise Http404
    outbox.delivery_retry(deliveries=[delivery])
    messages.success(request, _("The delivery will be sent again."))
    return redirect("webhooks:settings")
