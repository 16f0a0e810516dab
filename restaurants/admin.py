from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from restaurants.models import (
    NULLABLE_SETTINGS,
    Membership,
    Restaurant,
    Table,
    TableCountOverride,
    VisitLength,
)
from restaurants.services import table_in_use, table_in_use_message


def managed_restaurant_ids(request: HttpRequest) -> set[int]:
    """The restaurants the signed-in user manages; looked up once per request."""
    if not hasattr(request, "_managed_restaurant_ids"):
        user = request.user
        request._managed_restaurant_ids = (
            set(
                Membership.objects.filter(user=user, role=Membership.Role.MANAGER).values_list(
                    "restaurant_id", flat=True
                )
            )
            if user.is_authenticated and user.is_active and user.is_staff
            else set()
        )
    return request._managed_restaurant_ids


class ManagerAccessMixin:
    """Managers (staff members with the manager role) see and edit only their restaurants."""

    restaurant_path = "restaurant"

    def _restaurant_id(self, obj) -> int | None:
        return obj.pk if isinstance(obj, Restaurant) else obj.restaurant_id

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or bool(managed_restaurant_ids(request))

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        ids = managed_restaurant_ids(request)
        return bool(ids) if obj is None else self._restaurant_id(obj) in ids

    has_change_permission = has_view_permission

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "restaurant" and not request.user.is_superuser:
            kwargs["queryset"] = Restaurant.objects.filter(pk__in=managed_restaurant_ids(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        field = "pk" if self.model is Restaurant else f"{self.restaurant_path}_id"
        return qs.filter(**{f"{field}__in": managed_restaurant_ids(request)})


class RestaurantPartInline(admin.TabularInline):
    """A part of the restaurant its managers edit with it (the restaurant admin checks who)."""

    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return True

    def has_change_permission(self, request, obj=None) -> bool:
        return True

    def has_delete_permission(self, request, obj=None) -> bool:
        return True

    def has_view_permission(self, request, obj=None) -> bool:
        return True


class TableCountOverrideInline(RestaurantPartInline):
    model = TableCountOverride
    fields = ["date", "table_count", "note"]
    verbose_name_plural = _(
        "Tables per date (on a described floor: the first N tables in order stay open)"
    )


class TablesFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk and table_in_use(form.instance):
                raise ValidationError(table_in_use_message(form.instance))


class TableInline(RestaurantPartInline):
    """The floor: with no tables, the restaurant books `tables` identical ones per slot."""

    model = Table
    formset = TablesFormSet
    fields = [
        "position",
        "name",
        "min_seats",
        "max_seats",
        "area",
        "combination_group",
        "is_active",
    ]
    ordering = ["position", "id"]


class VisitLengthInline(RestaurantPartInline):
    model = VisitLength
    fields = ["up_to_party", "minutes"]
    verbose_name_plural = _("Visit lengths (with none, a visit lasts one slot)")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Restaurant)
class RestaurantAdmin(ManagerAccessMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "name",
        "default_table_count",
        "opening_time",
        "closing_time",
        "slot_minutes",
        "time_zone",
        "host_choice",
        "slug",
        "online_booking",
    ]
    list_display_links = ["id", "name"]
    search_fields = ["name"]
    list_filter = ["time_zone", "host_choice"]
    fieldsets = [
        (None, {"fields": ["name", "default_table_count", "country", "time_zone"]}),
        ("Hours", {"fields": ["opening_time", "closing_time", "slot_minutes", "pacing_covers"]}),
        ("AI host", {"fields": ["host_choice", "greeting_text", "info_text"]}),
        (
            _("Online booking"),
            {
                "fields": [
                    "online_booking",
                    "slug",
                    "public_phone",
                    "online_min_notice_minutes",
                    "online_days_ahead",
                    "online_max_party",
                    "online_change_cutoff_minutes",
                    "online_policy_text",
                    "online_frame_origins",
                ]
            },
        ),
        (_("Guests' e-mails"), {"fields": ["reminder_hours"]}),
    ]
    inlines = [TableInline, VisitLengthInline, TableCountOverrideInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # An emptied text is stored as null, "not set", as the API and the Settings page store
        # it (Django's text fields would store ""; its choice fields already give None).
        if db_field.name in NULLABLE_SETTINGS and not db_field.choices:
            kwargs.setdefault("empty_value", None)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_inlines(self, request, obj):
        # Managers edit the settings; who works where is for superusers.
        if request.user.is_superuser:
            return [*self.inlines, MembershipInline]
        return self.inlines

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "restaurant", "role"]
    list_filter = ["role", "restaurant"]
    search_fields = ["user__username", "restaurant__name"]
    autocomplete_fields = ["user", "restaurant"]
