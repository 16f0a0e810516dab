from __future__ import annotations

from django.urls import path

from assistant.guests import views

app_name = "guest_chat"

urlpatterns = [
    path("<slug:slug>/chat/", views.guest_chat_stream, name="stream"),
]
