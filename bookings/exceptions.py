"""Typed errors of the booking core. The API turns them into 400/409, the pages into form errors."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class BookingInvalid(ValidationError):
    """The request is wrong (400). Built from a {field: message} dict, so it names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__({field: [message]})
        self.field = field
        self.message_text = message

    def __str__(self) -> str:
        return self.message_text


class SlotFull(Exception):
    """Every table of the slot is taken (409)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class IdempotencyKeyReused(Exception):
    """An idempotency key sent again with another request (422)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
