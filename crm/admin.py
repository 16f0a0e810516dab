"""Admin for the plumbing: the outbox (superusers) and webhook endpoints (their managers)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from crm.outbox import services as outbox
from crm.outbox.models import Delivery, DeliveryAttempt, OutboxEvent
from crm.webhooks import admin as webhooks_admin  # noqa: F401 (registers the endpoints' admin)


class SuperuserOnly:
    """The outbox spans every restaurant: only superusers read it."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)


class DeliveryInline(SuperuserOnly, admin.TabularInline):
    model = Delivery
    extra = 0
    fields = readonly_fields = (
        "target",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "finished_at",
    )
    show_change_link = True


@admin.register(OutboxEvent)
class OutboxEventAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ("id", "kind", "restaurant_id", "subject_id", "created_at", "dispatched_at")
    list_filter = ("kind", ("dispatched_at", admin.EmptyFieldListFilter))
    search_fields = ("=subject_id", "=restaurant_id", "uuid")
    readonly_fields = (
        "uuid",
        "kind",
        "restaurant_id",
        "subject_id",
        "dedupe_key",
        "payload",
        "created_at",
        "dispatched_at",
    )
    inlines = [DeliveryInline]
    actions = ["hand_over_again"]

    @admin.action(description=_("Hand over to the queue again"))
    def hand_over_again(self, request: HttpRequest, queryset) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        for event_id in ids:
            outbox.hand_over(event_id)
        self.message_user(
            request,
            ngettext("%(n)d event handed over.", "%(n)d events handed over.", len(ids))
            % {"n": len(ids)},
            messages.SUCCESS,
        )


class AttemptInline(SuperuserOnly, admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    fields = readonly_fields = ("at", "status_code", "error")


@admin.register(Delivery)
class DeliveryAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = (
        "id",
        "event",
        "target",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
    )
    list_filter = ("status", "channel")
    search_fields = ("target", "=event__subject_id")
    list_select_related = ("event",)
    readonly_fields = (
        "event",
        "channel",
        "target",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "created_at",
        "finished_at",
    )
    inlines = [AttemptInline]
    actions = ["retry"]

    @admin.action(description=_("Retry now"))
    def retry(self, request: HttpRequest, queryset) -> None:
        count = outbox.delivery_retry(deliveries=list(queryset))
        self.message_user(
            request,
            ngettext(
                "%(n)d delivery will be tried again.",
                "%(n)d deliveries will be tried again.",
                count,
            )
            % {"n": count},
            messages.SUCCESS,
        )
