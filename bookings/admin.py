from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bookings.exceptions import BookingInvalid, SlotFull
from bookings.models import Booking, Guest, WaitlistEntry
from bookings.services import booking_set_status, booking_update
from restaurants.admin import ManagerAccessMixin


def _status_action(status: str, label: str):
    @admin.action(description=label)
    def action(modeladmin: BookingAdmin, request: HttpRequest, queryset: QuerySet[Booking]):
        changed, refused = 0, []
        for booking in queryset.select_related("restaurant"):
            try:
                booking_set_status(booking=booking, status=status)
                changed += 1
            except (BookingInvalid, SlotFull) as exc:
                refused.append(f"{booking}: {exc}")
        if changed:
            modeladmin.message_user(request, _("%d bookings changed.") % changed, messages.SUCCESS)
        for line in refused:
            modeladmin.message_user(request, line, messages.WARNING)

    action.__name__ = f"mark_{status}"
    return action


@admin.register(Booking)
class BookingAdmin(ManagerAccessMixin, admin.ModelAdmin):
    """Bookings are made on the Bookings page and through the API, where tables are counted;
    here they are read, annotated and moved along their status."""

    list_display = [
        "id",
        "date",
        "time_slot",
        "client_name",
        "party_size",
        "phone",
        "status",
        "source",
        "restaurant",
        "created_at",
    ]
    list_filter = ["status", "source", "restaurant", "date"]
    search_fields = ["client_name", "phone", "email", "notes"]
    date_hierarchy = "date"
    list_select_related = ["restaurant"]
    readonly_fields = [
        "restaurant",
        "guest",
        "date",
        "time_slot",
        "ends_at",
        "table_names",
        "client_name",
        "party_size",
        "phone",
        "email",
        "status",
        "source",
        "created_by",
        "created_at",
        "updated_at",
    ]
    fields = [*readonly_fields[:12], "notes", *readonly_fields[12:]]
    actions = [
        _status_action(Booking.Status.SEATED, _("Mark seated")),
        _status_action(Booking.Status.COMPLETED, _("Mark completed")),
        _status_action(Booking.Status.NO_SHOW, _("Mark no-show")),
        _status_action(Booking.Status.CANCELLED, _("Cancel")),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("tables"))
    def table_names(self, obj: Booking) -> str:
        return obj.table_names or "—"

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def save_model(self, request: HttpRequest, obj: Booking, form, change: bool) -> None:
        """Only the notes are editable here, and they are written through the booking core:
        saving the whole form would write back a status or slot changed since it was opened."""
        if "notes" in form.changed_data:
            booking_update(booking=obj, notes=form.cleaned_data["notes"])


@admin.register(Guest)
class GuestAdmin(ManagerAccessMixin, admin.ModelAdmin):
    list_display = ["name", "phone", "email", "restaurant", "created_at"]
    list_filter = ["restaurant"]
    search_fields = ["name", "phone", "email", "notes"]
    list_select_related = ["restaurant"]
    readonly_fields = ["created_at", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or super().has_view_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ManagerAccessMixin, admin.ModelAdmin):
    """The waitlist is kept at the front desk (the timeline's desk and the API), where waits are
    quoted and parties seated through the booking core; here it is read."""

    list_display = ["name", "party_size", "date", "status", "quoted_minutes", "created_at"]
    list_filter = ["status", "date"]
    search_fields = ["name", "phone"]
    ordering = ["-date", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
