"""The Settings page (managers edit, hosts read) and the sidebar's restaurant switcher."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from crm.webhooks.models import WebhookEndpoint
from restaurants.current import PageRequest, choose_restaurant, manager_required
from restaurants.forms import (
    OnlineBookingForm,
    OverrideDeleteForm,
    OverrideForm,
    PacingForm,
    SettingsForm,
    SwitchForm,
    TableFormSet,
    VisitLengthFormSet,
)
from restaurants.models import Restaurant, Table, TableCountOverride, VisitLength
from restaurants.selectors import restaurant_for_user
from restaurants.services import (
    SETTINGS_FIELDS,
    TableInUse,
    floor_save,
    restaurant_update_online,
    restaurant_update_settings,
    table_override_delete,
    table_override_set,
)

FORM_FIELDS = tuple(SettingsForm.base_fields)


def _overrides(restaurant) -> list[TableCountOverride]:
    return list(
        TableCountOverride.objects.filter(restaurant=restaurant, date__gte=restaurant.today())
    )


def _floor_forms(restaurant, data=None) -> dict:
    """The floor's three forms: its tables, its visit lengths and its pacing."""
    tables = Table.objects.filter(restaurant=restaurant)
    last = tables.order_by("-position").values_list("position", flat=True).first()
    return {
        "tables": TableFormSet(
            data,
            prefix="tables",
            queryset=tables,
            initial=[{"position": 0 if last is None else last + 1}],
        ),
        "visits": VisitLengthFormSet(
            data, prefix="visits", queryset=VisitLength.objects.filter(restaurant=restaurant)
        ),
        "pacing": PacingForm(data, initial={"pacing_covers": restaurant.pacing_covers}),
    }


def _online_context(request, form=None) -> dict:
    """The online-booking form, the page's address and the snippet that embeds it."""
    restaurant = request.restaurant
    if form is None:
        form = OnlineBookingForm(instance=restaurant)
    if not request.can_manage:
        for field in form.fields.values():
            field.disabled = True
    page_url = request.build_absolute_uri(reverse("public:page", args=[restaurant.slug]))
    script_url = request.build_absolute_uri(static("js/embed.js"))
    snippet = (
        f'<iframe src="{page_url}" title="{_("Book a table")}" data-restaurant-booking '
        'style="width:100%;max-width:42rem;height:640px;border:0"></iframe>\n'
        f'<script src="{script_url}" async></script>'
    )
    return {"online_form": form, "online_url": page_url, "embed_snippet": snippet}


def _render(
    request, *, form=None, override_form=None, floor=None, online_form=None
) -> HttpResponse:
    """The page, with a bound form's errors when a save was refused (200, as Django does)."""
    restaurant = request.restaurant
    if form is None:
        form = SettingsForm(initial={f: getattr(restaurant, f) for f in FORM_FIELDS})
    if not request.can_manage:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "restaurants/settings.html",
        {
            "form": form,
            "override_form": override_form or OverrideForm(),
            "overrides": _overrides(restaurant),
            "slot_times": restaurant.slot_times(),
            "floor": floor or _floor_forms(restaurant),
            **_online_context(request, online_form),
            "webhooks_off": list(
                WebhookEndpoint.objects.filter(
                    restaurant=restaurant, is_active=False, disabled_at__isnull=False
                )
            )
            if request.can_manage
            else [],
        },
    )


# Hosts read the settings; only managers change them.
SETTINGS_MANAGERS = {"message": gettext_lazy("Only a manager can change the settings.")}


