"""The `openai` client for the AI host, built from settings.

Any OpenAI-compatible server works through `OPENAI_BASE_URL`. Timeouts are explicit so that a
silent upstream never holds a request (or a stream's thread) for long.
"""

from __future__ import annotations

from functools import lru_cache

import openai
from django.conf import settings

# A local model server often needs no key, but the SDK insists on one.
PLACEHOLDER_KEY = "no-key-needed"


class AssistantNotConfigured(Exception):
    """Neither OPENAI_API_KEY nor OPENAI_BASE_URL is set."""


def is_configured() -> bool:
    return bool(settings.OPENAI_API_KEY or settings.OPENAI_BASE_URL)


@lru_cache(maxsize=4)
def _client(
    api_key: str, base_url: str, connect: float, read: float, max_retries: int
) -> openai.OpenAI:
    # One client per configuration: its connection pool is shared by every request's thread.
    return openai.OpenAI(
        api_key=api_key or PLACEHOLDER_KEY,
        base_url=base_url or None,
        timeout=openai.Timeout(read, connect=connect, read=read, write=read, pool=connect),
        max_retries=max_retries,
    )


def openai_client() -> openai.OpenAI:
    """The client for the current settings; raises AssistantNotConfigured without key or URL."""
    if not is_configured():
        raise AssistantNotConfigured
    return _client(
        settings.OPENAI_API_KEY,
        settings.OPENAI_BASE_URL,
        float(settings.OPENAI_CONNECT_TIMEOUT),
        float(settings.OPENAI_READ_TIMEOUT),
        int(settings.OPENAI_MAX_RETRIES),
    )
