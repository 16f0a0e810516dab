"""One's own account page: two-factor sign-in on and off, recovery codes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from crm.accounts.services import (
    recovery_codes_renew,
    totp_confirm,
    totp_pending,
    totp_qr_svg,
    totp_secret,
    totp_start,
    two_factor_disable,
    two_factor_enabled,
)
from crm.accounts.views import CodeForm
from restaurants.current import PageRequest, restaurant_required, two_factor_exempt


def _render(request: PageRequest, *, form=None, codes=None, status: int = 200) -> HttpResponse:
    user = request.user
    pending = None if two_factor_enabled(user) else totp_pending(user)
    return render(
        request,
        "restaurants/team/account.html",
        {
            "enabled": two_factor_enabled(user),
            "pending": pending,
            "qr_svg": totp_qr_svg(pending) if pending else "",
            "secret": totp_secret(pending) if pending else "",
            "form": form or CodeForm(),
            "codes": codes,
            "required": request.restaurant.require_manager_2fa and request.can_manage,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD"])
@restaurant_required
@two_factor_exempt
def account_page(request: PageRequest) -> HttpResponse:
    return _render(request)


@require_POST
@restaurant_required
@two_factor_exempt
def two_factor_start(request: PageRequest) -> HttpResponse:
    if not two_factor_enabled(request.user):
        totp_start(user=request.user)
    return redirect("team:account")


@require_POST
@restaurant_required
@two_factor_exempt
def two_factor_confirm(request: PageRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            device, codes = totp_confirm(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error.message_dict["code"])
        else:
            # This session has just proven the second factor.
            from django_otp import login as otp_login

            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return _render(request, codes=codes)
    return _render(request, form=form)


@require_POST
@restaurant_required
@two_factor_exempt
def two_factor_off(request: PageRequest) -> HttpResponse:
    if request.restaurant.require_manager_2fa and request.can_manage:
        messages.error(request, _("This restaurant requires two-factor sign-in of its managers."))
        return redirect("team:account")
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            two_factor_disable(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error.message_dict["code"])
        else:
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("team:account")
    return _render(request, form=form)


@require_POST
@restaurant_required
def recovery_codes(request: PageRequest) -> HttpResponse:
    if not two_factor_enabled(request.user):
        return redirect("team:account")
    return _render(request, codes=recovery_codes_renew(user=request.user))
