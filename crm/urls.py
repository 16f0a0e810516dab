from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from bookings.api import views as bookings_api
from bookings.guests import api as guest_api
from crm import api as crm_api
from crm import views
from crm.tokens import views as token_views
from restaurants import api as restaurants_api

# The brief's API, paths exactly as it has them (no trailing slash), and our additions.
# Path segments are taken as any text and checked by the view, so a bad id or date answers
# 400 naming it, never the HTML 404 of an unmatched URL.
api_patterns = [
    path("auth/login", crm_api.LoginView.as_view(), name="login"),
    path("auth/refresh", crm_api.RefreshView.as_view(), name="refresh"),
    path("auth/logout-all", crm_api.LogoutAllView.as_view(), name="logout-all"),
    path("bookings", bookings_api.BookingCreateApi.as_view(), name="bookings"),
    # Before `bookings/{restaurant_id}/{date}`: "status" and "cancel" are never dates.
    path(
        "bookings/<str:booking_id>/status",
        bookings_api.BookingStatusApi.as_view(),
        name="booking-status",
    ),
    path(
        "bookings/<str:booking_id>/cancel",
        bookings_api.BookingCancelApi.as_view(),
        name="booking-cancel",
    ),
    path(
        "bookings/<str:restaurant_id>/<str:date>", bookings_api.DaySlotsApi.as_view(), name="slots"
    ),
    path("bookings/<str:booking_id>", bookings_api.BookingApi.as_view(), name="booking"),
    path(
        "restaurants/<str:restaurant_id>/settings",
        restaurants_api.SettingsView.as_view(),
        name="settings",
    ),
    path(
        "restaurants/<str:restaurant_id>/bookings",
        bookings_api.DayBookingsApi.as_view(),
        name="day-bookings",
    ),
    *guest_api.urlpatterns,
    path("api/schema", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, as our CSP wants.
    path("api/docs", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]

# Errors no view answered: JSON on API paths; a database outage outside a view is a 503 too.
handler400 = "crm.unavailable.handler400"
handler404 = "crm.unavailable.handler404"
handler500 = "crm.unavailable.handler500"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
    path("", include((api_patterns, "api"))),
    path("assistants/", include("assistant.urls")),
    # The host pages live under /app/, apart from the API's paths.
    path("", RedirectView.as_view(pattern_name="bookings:day", permanent=False), name="home"),
    path(
        "app/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"
    ),
    path("app/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("app/logout-all/", token_views.sign_out_everywhere, name="logout_all"),
    path("app/", include("bookings.urls")),
    path("app/", include("restaurants.urls")),
    path("app/", include("assistant.page_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
