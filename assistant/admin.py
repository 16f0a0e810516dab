from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from assistant.models import Assistant, Message, Thread
from restaurants.admin import ManagerAccessMixin


@admin.register(Assistant)
class AssistantAdmin(admin.ModelAdmin):
    list_display = ["public_id", "name", "model", "updated_at"]
    search_fields = ["public_id", "name"]


class MessageInline(admin.TabularInline):
    """A thread's messages as the model saw them; history is not edited."""

    model = Message
    extra = 0
    can_delete = False
    fields = ["created_at", "role", "content", "tool_calls", "tool_call_id"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return True


@admin.register(Thread)
class ThreadAdmin(ManagerAccessMixin, admin.ModelAdmin):
    list_display = [
        "public_id",
        "restaurant",
        "assistant",
        "created_by",
        "created_at",
        "updated_at",
    ]
    list_filter = ["restaurant", "assistant"]
    search_fields = ["public_id", "messages__content"]
    readonly_fields = ["public_id", "restaurant", "assistant", "created_by", "created_at"]
    fields = readonly_fields
    list_select_related = ["restaurant", "assistant", "created_by"]
    inlines = [MessageInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
