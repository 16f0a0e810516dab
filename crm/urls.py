from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from crm import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # The host pages live under /app/, apart from the API's paths.
    path("", RedirectView.as_view(pattern_name="bookings:day", permanent=False), name="home"),
    path(
        "app/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"
    ),
    path("app/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("app/", include("bookings.urls")),
    path("app/", include("restaurants.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
