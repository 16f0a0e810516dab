"""The guests' chat on the public booking page: one turn, streamed as Server-Sent Events.

No sign-in: the conversation's id (unguessable) is what continues it, and it must be a guest's
conversation of this very restaurant. Messages count against the chat limit per address.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assistant.api.views import sse
from assistant.client import AssistantNotConfigured, is_configured
from assistant.models import Thread
from assistant.services import MESSAGE_MAX, chat_stream, thread_create
from assistant.views import _assistant
from bookings.public import limits, selectors
from bookings.public.views import public_language, same_origin_post


def _error(message: str, status: int, **headers: str) -> JsonResponse:
    response = JsonResponse({"detail": message}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


@require_POST
@same_origin_post
@public_language
def guest_chat_stream(request: HttpRequest, slug: str) -> HttpResponse:
    restaurant = selectors.online_restaurant(slug)
    try:
        body = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _error(_('Send JSON: {"message": "…"}.'), 400)
    if not isinstance(body, dict):
        return _error(_('Send JSON: {"message": "…"}.'), 400)
    message = body.get("message")
    if not isinstance(message, str) or not message.strip():
        return _error(_("message: write a message first."), 400)
    if len(message) > MESSAGE_MAX:
        return _error(_("message: at most %(max)d characters.") % {"max": MESSAGE_MAX}, 400)
    thread_id = body.get("thread_id") or ""
    thread = None
    if not isinstance(thread_id, str):
        return _error(_("thread_id: no such conversation."), 404)
    if thread_id:
        thread = (
            Thread.objects.filter(public_id=str(thread_id), restaurant=restaurant, for_guests=True)
            .select_related("restaurant", "assistant")
            .first()
        )
        if thread is None:
            return _error(_("thread_id: no such conversation."), 404)
    if not is_configured():
        return _error(_("The AI host is not available right now."), 503)
    try:
        limits.hit("chat-ip", limits.client_address(request))
    except limits.Limited as exc:
        return _error(
            _("Too many messages. Please try again later."),
            429,
            **{"Retry-After": str(exc.retry_after)},
        )
    if thread is None:
        thread = thread_create(assistant=_assistant(), restaurant=restaurant, user=None)
        thread.for_guests = True
        thread.save(update_fields=["for_guests"])
    try:
        events = chat_stream(thread=thread, user=None, message=message.strip())
    except AssistantNotConfigured:
        return _error(_("The AI host is not available right now."), 503)
    response = StreamingHttpResponse(sse(events), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
