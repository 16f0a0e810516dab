from __future__ import annotations

from django.urls import path

from bookings.public import views

app_name = "public"

urlpatterns = [
    path("<slug:slug>/", views.booking_page, name="page"),
    path("<slug:slug>/book/", views.booking_submit, name="book"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("manage/<str:token>/cancel/", views.manage_cancel, name="cancel"),
    path("manage/<str:token>/change/", views.manage_change, name="change"),
    path("manage/<str:token>/booking.ics", views.manage_ics, name="ics"),
]
