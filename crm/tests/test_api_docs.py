"""The OpenAPI schema and the interactive docs, served from our own static files."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

BRIEF = {
    "/auth/login": {"post"},
    "/bookings/{restaurant_id}/{date}": {"get"},
    "/bookings": {"post"},
    "/restaurants/{restaurant_id}/settings": {"get", "put"},
    "/assistants/chat": {"post"},
    "/assistants/chat_stream": {"post"},
}
ADDITIONS = {
    "/auth/refresh": {"post"},
    "/auth/password-reset": {"post"},
    "/restaurants/{restaurant_id}/team": {"get"},
    "/restaurants/{restaurant_id}/invitations": {"post"},
    "/restaurants/{restaurant_id}/members/{member_id}": {"patch", "delete"},
    "/auth/logout-all": {"post"},
    "/bookings/{booking_id}": {"get", "patch"},
    "/bookings/{booking_id}/status": {"post"},
    "/bookings/{booking_id}/cancel": {"post"},
    "/restaurants/{restaurant_id}/bookings": {"get"},
    "/assistants/threads/{thread_id}": {"get"},
    "/restaurants/{restaurant_id}/guests": {"get"},
    "/guests/{guest_id}": {"get", "patch", "delete"},
    "/guests/{guest_id}/bookings": {"get"},
    "/guests/{guest_id}/merge": {"post"},
    "/restaurants/{restaurant_id}/export/guests.csv": {"get"},
    "/restaurants/{restaurant_id}/export/bookings.csv": {"get"},
    "/restaurants/{restaurant_id}/tables": {"get", "post"},
    "/tables/{table_id}": {"patch", "delete"},
    "/restaurants/{restaurant_id}/waitlist": {"get", "post"},
    "/restaurants/{restaurant_id}/walk-ins": {"post"},
    "/waitlist/{waitlist_id}": {"get", "patch", "delete"},
    "/waitlist/{waitlist_id}/seat": {"post"},
}


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_lists_the_briefs_paths_and_our_additions(schema):
    for path, methods in {**BRIEF, **ADDITIONS}.items():
        assert methods <= set(schema["paths"][path]), path
    assert set(schema["paths"]) == set(BRIEF) | set(ADDITIONS)


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml")
    validate_schema(SchemaGenerator().get_schema(request=None, public=True))


# Sign-in needs no token; "sign out everywhere" has no body or path parameter to be wrong.
SIGN_IN = {"/auth/login", "/auth/refresh"}
# Open to anyone, and no sign-in either: no 401 to document.
PUBLIC = {"/auth/password-reset"}
TAKES_NO_INPUT = {("post", "/auth/logout-all"), ("post", "/waitlist/{waitlist_id}/seat")}


def test_every_endpoint_documents_its_body_answers_and_errors(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert any(code.startswith("2") for code in responses), (method, path)
            takes_input = (method, path) not in TAKES_NO_INPUT
            if takes_input:
                assert "400" in responses, (method, path)
            for code, response in responses.items():
                if code == "204":
                    assert "content" not in response, (method, path)
                    continue
                stream = (path, code) == ("/assistants/chat_stream", "200")
                csv = path.endswith(".csv") and code == "200"
                media = "text/event-stream" if stream else "text/csv" if csv else "application/json"
                assert response["content"][media]["schema"], (method, path, code)
                if code >= "400":
                    assert response["description"], (method, path, code)
            if path in PUBLIC:
                assert operation["security"] == [{}]
            elif path in SIGN_IN:
                assert operation["security"] == [{}]
                assert "401" in responses
            else:
                assert operation["security"] == [{"jwtAuth": []}], (method, path)
                assert "401" in responses, (method, path)
                assert "404" in responses or not takes_input, (method, path)
            if method in {"post", "put", "patch"} and not path.endswith("/cancel") and takes_input:
                assert operation["requestBody"]["content"]["application/json"], (method, path)


def test_schema_has_the_bearer_scheme_and_the_briefs_examples(schema):
    assert schema["components"]["securitySchemes"]["jwtAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    login = schema["paths"]["/auth/login"]["post"]
    examples = login["requestBody"]["content"]["application/json"]["examples"]
    assert {"username": "admin", "password": "password123"} in [
        e["value"] for e in examples.values()
    ]
    booking = schema["paths"]["/bookings"]["post"]
    created = booking["responses"]["201"]["content"]["application/json"]["examples"]
    assert {"status": "ok", "booking_id": 17} in [e["value"] for e in created.values()]
    assert "409" in booking["responses"]
    slots = schema["paths"]["/bookings/{restaurant_id}/{date}"]["get"]
    answer = next(
        iter(slots["responses"]["200"]["content"]["application/json"]["examples"].values())
    )
    assert answer["value"]["slots"][1] == {"time": "18:00", "booked": 2, "free": 3}


def test_schema_is_served_without_a_token_as_yaml_and_json(db):
    client = Client()
    assert client.get("/api/schema").status_code == 200
    response = client.get("/api/schema?format=json", HTTP_AUTHORIZATION="Bearer stale")
    assert response.status_code == 200
    assert "/bookings/{restaurant_id}/{date}" in response.json()["paths"]


@pytest.mark.parametrize("url", ["/api/docs"])
def test_docs_pages_load_nothing_from_another_host(db, url):
    response = Client().get(url)
    assert response.status_code == 200
    html = response.content.decode()
    references = re.findall(r'(?:src|href|spec-url)="([^"]*)"', html)
    assert references
    for ref in references:
        assert not re.match(r"^(https?:)?//", ref), ref
    assert "googleapis" not in html and "cdn" not in html.lower()
    static = [r for r in references if r.startswith("/static/")]
    assert any(r.endswith(".js") for r in static)
    for ref in static:
        assert finders.find(ref.removeprefix("/static/")), ref
