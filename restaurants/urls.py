from __future__ import annotations

from django.urls import path

from restaurants import views

app_name = "restaurants"

urlpatterns = [
    path("settings/", views.settings_page, name="settings"),
    path("settings/floor/", views.floor_update, name="floor"),
    path("settings/online/", views.online_update, name="online"),
    path("settings/overrides/", views.override_set, name="override-set"),
    path("settings/overrides/delete/", views.override_delete, name="override-delete"),
    path("restaurant/", views.switch_restaurant, name="switch"),
]
