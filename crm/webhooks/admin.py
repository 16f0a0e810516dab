"""Webhook endpoints in admin: managers see and edit their restaurants' own."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from crm.outbox.models import PUBLIC_KINDS, EventKind
from crm.webhooks.delivery import WebhookUrlRefused, check_url_form
from crm.webhooks.models import WebhookEndpoint
from crm.webhooks.services import endpoint_enable
from restaurants.admin import ManagerAccessMixin

EVENT_CHOICES = [(k, EventKind(k).label) for k in PUBLIC_KINDS]


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=EVENT_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("restaurant", "url", "events", "description", "is_active")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        try:
            check_url_form(url)
        except WebhookUrlRefused as exc:
            raise ValidationError(str(exc)) from None
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ManagerAccessMixin, admin.ModelAdmin):
    form = EndpointForm
    list_display = ("url", "restaurant", "is_active", "failing_since", "disabled_at")
    list_filter = ("is_active",)
    readonly_fields = ("secret_hint", "failing_since", "disabled_at", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    @admin.display(description=_("signing secret"))
    def secret_hint(self, obj: WebhookEndpoint) -> str:
        return obj.secret_hint if obj.pk else "—"

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form, change: bool) -> None:
        turned_on = change and "is_active" in form.changed_data and obj.is_active
        super().save_model(request, obj, form, change)
        if turned_on:
            endpoint_enable(endpoint=obj)
        if not change:
            # The only time the secret is shown: the partner needs it to check signatures.
            messages.warning(
                request,
                _("Signing secret: %(secret)s — copy it now, it is not shown again.")
                % {"secret": obj.secret},
            )
