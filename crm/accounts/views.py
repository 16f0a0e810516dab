"""Sign-in (with a second step for two-factor), and password reset: Django's views, with our
forms, templates and an abuse limit."""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from crm.accounts.forms import ResetForm
from crm.accounts.services import code_check, two_factor_enabled
from crm.ratelimit import within_limit


class SignInView(auth_views.LoginView):
    """Django's sign-in page, which also offers sign-up when it is open."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "signup_open": settings.SIGNUP_OPEN}

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor_enabled(user):
            return super().form_valid(form)
        # The password was right; the session is signed in only once the code is too.
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_redirect_url(),
            "at": time.time(),
            "tries": 0,
        }
        return redirect("login_code")


class ResetRequestView(auth_views.PasswordResetView):
    form_class = ResetForm
    success_url = reverse_lazy("password_reset_done")

    def post(self, request, *args, **kwargs) -> HttpResponse:
        if not within_limit(
            request, scope="password-reset", limit=settings.PASSWORD_RESET_LIMIT_PER_HOUR
        ):
            return render(request, "registration/too_many.html", status=429)
        return super().post(request, *args, **kwargs)


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs.update({"class": "input"})
        return form


PENDING_KEY = "_two_factor_pending"
PENDING_TRIES = 5


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        help_text=gettext_lazy(
            "The 6 digits your authenticator app shows, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={
                "class": "input",
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "none",
                "autofocus": True,
            }
        ),
    )


def _pending_user(request: HttpRequest):
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > settings.TWO_FACTOR_PENDING_SECONDS:
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step of a sign-in with two-factor on: the password was right, now the code."""
    user, pending = _pending_user(request)
    if user is None:
        request.session.pop(PENDING_KEY, None)
        messages.error(request, _("Sign in again: the code was not entered in time."))
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = code_check(user=user, code=form.cleaned_data["code"])
        if device is not None:
            request.session.pop(PENDING_KEY, None)
            user.otp_device = device  # django-otp marks the session verified on login()
            auth_login(request, user, backend=pending["backend"])
            return redirect(pending["next"] or resolve_url(settings.LOGIN_REDIRECT_URL))
        pending["tries"] = pending.get("tries", 0) + 1
        if pending["tries"] >= PENDING_TRIES:
            request.session.pop(PENDING_KEY, None)
            messages.error(request, _("Too many wrong codes. Sign in again."))
            return redirect("login")
        request.session[PENDING_KEY] = pending
        form.add_error("code", _("That code is not right. Try the newest one."))
    return render(request, "registration/sign_in_code.html", {"form": form})
