"""Password reset pages: Django's views, with our form, templates and an abuse limit."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from crm.accounts.forms import ResetForm
from crm.ratelimit import within_limit


class SignInView(auth_views.LoginView):
    """Django's sign-in page, which also offers sign-up when it is open."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "signup_open": settings.SIGNUP_OPEN}


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
