"""One error format for the whole API: JSON with a human `detail`, and for field errors `errors`.

    {"detail": "client_name: Enter the guest's name.",
     "errors": {"client_name": ["Enter the guest's name."]},
     "code": "invalid"}

The booking core's errors arrive here as they are raised: `BookingInvalid` and Django's
`ValidationError` answer 400 naming the field, `SlotFull` 409, `IdempotencyKeyReused` 422, a
missing object 404, a database
outage 503 with `Retry-After`. Anything unexpected is logged with its traceback and answers a
JSON 500, never an HTML page.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from bookings.exceptions import IdempotencyKeyReused, SlotFull
from crm.unavailable import (
    DATABASE_DOWN,
    RETRY_AFTER_SECONDS,
    discard_broken_connections,
    unavailable_body,
)

logger = logging.getLogger("crm.api")

# Both spellings of "not about one field": DRF's key and Django's.
NON_FIELD_KEYS = {api_settings.NON_FIELD_ERRORS_KEY, "__all__"}
JSON_PREFIX = "JSON parse error - "


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state.")
    default_code = "conflict"


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "unprocessable"


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def _flatten(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """`{field: [messages]}` from DRF's error tree; nested fields get dotted names."""
    if isinstance(errors, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in errors.items():
            name = "" if key in NON_FIELD_KEYS else str(key)
            flat.update(_flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name))
        return flat
    if isinstance(errors, list) and any(isinstance(e, Mapping | list) for e in errors):
        flat = {}
        for index, value in enumerate(errors):
            flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = errors if isinstance(errors, list) else [errors]
    return {prefix: [str(m) for m in messages]}


def _first_code(detail: Any) -> str | None:
    if isinstance(detail, Mapping):
        detail = next(iter(detail.values()), None)
    if isinstance(detail, list):
        detail = detail[0] if detail else None
    if isinstance(detail, Mapping | list):
        return _first_code(detail)
    return getattr(detail, "code", None)


def validation_body(detail: Any) -> dict[str, Any]:
    """The 400 body: `detail` names each field with its first message; `errors` has them all."""
    errors = _flatten(detail)
    parts = [
        f"{field}: {messages[0]}" if field else messages[0] for field, messages in errors.items()
    ]
    body: dict[str, Any] = {"detail": " ".join(parts) or str(_("Invalid input."))}
    field_errors = {field: messages for field, messages in errors.items() if field}
    if field_errors:
        body["errors"] = field_errors
    body["code"] = _first_code(detail) or "invalid"
    return body


def _token_error_body(detail: Mapping) -> dict[str, Any]:
    """simplejwt's `{"detail", "code", "messages": [...]}` as one sentence: why the token failed."""
    messages = detail.get("messages") or []
    reason = next((m.get("message") for m in messages if m.get("message")), None)
    return {"detail": str(reason or detail.get("detail")), "code": str(detail.get("code", ""))}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, SlotFull):
        exc = Conflict(exc.message, code="slot_full")
    elif isinstance(exc, IdempotencyKeyReused):
        exc = Unprocessable(exc.message, code="idempotency_key_reused")
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(serializers.as_serializer_error(exc))
    elif isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound(*(exc.args if isinstance(exc, Http404) else ()))
    elif isinstance(exc, RequestDataTooBig):
        exc = TooLarge(
            _("The request body is too large: at most %(kb)d KB.")
            % {"kb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024}
        )
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(_("The request could not be read."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif isinstance(exc, exceptions.ParseError) and str(exc.detail).startswith(JSON_PREFIX):
        reason = str(exc.detail).removeprefix(JSON_PREFIX)
        exc = exceptions.ParseError(
            _("The request body is not valid JSON: %(reason)s.") % {"reason": reason}
        )

    if isinstance(exc, DATABASE_DOWN):
        return _database_unavailable(exc, context)
    if not isinstance(exc, exceptions.APIException):
        return _server_error(exc, context)

    response = drf_exception_handler(exc, context)
    assert response is not None  # DRF answers every APIException
    if isinstance(exc, exceptions.ValidationError):
        response.data = validation_body(exc.detail)
    elif isinstance(exc.detail, Mapping) and "detail" in exc.detail:
        response.data = _token_error_body(exc.detail)
    else:
        response.data = {"detail": str(exc.detail), "code": _first_code(exc.detail) or ""}
    return response


def _database_unavailable(exc: Exception, context: dict) -> Response:
    """PostgreSQL is down or restarting: 503 with Retry-After; the broken connection is closed."""
    request = context.get("request")
    logger.warning("Database unavailable on %s: %s", getattr(request, "path", "the API"), exc)
    discard_broken_connections()
    return Response(
        unavailable_body(),
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _server_error(exc: Exception, context: dict) -> Response:
    """A bug: log it as Django would (and tell error reporters), answer JSON."""
    request = context.get("request")
    django_request = getattr(request, "_request", None)
    logger.error(
        "Unhandled error in %s",
        getattr(django_request, "path", "the API"),
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    got_request_exception.send(sender=None, request=django_request)
    return Response(
        {"detail": str(_("Something went wrong on our side. Please try again.")), "code": "error"},
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


class ErrorSerializer(serializers.Serializer):
    """The error body, for the OpenAPI schema."""

    detail = serializers.CharField(help_text="What went wrong, for a person to read.")
    code = serializers.CharField(help_text="A short machine-readable code, e.g. `slot_full`.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Field errors only: every message per field.",
    )
