"""The AI host's API: the v1 `/assistants/chat` and `/assistants/chat_stream`, and a
thread's messages.

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
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTAuthentication

from assistant.client import AssistantNotConfigured, is_configured
from assistant.models import PUBLIC_ID_MAX, Assistant, Thread
from assistant.services import (
    MESSAGE_MAX,
    UpstreamError,
    UpstreamTimeout,
    chat_reply,
    chat_stream,
    thread_create,
)
from crm.api_common import IdField, StrictCharField
from crm.api_errors import ErrorSerializer
from crm.jwt import token_restaurant_id, token_role
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


class ChatInput(serializers.Serializer):
    assistant_id = StrictCharField(max_length=PUBLIC_ID_MAX)
    message = StrictCharField(max_length=MESSAGE_MAX)
    thread_id = StrictCharField(
        max_length=PUBLIC_ID_MAX, required=False, allow_null=True, allow_blank=True
    )
    restaurant_id = IdField(required=False, allow_null=True)


class ChatOut(serializers.Serializer):
    thread_id = serializers.CharField(help_text="Send it back to continue the conversation.")
    assistant_message = serializers.CharField()


class MessageOut(serializers.Serializer):
    role = serializers.ChoiceField(["user", "assistant", "tool"])
    content = serializers.CharField()
    tool_calls = serializers.ListField(
        child=serializers.DictField(), help_text="The model's tool calls (assistant messages)."
    )
    tool_call_id = serializers.CharField(help_text="Which call a tool result answers.")
    created_at = serializers.DateTimeField()


class ThreadOut(serializers.Serializer):
    thread_id = serializers.CharField()
    assistant_id = serializers.CharField()
    restaurant_id = serializers.IntegerField()
    messages = MessageOut(many=True)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


ERRORS = {
    400: _error(
        "A field is wrong (named in `detail` and `errors`): an empty or over-long message."
    ),
    401: _error("Missing, malformed, tampered or expired token."),
    404: _error(
        "No such assistant or thread, or a thread of another restaurant (the same answer)."
    ),
    503: _error("The AI host is not configured (no OPENAI_API_KEY and no OPENAI_BASE_URL)."),
}
CHAT_REQUEST_EXAMPLE = OpenApiExample(
    "A question",
    value={"assistant_id": "asst_demo", "message": "Any free tables tomorrow at 19:00?"},
    request_only=True,
)
# Only the page's session uses cookies; API clients send the JWT.
JWT_ONLY = [{"jwtAuth": []}]


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


class ChatView(AssistantAPIView):
    """`POST /assistants/chat`: one turn, answered whole."""

    @extend_schema(
        operation_id="assistant_chat",
        summary="Talk to the AI host",
        description=(
            "One turn of a conversation: the AI host may check free slots and book (source "
            "`assistant`) before it answers. Without `thread_id` a new thread starts."
        ),
        tags=["assistant"],
        request=ChatInput,
        responses={
            200: ChatOut,
            **ERRORS,
            502: _error("The model server failed or could not be reached."),
            504: _error("The model server did not answer in time."),
        },
        examples=[
            CHAT_REQUEST_EXAMPLE,
            OpenApiExample(
                "An answer",
                value={
                    "thread_id": "thread_5f0c2a9e1b7d4c3a8e6f9012",
                    "assistant_message": "Yes, 19:00 tomorrow is free. For how many guests?",
                },
                response_only=True,
            ),
        ],
        auth=JWT_ONLY,
    )
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


# Before OpenAPI 3.2 an event stream's `schema` describes each event, as its fields.
SSE_EVENT = {
    "type": "object",
    "description": "One Server-Sent Event: its `data` is one line of JSON.",
    "properties": {
        "data": {"type": "string", "description": "JSON: delta, tool, error or done."},
        "event": {"type": "string"},
        "id": {"type": "string"},
        "retry": {"type": "integer"},
    },
    "required": ["data"],
}


class ChatStreamView(AssistantAPIView):
    """`POST /assistants/chat_stream`: the turn as Server-Sent Events, each sent as it comes."""

    @extend_schema(
        operation_id="assistant_chat_stream",
        summary="Talk to the AI host, streamed",
        description=(
            "The same turn as `/assistants/chat`, as Server-Sent Events sent as the model writes: "
            '`data: {"delta": "…"}` events, `data: {"tool": {"name", "status", "text"}}` while '
            'tools run, `data: {"error": "…"}` when the model server fails, and last '
            '`data: {"done": true, "thread_id": "…"}`. Errors before the stream starts are '
            "JSON with their status."
        ),
        tags=["assistant"],
        request=ChatInput,
        responses={
            (200, "text/event-stream"): OpenApiResponse(
                SSE_EVENT,
                description="The events, one `data:` line of JSON each.",
                examples=[
                    OpenApiExample(
                        "Events",
                        value='data: {"delta": "Yes, "}\n\ndata: {"delta": "19:00 is free."}\n\n'
                        'data: {"done": true, "thread_id": "thread_5f0c2a9e1b7d4c3a8e6f9012"}\n\n',
                    )
                ],
            ),
            **ERRORS,
        },
        examples=[CHAT_REQUEST_EXAMPLE],
        auth=JWT_ONLY,
    )
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


class ThreadView(AssistantAPIView):
    """`GET /assistants/threads/{thread_id}`: the conversation so far, for a page reload."""

    @extend_schema(
        operation_id="assistant_thread",
        summary="A conversation's messages",
        description="Every stored message of a thread of your restaurant, in order.",
        tags=["assistant"],
        responses={
            200: ThreadOut,
            400: _error("The request could not be read."),
            401: ERRORS[401],
            404: ERRORS[404],
        },
        auth=JWT_ONLY,
    )
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
