"""Fixtures of the AI host's tests: the fake model server and API clients."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from assistant.models import Assistant
from assistant.tests.fake_openai import FakeOpenAI
from crm.api.jwt import refresh_token_for


@pytest.fixture
def fake_openai(settings):
    """A fake OpenAI-compatible server, with the settings pointing the assistant at it."""
    fake = FakeOpenAI().start()
    settings.OPENAI_BASE_URL = fake.base_url
    settings.OPENAI_API_KEY = "test-key"
    settings.OPENAI_MODEL = "fake-model"
    settings.OPENAI_READ_TIMEOUT = 10
    settings.OPENAI_MAX_RETRIES = 0
    yield fake
    fake.stop()


@pytest.fixture
def assistant_profile(db, settings) -> Assistant:
    assistant, _ = Assistant.objects.get_or_create(
        public_id=settings.ASSISTANT_ID, defaults={"name": "AI host"}
    )
    return assistant


def jwt_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh_token_for(user).access_token}")
    return client


@pytest.fixture
def api(host) -> APIClient:
    """The host of the `restaurant` fixture, calling with a JWT."""
    return jwt_client(host)
