"""The Assistant page: a conversation with the AI host, streamed into the page.

The page renders the thread so far (its id travels in the URL, so a reload or a shared link
continues it); `static/js/chat.js` sends each message to `/assistants/chat_stream` with the
session's CSRF token and shows the reply as it streams. Without JavaScript the form posts here
and the reply arrives whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from assistant.client import AssistantNotConfigured, is_configured
from assistant.models import Assistant, Message, Thread
from assistant.services import (
    MESSAGE_MAX,
    UpstreamError,
    assistant_bootstrap,
    chat_reply,
    thread_create,
)
from assistant.tools import describe_stored_result
from restaurants.current import PageRequest, restaurant_required
from restaurants.models import Restaurant
from restaurants.personas import persona_for


@dataclass(frozen=True)
class ChatItem:
    kind: str  # "user", "assistant" or "tool"
    text: str


def chat_items(thread: Thread | None) -> list[ChatItem]:
    """The conversation as people read it: words, and one line per tool the assistant ran."""
    if thread is None:
        return []
    items: list[ChatItem] = []
    tool_names: dict[str, str] = {}
    for message in thread.messages.all():
        if message.role == Message.Role.TOOL:
            name = tool_names.get(message.tool_call_id, "")
            items.append(ChatItem("tool", describe_stored_result(name, message.content)))
            continue
        for call in message.tool_calls or []:
            tool_names[call.get("id", "")] = (call.get("function") or {}).get("name", "")
        if message.content:
            items.append(ChatItem(message.role, message.content))
    return items


def greeting_for(restaurant: Restaurant) -> str:
    greeting = (restaurant.greeting_text or "").strip()  # null when not set
    if greeting:
        return greeting
    return _("Hello! I'm %(host)s, the host of %(restaurant)s. How can I help you?") % {
        "host": persona_for(restaurant.host_choice).name,
        "restaurant": restaurant.name,
    }


def _assistant() -> Assistant:
    return Assistant.objects.filter(public_id=settings.ASSISTANT_ID).first() or (
        assistant_bootstrap()
    )


def _page_url(thread: Thread | None = None) -> str:
    url = reverse("assistant:chat")
    return f"{url}?{urlencode({'thread': thread.public_id})}" if thread else url


@restaurant_required
def chat_page(request: PageRequest) -> HttpResponse:
    restaurant = request.restaurant
    thread_id = request.GET.get("thread") or request.POST.get("thread") or ""
    thread = None
    if thread_id:
        thread = (
            Thread.objects.filter(public_id=thread_id, restaurant=restaurant)
            .select_related("restaurant", "assistant")
            .first()
        )
        if thread is None:
            # Another restaurant's or a deleted conversation: start afresh.
            messages.info(request, _("That conversation is not here; this is a new one."))
            return redirect(_page_url())

    if request.method == "POST":
        return _send_without_javascript(request, thread)

    return render(
        request,
        "assistant/chat.html",
        {
            "assistant": thread.assistant if thread else _assistant(),
            "thread": thread,
            "items": chat_items(thread),
            "greeting": greeting_for(restaurant),
            "configured": is_configured(),
            "message_max": MESSAGE_MAX,
        },
    )


def _send_without_javascript(request: PageRequest, thread: Thread | None) -> HttpResponse:
    text = (request.POST.get("message") or "").strip()
    if not text:
        messages.error(request, _("Write a message first."))
        return redirect(_page_url(thread))
    if len(text) > MESSAGE_MAX:
        messages.error(
            request,
            _("The message is too long (at most %(max)d characters).") % {"max": MESSAGE_MAX},
        )
        return redirect(_page_url(thread))
    if not is_configured():
        messages.error(request, _("The AI host is not configured yet."))
        return redirect(_page_url(thread))
    if thread is None:
        thread = thread_create(
            assistant=_assistant(), restaurant=request.restaurant, user=request.user
        )
    try:
        chat_reply(thread=thread, user=request.user, message=text)
    except (AssistantNotConfigured, UpstreamError) as exc:
        messages.error(
            request, getattr(exc, "message", None) or _("The AI host is not configured yet.")
        )
    return redirect(_page_url(thread))
