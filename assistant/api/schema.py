"""The AI host API's OpenAPI documentation, kept here so that each view reads in a screen."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema

from assistant.api.serializers import ChatInput, ChatOut, ThreadOut
from crm.api.schema import UNAUTHORIZED, error_response

ERRORS = {
    400: error_response(
        "A field is wrong (named in `detail` and `errors`): an empty or over-long message."
    ),
    401: UNAUTHORIZED,
    404: error_response(
        "No such assistant or thread, or a thread of another restaurant (the same answer)."
    ),
    503: error_response(
        "The AI host is not configured (no OPENAI_API_KEY and no OPENAI_BASE_URL)."
    ),
}
CHAT_REQUEST_EXAMPLE = OpenApiExample(
    "A question",
    value={"assistant_id": "asst_demo", "message": "Any free tables tomorrow at 19:00?"},
    request_only=True,
)
# Only the page's session uses cookies; API clients send the JWT.
JWT_ONLY = [{"jwtAuth": []}]

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

chat = extend_schema(
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
        502: error_response("The model server failed or could not be reached."),
        504: error_response("The model server did not answer in time."),
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

chat_stream = extend_schema(
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

thread = extend_schema(
    operation_id="assistant_thread",
    summary="A conversation's messages",
    description="Every stored message of a thread of your restaurant, in order.",
    tags=["assistant"],
    responses={
        200: ThreadOut,
        400: error_response("The request could not be read."),
        401: ERRORS[401],
        404: ERRORS[404],
    },
    auth=JWT_ONLY,
)