@require_http_methods(["GET", "POST"])
@manager_required(methods={"POST"}, **SETTINGS_MANAGERS)
def settings_page(request: PageRequest) -> HttpResponse:
    restaurant = request.restaurant
    if request.method == "GET":
        return _render(request)
    form = SettingsForm(request.POST)
    if form.is_valid():
        changes = {f: v for f, v in form.cleaned_data.items() if f in SETTINGS_FIELDS}
        try:
            restaurant_update_settings(restaurant=restaurant, **changes)
        except ValidationError as exc:
            restaurant.refresh_from_db()
            for field, errors in exc.message_dict.items():
                target = field if field in form.fields else None
                for error in errors:
                    form.add_error(target, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("restaurants:settings")
    return _render(request, form=form)


def _rows(formset) -> list[tuple[object, dict | None]]:
    """(row as it was or None, its new fields or None to delete) for each row that changed."""
    rows = []
    for form in formset.forms:
        instance = form.instance if form.instance.pk else None
        if form in formset.deleted_forms:
            if instance is not None:
                rows.append((instance, None))
        elif form.has_changed():
            fields = {k: v for k, v in form.cleaned_data.items() if k not in ("id", "DELETE")}
            rows.append((instance, fields))
    return rows


@require_POST
@manager_required(**SETTINGS_MANAGERS)
def floor_update(request: PageRequest) -> HttpResponse:
    """The floor: tables, visit lengths and pacing, saved together or not at all."""
    restaurant = request.restaurant
    floor = _floor_forms(restaurant, request.POST)
    if all(form.is_valid() for form in floor.values()):
        try:
            floor_save(
                restaurant=restaurant,
                tables=_rows(floor["tables"]),
                visit_lengths=_rows(floor["visits"]),
                pacing_covers=floor["pacing"].cleaned_data["pacing_covers"],
            )
        except TableInUse as exc:
            floor["tables"]._non_form_errors = floor["tables"].error_class([str(exc)])
        except ValidationError as exc:
            restaurant.refresh_from_db()
            errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            target = floor["visits"] if "up_to_party" in errors or "minutes" in errors else None
            target = target or floor["tables"]
            target._non_form_errors = target.error_class(
                [message for messages_ in errors.values() for message in messages_]
            )
        else:
            messages.success(request, _("Floor saved."))
            return redirect(reverse("restaurants:settings") + "#floor")
    return _render(request, floor=floor)


@require_POST
@manager_required(**SETTINGS_MANAGERS)
def online_update(request: PageRequest) -> HttpResponse:
    """Online booking: the guests' page on or off, its address, rules and framing sites."""
    restaurant = request.restaurant
    form = OnlineBookingForm(request.POST, instance=Restaurant.objects.get(pk=restaurant.pk))
    if form.is_valid():
        try:
            restaurant_update_online(
                restaurant=restaurant,
                **{f: form.cleaned_data[f] for f in OnlineBookingForm.Meta.fields},
            )
        except ValidationError as exc:
            restaurant.refresh_from_db()
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Online booking saved."))
            return redirect(reverse("restaurants:settings") + "#online")
    return _render(request, online_form=form)


@require_POST
@manager_required(**SETTINGS_MANAGERS)
def override_set(request: PageRequest) -> HttpResponse:
    form = OverrideForm(request.POST)
    if form.is_valid():
        date = form.cleaned_data["date"]
        if date < request.restaurant.today():
            form.add_error("date", _("That date has already passed."))
        else:
            table_override_set(restaurant=request.restaurant, **form.cleaned_data)
            messages.success(
                request,
                _("%(date)s: %(count)d tables.")
                % {"date": date.isoformat(), "count": form.cleaned_data["table_count"]},
            )
            return redirect(reverse("restaurants:settings") + "#overrides")
    return _render(request, override_form=form)


@require_POST
@manager_required(**SETTINGS_MANAGERS)
def override_delete(request: PageRequest) -> HttpResponse:
    form = OverrideDeleteForm(request.POST)
    if form.is_valid():
        table_override_delete(restaurant=request.restaurant, date=form.cleaned_data["date"])
        messages.success(request, _("The usual table count applies again."))
    return redirect(reverse("restaurants:settings") + "#overrides")


@require_POST
@login_required
def switch_restaurant(request: HttpRequest) -> HttpResponse:
    """Work at another of the user's restaurants; a foreign id is refused like a missing one."""
    form = SwitchForm(request.POST)
    restaurant = None
    if form.is_valid():
        restaurant = restaurant_for_user(
            user=request.user, restaurant_id=form.cleaned_data["restaurant"]
        )
    if restaurant is None:
        messages.error(request, _("That restaurant is not available."))
    else:
        choose_restaurant(request, restaurant)
    next_url = form.data.get("next") or ""
    # Back to a page of this site only: a path of ours, never a bare word (which `redirect` would
    # take for a view name) or another host.
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("bookings:day")
    return HttpResponseRedirect(next_url)
