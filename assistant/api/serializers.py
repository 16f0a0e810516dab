"""The AI host API's serializers: a chat turn in, its answer and a thread out."""

from __future__ import annotations

from rest_framework import serializers

from assistant.models import PUBLIC_ID_MAX
from assistant.services import MESSAGE_MAX
from crm.api.fields import IdField, StrictCharField


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
