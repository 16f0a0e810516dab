from __future__ import annotations

from django.urls import path

from bookings.guests import views as guest_views
from bookings.timeline import views as timeline_views
from bookings.views import booking, dashboard, day, live, panel, run_sheet, search
from bookings.waitlist import views as waitlist_views

app_name = "bookings"

urlpatterns = [
    path("bookings/", day.day, name="day"),
    path("bookings/search/", search.search, name="search"),
    path("bookings/run-sheet/", run_sheet.run_sheet, name="run-sheet"),
    path("bookings/new/", booking.booking_new, name="new"),
    path("bookings/<int:pk>/status/", booking.booking_status, name="status"),
    path("bookings/<int:pk>/", panel.booking_panel, name="panel"),
    path("bookings/<int:pk>/edit/", panel.booking_edit, name="edit"),
    path("bookings/<int:pk>/panel-status/", panel.booking_panel_status, name="panel-status"),
    path("timeline/", timeline_views.timeline, name="timeline"),
    path("walk-in/", waitlist_views.walk_in, name="walk-in"),
    path("waitlist/", waitlist_views.desk, name="desk"),
    path("waitlist/new/", waitlist_views.waitlist_new, name="waitlist-new"),
    path(
        "waitlist/<int:pk>/<str:action>/",
        waitlist_views.waitlist_action,
        name="waitlist-action",
    ),
    path("live/", live.live_poll, name="live"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("guests/", guest_views.guest_list, name="guests"),
    path("guests/suggest/", guest_views.guest_suggest, name="guest-suggest"),
    path("guests/export/guests.csv", guest_views.export_guests, name="export-guests"),
    path("guests/export/bookings.csv", guest_views.export_bookings, name="export-bookings"),
    path("guests/<int:pk>/", guest_views.guest_detail, name="guest"),
    path("guests/<int:pk>/merge/", guest_views.guest_merge_view, name="guest-merge"),
    path("guests/<int:pk>/forget/", guest_views.guest_forget_view, name="guest-forget"),
]
