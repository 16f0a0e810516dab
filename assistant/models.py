"""The AI host's data: assistant profiles, and conversation threads with every message.

The v1 assistant kept these on OpenAI's side (its Assistants API, now shut down); here they live
in our database, so a thread belongs to a restaurant and can be read in admin.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from restaurants.models import Restaurant

PUBLIC_ID_MAX = 64


def new_thread_id() -> str:
    return f"thread_{secrets.token_hex(12)}"


class Assistant(models.Model):
    """A profile the API names by `assistant_id`: its model and extra instructions."""

    public_id = models.CharField(
        _("assistant id"),
        max_length=PUBLIC_ID_MAX,
        unique=True,
        help_text=_("What clients send as assistant_id, e.g. asst_demo."),
    )
    name = models.CharField(_("name"), max_length=120)
    model = models.CharField(
        _("model"),
        max_length=120,
        blank=True,
        default="",
        help_text=_("Blank: the server's OPENAI_MODEL."),
    )
    instructions = models.TextField(
        _("extra instructions"),
        blank=True,
        default="",
        max_length=4000,
        help_text=_("Added to the prompt built from the restaurant's settings."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["public_id"]
        verbose_name = _("assistant")
        verbose_name_plural = _("assistants")

    def __str__(self) -> str:
        return f"{self.name} ({self.public_id})"

    @property
    def model_name(self) -> str:
        return self.model or settings.OPENAI_MODEL


class Thread(models.Model):
    """One conversation with a guest or a host, at one restaurant."""

    public_id = models.CharField(
        _("thread id"), max_length=PUBLIC_ID_MAX, unique=True, default=new_thread_id
    )
    restaurant = models.ForeignKey(Restaurant, on_delete=models.CASCADE, related_name="threads")
    assistant = models.ForeignKey(Assistant, on_delete=models.CASCADE, related_name="threads")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assistant_threads",
    )
    # A guest's conversation on the public booking page: its tools see only this restaurant
    # and the bookings made in this conversation (assistant.guests.tools).
    for_guests = models.BooleanField(_("guest's conversation"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return self.public_id


class Message(models.Model):
    class Role(models.TextChoices):
        USER = "user", _("User")
        ASSISTANT = "assistant", _("Assistant")
        TOOL = "tool", _("Tool result")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    content = models.TextField(_("content"), blank=True, default="")
    # The model's tool calls, as the Chat Completions API shapes them.
    tool_calls = models.JSONField(_("tool calls"), null=True, blank=True)
    tool_call_id = models.CharField(_("tool call id"), max_length=120, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.content[:60]}"

    def as_openai(self) -> dict:
        """This message as an entry of the Chat Completions `messages` list."""
        if self.role == self.Role.TOOL:
            return {"role": "tool", "tool_call_id": self.tool_call_id, "content": self.content}
        entry: dict = {"role": self.role, "content": self.content}
        if self.tool_calls:
            entry["tool_calls"] = self.tool_calls
        return entry
