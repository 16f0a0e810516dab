from __future__ import annotations

from django.urls import path

from bookings import views

app_name = "bookings"

urlpatterns = [
    path("bookings/", views.day, name="day"),
    path("bookings/new/", views.booking_new, name="new"),
    path("bookings/<int:pk>/status/", views.booking_status, name="status"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
