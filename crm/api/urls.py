"""Every API path, in one table: the v1 API (docs/api-v1.md), paths exactly as it has them (no
trailing slash), and our additions.

Path segments are taken as any text and checked by the view, so a bad id or date answers 400
naming it, never the 404 of an unmatched URL. Errors on these paths are JSON because they are in
this namespace (`crm.unavailable.is_api_path`).
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from assistant.api import views as assistant
from bookings.api import views as bookings
from bookings.guests import api as guests
from bookings.waitlist import api as waitlist
from crm.api import auth
from restaurants.api import views as restaurants
from restaurants.team import api as team

app_name = "api"

urlpatterns = [
    path("auth/login", auth.LoginApi.as_view(), name="login"),
    path("auth/refresh", auth.TokenRefreshApi.as_view(), name="refresh"),
    path("auth/logout-all", auth.LogoutAllApi.as_view(), name="logout-all"),
    path("auth/password-reset", auth.PasswordResetApi.as_view(), name="password-reset"),
    path("bookings", bookings.BookingCreateApi.as_view(), name="bookings"),
    # Before `bookings/{restaurant_id}/{date}`: "status" and "cancel" are never dates.
    path(
        "bookings/<str:booking_id>/status",
        bookings.BookingStatusApi.as_view(),
        name="booking-status",
    ),
    path(
        "bookings/<str:booking_id>/cancel",
        bookings.BookingCancelApi.as_view(),
        name="booking-cancel",
    ),
    path("bookings/<str:restaurant_id>/<str:date>", bookings.DaySlotsApi.as_view(), name="slots"),
    path("bookings/<str:booking_id>", bookings.BookingApi.as_view(), name="booking"),
    path(
        "restaurants/<str:restaurant_id>/settings",
        restaurants.SettingsApi.as_view(),
        name="settings",
    ),
    path("restaurants/<str:restaurant_id>/tables", restaurants.TablesApi.as_view(), name="tables"),
    path("restaurants/<str:restaurant_id>/team", team.TeamApi.as_view(), name="team"),
    path(
        "restaurants/<str:restaurant_id>/invitations",
        team.InvitationsApi.as_view(),
        name="team-invite",
    ),
    path(
        "restaurants/<str:restaurant_id>/members/<str:member_id>",
        team.MemberApi.as_view(),
        name="team-member",
    ),
    path("tables/<str:table_id>", restaurants.TableApi.as_view(), name="table"),
    path(
        "restaurants/<str:restaurant_id>/bookings",
        bookings.DayBookingsApi.as_view(),
        name="day-bookings",
    ),
    path(
        "restaurants/<str:restaurant_id>/waitlist", waitlist.WaitlistApi.as_view(), name="waitlist"
    ),
    path("restaurants/<str:restaurant_id>/walk-ins", waitlist.WalkInApi.as_view(), name="walk-ins"),
    path(
        "waitlist/<str:waitlist_id>/seat", waitlist.WaitlistSeatApi.as_view(), name="waitlist-seat"
    ),
    path("waitlist/<str:waitlist_id>", waitlist.WaitlistEntryApi.as_view(), name="waitlist-entry"),
    path("restaurants/<str:restaurant_id>/guests", guests.GuestListApi.as_view(), name="guests"),
    path(
        "restaurants/<str:restaurant_id>/export/guests.csv",
        guests.GuestsExportApi.as_view(),
        name="export-guests",
    ),
    path(
        "restaurants/<str:restaurant_id>/export/bookings.csv",
        guests.BookingsExportApi.as_view(),
        name="export-bookings",
    ),
    path(
        "guests/<str:guest_id>/bookings", guests.GuestBookingsApi.as_view(), name="guest-bookings"
    ),
    path("guests/<str:guest_id>/merge", guests.GuestMergeApi.as_view(), name="guest-merge"),
    path("guests/<str:guest_id>", guests.GuestApi.as_view(), name="guest"),
    path("assistants/chat", assistant.ChatApi.as_view(), name="assistant-chat"),
    path(
        "assistants/chat_stream",
        assistant.ChatStreamApi.as_view(),
        name="assistant-chat-stream",
    ),
    path(
        "assistants/threads/<str:thread_id>",
        assistant.ThreadApi.as_view(),
        name="assistant-thread",
    ),
    path("api/schema", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, as our CSP wants.
    path("api/docs", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
