from __future__ import annotations

from django.urls import path

from bookings.guests import views as guest_views
from bookings.views import booking, dashboard, day, run_sheet, search

app_name = "bookings"

urlpatterns = [
    path("bookings/", day.day, name="day"),
    path("bookings/search/", search.search, name="search"),
    path("bookings/run-sheet/", run_sheet.run_sheet, name="run-sheet"),
    path("bookings/new/", booking.booking_new, name="new"),
    path("bookings/<int:pk>/status/", booking.booking_status, name="status"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("guests/", guest_views.guest_list, name="guests"),
    path("guests/suggest/", guest_views.guest_suggest, name="guest-suggest"),
    path("guests/export/guests.csv", guest_views.export_guests, name="export-guests"),
    path("guests/export/bookings.csv", guest_views.export_bookings, name="export-bookings"),
    path("guests/<int:pk>/", guest_views.guest_detail, name="guest"),
    path("guests/<int:pk>/merge/", guest_views.guest_merge_view, name="guest-merge"),
    path("guests/<int:pk>/forget/", guest_views.guest_forget_view, name="guest-forget"),
]
