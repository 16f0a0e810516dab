from __future__ import annotations

from django import forms
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
from restaurants.team.models import Invitation
from restaurants.team.services import (
    invitation_create,
    invitation_withdraw,
    membership_remove,
    membership_set_role,
    normalize_email,
    removal_check,
    role_change_check,
)


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
        (_("Team"), {"fields": ["require_manager_2fa", "confirmed"]}),
    ]

    # Whether the sign-up address was confirmed is the confirmation link's to say.
    readonly_fields = ["confirmed"]

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


class MembershipAdminForm(forms.ModelForm):
    """A role change is checked against the team's rules before it is saved."""

    class Meta:
        model = Membership
        fields = ["user", "restaurant", "role"]

    def clean(self):
        data = super().clean()
        if self.instance.pk and "role" in data:
            try:
                role_change_check(membership=self.instance, role=data["role"], by=self.request.user)
            except ValidationError as error:
                self.add_error("role", error.message_dict.get("role") or error.messages)
        return data


@admin.register(Membership)
class MembershipAdmin(ManagerAccessMixin, admin.ModelAdmin):
    """Who works where. Managers see and change their restaurants' members (roles, removal,
    through the team's services); adding someone is an invitation. Superusers see everyone."""

    form = MembershipAdminForm
    list_display = ["user", "restaurant", "role", "last_sign_in"]
    list_filter = ["role", "restaurant"]
    search_fields = ["user__username", "user__email", "restaurant__name"]
    autocomplete_fields = ["user", "restaurant"]
    list_select_related = ["user", "restaurant"]

    @admin.display(description=_("last sign-in"), ordering="user__last_login")
    def last_sign_in(self, obj: Membership):
        return obj.user.last_login

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request
        return form

    def get_changeform_initial_data(self, request):
        """Initial values from the address (`?restaurant=3`), keeping only whole numbers: the
        autocomplete widgets look them up, and `?restaurant=abc` would otherwise be a 500."""
        initial = super().get_changeform_initial_data(request)
        for name in ("user", "restaurant"):
            if name in initial:
                try:
                    Membership._meta.get_field(name).target_field.to_python(initial[name])
                except ValidationError:
                    del initial[name]
        return initial

    def get_readonly_fields(self, request, obj=None):
        return ["user", "restaurant"] if obj is not None else []

    def get_list_filter(self, request):
        return self.list_filter if request.user.is_superuser else ["role"]

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is None:
            return self.has_view_permission(request)
        if not self.has_view_permission(request, obj):
            return False
        try:
            removal_check(membership=obj)
        except ValidationError:
            return False  # the last manager stays
        return True

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one member at a time, through the rules
        return actions

    def save_model(self, request, obj: Membership, form, change) -> None:
        if change and "role" in form.changed_data:
            membership_set_role(membership=obj, role=obj.role, by=request.user)
        elif not change:
            super().save_model(request, obj, form, change)

    def delete_model(self, request, obj: Membership) -> None:
        membership_remove(membership=obj, by=request.user)


class InvitationAdminForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["restaurant", "email", "role"]
        widgets = {"role": forms.Select(choices=Membership.Role.choices)}

    def clean(self):
        data = super().clean()
        restaurant, email = data.get("restaurant"), data.get("email")
        if restaurant and email:
            try:
                normalize_email(email)
            except ValidationError as error:
                self.add_error("email", error.messages)
            if Membership.objects.filter(restaurant=restaurant, user__email__iexact=email).exists():
                self.add_error("email", _("Someone with this address is already on the team."))
        if data.get("role") not in Membership.Role.values:
            self.add_error("role", _("Choose host or manager."))
        return data


@admin.register(Invitation)
class InvitationAdmin(ManagerAccessMixin, admin.ModelAdmin):
    """Invitations of the restaurants one manages: send one (it is mailed), withdraw it."""

    form = InvitationAdminForm
    list_display = ["email", "restaurant", "role", "status", "invited_by", "expires_at"]
    list_filter = ["role"]
    search_fields = ["email"]
    list_select_related = ["restaurant", "invited_by"]
    actions = ["withdraw"]

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser or bool(managed_restaurant_ids(request))

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # an invitation is sent or withdrawn, never edited

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("status"))
    def status(self, obj: Invitation) -> str:
        return obj.status()

    def save_model(self, request, obj: Invitation, form, change) -> None:
        invitation = invitation_create(
            restaurant=obj.restaurant,
            email=obj.email,
            role=obj.role,
            by=request.user,
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
        obj.pk = invitation.pk

    @admin.action(description=_("Withdraw the selected invitations"))
    def withdraw(self, request, queryset) -> None:
        for invitation in queryset:
            invitation_withdraw(invitation=invitation, by=request.user)
