from __future__ import annotations

from django.urls import path

from bookings import views
from bookings.guests import views as guest_views

app_name = "bookings"

urlpatterns = [
    path("bookings/", views.day, name="day"),
    path("bookings/new/", views.booking_new, name="new"),
    path("bookings/<int:pk>/status/", views.booking_status, name="status"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("guests/", guest_views.guest_list, name="guests"),
    path("guests/suggest/", guest_views.guest_suggest, name="guest-suggest"),
    path("guests/export/guests.csv", guest_views.export_guests, name="export-guests"),
    path("guests/export/bookings.csv", guest_views.export_bookings, name="export-bookings"),
    path("guests/<int:pk>/", guest_views.guest_detail, name="guest"),
    path("guests/<int:pk>/merge/", guest_views.guest_merge_view, name="guest-merge"),
    path("guests/<int:pk>/forget/", guest_views.guest_forget_view, name="guest-forget"),
]
