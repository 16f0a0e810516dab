from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from crm import views
from crm.accounts import views as account_views
from crm.tokens import views as token_views

# Errors no view answered: JSON on API paths; a database outage outside a view is a 503 too.
handler400 = "crm.unavailable.handler400"
handler404 = "crm.unavailable.handler404"
handler500 = "crm.unavailable.handler500"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
    # The API, at the root as the v1 paths are: every path of it in crm/api/urls.py.
    path("", include("crm.api.urls")),
    # The host pages live under /app/, apart from the API's paths.
    path("", RedirectView.as_view(pattern_name="bookings:day", permanent=False), name="home"),
    path("app/login/", account_views.SignInView.as_view(), name="login"),
    path("app/login/code/", account_views.sign_in_code, name="login_code"),
    path("app/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("app/logout-all/", token_views.sign_out_everywhere, name="logout_all"),
    path("app/password-reset/", account_views.ResetRequestView.as_view(), name="password_reset"),
    path(
        "app/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "app/password-reset/<uidb64>/<token>/",
        account_views.ResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "app/password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("app/", include("bookings.urls")),
    path("app/", include("restaurants.urls")),
    path("app/", include("crm.webhooks.urls")),
    path("app/", include("restaurants.team.urls")),
    path("app/", include("assistant.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The guests' booking pages: no sign-in, one per restaurant that books online.
    path("r/", include("bookings.public.urls")),
    path("r/", include("assistant.guests.urls")),
]
