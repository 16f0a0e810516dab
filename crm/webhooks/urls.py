from __future__ import annotations

from django.urls import path

from crm.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("settings/webhooks/", views.webhooks_page, name="settings"),
    path("settings/webhooks/<int:endpoint_id>/remove/", views.endpoint_remove, name="remove"),
    path("settings/webhooks/<int:endpoint_id>/turn-on/", views.endpoint_turn_on, name="turn-on"),
    path(
        "settings/webhooks/deliveries/<int:delivery_id>/replay/",
        views.delivery_replay,
        name="replay",
    ),
]
