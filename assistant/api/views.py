"""The AI host's API: the v1 `/assistants/chat` and `/assistants/chat_stream`, and a
thread's messages. Documentation in `schema.py`.

JWT callers talk for the restaurant their token names (or `restaurant_id` in the body, if they
work there); the chat page's session callers for the restaurant they have chosen. Validation
and lookups happen before anything is written or streamed, so every refusal is plain JSON.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTAuthentication

from assistant.api import schema
from assistant.api.serializers import ChatInput
from assistant.client import AssistantNotConfigured, is_configured
from assistant.models import Assistant, Thread
from assistant.services import (
    UpstreamError,
    UpstreamTimeout,
    chat_reply,
    chat_stream,
    thread_create,
)
from crm.api.jwt import token_restaurant_id, token_role
from restaurants.models import Restaurant
from restaurants.selectors import restaurants_for_user


class NotConfigured(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = gettext_lazy(
        "The AI host is not configured: set OPENAI_API_KEY (or OPENAI_BASE_URL for an "
        "OpenAI-compatible server) and restart."
    )
    default_code = "assistant_not_configured"


class BadGateway(APIException):
    status_code = status.HTTP_502_BAD_GATEWAY
    default_code = "upstream_error"


class GatewayTimeout(APIException):
    status_code = status.HTTP_504_GATEWAY_TIMEOUT
    default_code = "upstream_timeout"


def validated(serializer_class: type[serializers.Serializer], data: object) -> dict:
    """The input, or a 400 naming the wrong fields (in the API's one error format)."""
    if not isinstance(data, dict):
        raise ValidationError(_("Send a JSON object."))
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class AssistantAPIView(APIView):
    """JWT for API clients; the session (with its CSRF check) for the chat page."""

    authentication_classes = [*api_settings.DEFAULT_AUTHENTICATION_CLASSES, SessionAuthentication]

    def perform_content_negotiation(self, request: Request, force: bool = False):
        # A client asking for `text/event-stream` still gets its errors as JSON.
        return super().perform_content_negotiation(request, force=True)

    def restaurant(self, request: Request, restaurant_id: int | None = None) -> Restaurant:
        # The project's JWT class (a JWTAuthentication) or the page's session.
        if isinstance(request.successful_authenticator, JWTAuthentication):
            restaurant_id = restaurant_id or token_restaurant_id(request)
            if restaurant_id is None or token_role(request, restaurant_id) is None:
                raise NotFound(_("Restaurant not found."))
            restaurant = Restaurant.objects.filter(pk=restaurant_id).first()
        else:
            # The same choice as the pages make: the session's, else the first by name.
            mine = restaurants_for_user(user=request.user).order_by("name", "pk")
            chosen = restaurant_id or request.session.get("restaurant_id")
            restaurant = mine.filter(pk=chosen).first() if chosen else None
            if restaurant is None and restaurant_id is None:
                # The session's choice may be stale; an explicit one is not second-guessed.
                restaurant = mine.first()
        if restaurant is None:
            raise NotFound(_("Restaurant not found."))
        return restaurant

    def thread(self, restaurant: Restaurant, thread_id: str, **filters: object) -> Thread:
        thread = (
            Thread.objects.select_related("restaurant", "assistant")
            .filter(public_id=thread_id, restaurant=restaurant, **filters)
            .first()
        )
        if thread is None:
            # Another restaurant's thread is answered exactly as a missing one.
            raise NotFound(_("Thread not found."))
        return thread

    def start_turn(self, request: Request) -> tuple[Thread, str]:
        data = validated(ChatInput, request.data)
        message = data["message"]  # trimmed; blank is refused
        restaurant = self.restaurant(request, data.get("restaurant_id"))
        assistant = Assistant.objects.filter(public_id=data["assistant_id"]).first()
        if assistant is None:
            raise NotFound(_("Assistant not found."))
        thread_id = data.get("thread_id")
        thread = self.thread(restaurant, thread_id, assistant=assistant) if thread_id else None
        if not is_configured():
            raise NotConfigured
        if thread is None:
            thread = thread_create(assistant=assistant, restaurant=restaurant, user=request.user)
        return thread, message


class ChatApi(AssistantAPIView):
    """`POST /assistants/chat`: one turn, answered whole."""

    @schema.chat
    def post(self, request: Request) -> Response:
        thread, message = self.start_turn(request)
        try:
            answer = chat_reply(thread=thread, user=request.user, message=message)
        except AssistantNotConfigured:
            raise NotConfigured from None
        except UpstreamTimeout as exc:
            raise GatewayTimeout(exc.message) from None
        except UpstreamError as exc:
            raise BadGateway(exc.message) from None
        return Response({"thread_id": thread.public_id, "assistant_message": answer})


def sse(events: Generator[dict, None, None]) -> Iterator[str]:
    """Server-Sent Events framing: one `data:` line of JSON per event."""
    try:
        for event in events:
            yield f"data: {json.dumps(event, ensure_ascii=False)}\n\n"
    finally:
        # A client gone away closes this generator; close the turn too, so it stops upstream.
        events.close()


class ChatStreamApi(AssistantAPIView):
    """`POST /assistants/chat_stream`: the turn as Server-Sent Events, each sent as it comes."""

    @schema.chat_stream
    def post(self, request: Request) -> StreamingHttpResponse:
        thread, message = self.start_turn(request)
        try:
            events = chat_stream(thread=thread, user=request.user, message=message)
        except AssistantNotConfigured:
            raise NotConfigured from None
        response = StreamingHttpResponse(sse(events), content_type="text/event-stream")
        # No proxy or browser may hold the events back.
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"
        return response


class ThreadApi(AssistantAPIView):
    """`GET /assistants/threads/{thread_id}`: the conversation so far, for a page reload."""

    @schema.thread
    def get(self, request: Request, thread_id: str) -> Response:
        thread = self.thread(self.restaurant(request), thread_id)
        messages = [
            {
                "role": m.role,
                "content": m.content,
                "tool_calls": m.tool_calls or [],
                "tool_call_id": m.tool_call_id,
                "created_at": m.created_at.isoformat(),
            }
            for m in thread.messages.all()
        ]
        return Response(
            {
                "thread_id": thread.public_id,
                "assistant_id": thread.assistant.public_id,
                "restaurant_id": thread.restaurant_id,
                "messages": messages,
            }
        )
