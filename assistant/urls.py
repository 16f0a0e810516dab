from __future__ import annotations

from django.urls import path

from assistant import api

app_name = "assistant"

urlpatterns = [
    path("chat", api.ChatView.as_view(), name="chat"),
    path("chat_stream", api.ChatStreamView.as_view(), name="chat-stream"),
    path("threads/<str:thread_id>", api.ThreadView.as_view(), name="thread"),
]
