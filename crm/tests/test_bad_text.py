"""Text that cannot be stored: a NUL (`%00`) or bytes that are not UTF-8 (`%ff`), anywhere a
client can put them, answers 400 in the usual error form of its path and writes nothing.

Every URL pattern of the project is walked (API, pages, HTMX partials, admin, docs), with its
path converters filled from real objects. The walk and the URLs found by testing run on
SQLite and, marked `postgres`, on PostgreSQL, which refuses a NUL in text (that is where these
were 500s).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from assistant.models import Assistant, Thread
from bookings.models import Booking, Guest
from bookings.services import booking_create
from bookings.waitlist.services import waitlist_add
from conftest import PASSWORD, page_client_for
from crm.outbox.models import Delivery, OutboxEvent
from crm.unavailable import is_api_path
from crm.webhooks.models import WebhookEndpoint
from restaurants.models import Invitation, Membership, Table

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
# Each run checks its own database once: SQLite locally and in CI's first run, PostgreSQL in
# the second (where REQUIRE_SERVICES=1 fails the marked variant rather than skip it).
DATABASES = [
    pytest.param(
        "sqlite",
        marks=pytest.mark.skipif(ON_POSTGRES, reason="the PostgreSQL variant runs instead"),
    ),
    pytest.param("postgresql", marks=pytest.mark.postgres),
]

# The query parameters and form fields the views read, each given the bad text at once.
PARAMETERS = [
    "q", "tag", "client_name", "phone", "thread", "date", "month", "slot", "search", "status",
    "page", "other", "from", "to", "next", "message", "name", "email", "notes", "time_slot",
    "party_size", "username", "password", "host_choice", "greeting_text", "info_text",
    "restaurant", "language", "tags",
]  # fmt: skip


def snapshot(*, sessions: bool = True) -> dict[str, list[dict]]:
    """Every row of every model: nothing a refused request could have written hides from it.

    A page read may store the chosen restaurant in the session; `sessions=False` leaves
    sessions out for reads that are answered as usual.
    """
    return {
        model._meta.label: sorted(model.objects.values(), key=repr)
        for model in apps.get_models()
        if model._meta.managed and (sessions or model._meta.label != "sessions.Session")
    }


@pytest.fixture
def world(restaurant, manager, superuser, tomorrow, settings):
    booking = booking_create(
        restaurant=restaurant,
        date=tomorrow,
        time_slot="18:00",
        client_name="Иван Петров",
        phone="+79123456789",
    )
    other = Guest.objects.create(restaurant=restaurant, name="Ivan P.", phone="+79123450000")
    assistant, _ = Assistant.objects.get_or_create(
        public_id=settings.ASSISTANT_ID, defaults={"name": "AI host"}
    )
    thread = Thread.objects.create(assistant=assistant, restaurant=restaurant, created_by=manager)
    table = Table.objects.create(restaurant=restaurant, name="T1", max_seats=4)
    waiting = waitlist_add(restaurant=restaurant, name="Olga", party_size=2)
    endpoint = WebhookEndpoint.objects.create(
        restaurant=restaurant, url="https://pos.example.com/hook", events=["booking.created"]
    )
    event = OutboxEvent.objects.create(kind="booking.created", restaurant_id=restaurant.pk)
    delivery = Delivery.objects.create(event=event, channel="webhook", target=endpoint.target)
    invitation = Invitation.objects.create(
        restaurant=restaurant, email="invited@example.com", token_hash="0" * 64
    )
    return {
        "member": Membership.objects.get(user=manager, restaurant=restaurant),
        "invitation": invitation,
        "waitlist": waiting,
        "endpoint": endpoint,
        "delivery": delivery,
        "restaurant": restaurant,
        "table": table,
        "booking": booking,
        "guest": booking.guest,
        "other_guest": other,
        "thread": thread,
        "tomorrow": tomorrow,
    }


@pytest.fixture
def clients(manager_client, manager_api, superuser):
    """Signed in as the manager: a session for pages, a token for the API; admin as superuser
    (a manager is no staff, and admin's own searches and forms deserve the same check)."""
    admin = page_client_for(superuser)
    for client in (manager_client, manager_api, admin):
        client.raise_request_exception = False  # a 500 is an answer to report, not a crash

    def client_for(path: str):
        if path.startswith("/admin/"):
            return admin
        return manager_api if is_api_path(path) else manager_client

    return client_for


# --- Every URL pattern ------------------------------------------------------------------------


def walk(patterns, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
GROUP = re.compile(r"\(\?P<(\w+)>([^)]*)\)")


def fill(route: str, world: dict) -> tuple[str, list[str]]:
    """A real URL for `route` and the values it put in its converters."""
    admin_model = re.match(r"admin/(\w+)/(\w+)/", route)

    def value(name: str, regex: str = "") -> str:
        if name == "pk":
            if route.startswith("app/waitlist/"):
                return str(world["waitlist"].pk)
            return str(world["booking" if route.startswith("app/bookings/") else "guest"].pk)
        if name == "action":
            return "left"
        if name == "waitlist_id":
            return str(world["waitlist"].pk)
        if name in (
            "booking_id",
            "guest_id",
            "restaurant_id",
            "table_id",
            "endpoint_id",
            "delivery_id",
            "invitation_id",
        ):
            return str(world[name.removesuffix("_id")].pk)
        if name in ("member_id", "membership_id"):
            return str(world["member"].pk)
        if name == "token":  # an invitation's, a sign-up confirmation's, a password reset's
            return "not-a-real-token"
        if name == "uidb64":
            return "MQ"
        if name == "date":
            return world["tomorrow"].isoformat()
        if name == "thread_id":
            return world["thread"].public_id
        if name == "slug":  # the guests' booking page
            return world["restaurant"].slug
        if name == "token":  # a booking's manage link
            from bookings.public.links import manage_token

            return manage_token(world["booking"])
        if name == "content_type_id":
            return str(ContentType.objects.get_for_model(world["restaurant"]).pk)
        if name in ("object_id", "id"):
            if admin_model:
                model = apps.get_model(*admin_model.groups())
                first = model.objects.order_by("pk").first()
                return str(first.pk if first else 1)
            return str(world["restaurant"].pk)
        if name == "app_label":
            return "bookings"
        if name == "url":
            return "nothing-here"
        raise AssertionError(f"no value for <{name}> in {route!r} {regex}")

    values: list[str] = []

    def put(match: re.Match) -> str:
        values.append(value(*match.groups()))
        return values[-1]

    url = GROUP.sub(put, route).replace("^", "").replace("$", "")
    url = CONVERTER.sub(put, url)
    return "/" + url, values


def with_bad_path(url: str, values: list[str], bad: str) -> str:
    """`bad` inside a converter's value (the view would get it), else in the last segment."""
    if values:
        head, _, tail = url.rpartition(values[0])
        return f"{head}{values[0]}{bad}{tail}"
    segments = url.rstrip("/").split("/")
    segments[-1] += bad
    return "/".join(segments) + ("/" if url.endswith("/") else "")


def every_url(world: dict) -> list[tuple[str, str, URLPattern]]:
    urls = []
    for route, pattern in walk(get_resolver().url_patterns):
        url, values = fill(route, world)
        match = resolve(url)
        assert match.func == pattern.callback, f"{url} reaches {match.route}, not {route}"
        urls.append((route, url, pattern))
        urls.append((route, with_bad_path(url, values, "%00"), pattern))
        urls.append((route, with_bad_path(url, values, "%ff"), pattern))
    # Signing out last: were one let through, the rest would still be asked signed in.
    return sorted(urls, key=lambda item: "logout" in item[0])


def query(text: str) -> str:
    return "&".join(f"{name}={text}" for name in PARAMETERS)


def form(text: bytes) -> bytes:
    return b"&".join(name.encode() + b"=" + text for name in PARAMETERS)


BOUNDARY = "bAdTeXtBoUnDaRy"


def multipart(*parts: tuple[bytes, bytes, bytes | None]) -> bytes:
    """A multipart body from (name, value, file name) as raw bytes, nothing re-encoded."""
    lines = []
    for name, value, filename in parts:
        disposition = b'Content-Disposition: form-data; name="' + name + b'"'
        if filename is not None:
            disposition += b'; filename="' + filename + b'"'
        lines += [b"--" + BOUNDARY.encode(), disposition]
        if filename is not None:
            lines.append(b"Content-Type: text/plain")
        lines += [b"", value]
    lines += [b"--" + BOUNDARY.encode() + b"--", b""]
    return b"\r\n".join(lines)


MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
URLENCODED = "application/x-www-form-urlencoded"


def bad_requests(url: str) -> Iterator[tuple[str, str, str, bytes | None, str | None]]:
    """(what, method, url, body, content type) of each bad request sent to `url`."""
    path, _, _ = url.partition("?")
    if "%00" in url:
        yield "NUL in the path", "GET", url, None, None
        yield "NUL in the path", "POST", url, b"q=x", URLENCODED
        return
    if "%ff" in url:
        yield "%ff in the path", "GET", url, None, None
        return
    yield "NUL in the query", "GET", f"{path}?{query('a%00b')}", None, None
    yield "raw NUL in the query", "GET", f"{path}?q=a\x00b", None, None
    yield "%ff in the query", "GET", f"{path}?{query('a%ffb')}", None, None
    yield "NUL in a POST form", "POST", path, form(b"a%00b"), URLENCODED
    yield "%ff in a POST form", "POST", path, form(b"a%ffb"), URLENCODED
    yield "NUL in a form field name", "POST", path, b"client%00name=x&q=x", URLENCODED
    for method in ("PUT", "PATCH"):
        yield f"NUL in a {method} form", method, path, form(b"a%00b"), URLENCODED
    fields = [(name.encode(), b"a\x00b", None) for name in PARAMETERS]
    yield "NUL in a multipart field", "POST", path, multipart(*fields), MULTIPART
    fields = [(name.encode(), b"a\xffb", None) for name in PARAMETERS]
    yield "non-UTF-8 multipart field", "POST", path, multipart(*fields), MULTIPART
    yield (
        "NUL in an uploaded file's name",
        "POST",
        path,
        multipart((b"q", b"x", None), (b"file", b"content", b"a\x00b.txt")),
        MULTIPART,
    )
    yield (
        "non-UTF-8 uploaded file's name",
        "POST",
        path,
        multipart((b"file", b"content", b"\xff.txt")),
        MULTIPART,
    )


def send(client, method: str, url: str, body: bytes | None, content_type: str | None, **extra):
    if body is None:
        return client.generic(method, url, **extra)
    return client.generic(method, url, body, content_type=content_type, **extra)


def problem(response, url: str) -> str | None:
    """What is wrong with the answer to a bad request, if anything."""
    if response.status_code != 400:
        return f"answered {response.status_code}"
    content_type = response["Content-Type"]
    if not is_api_path(url.partition("?")[0]):
        if not content_type.startswith("text/html"):
            return f"a page answered {content_type}"
        return None
    if content_type != "application/json":
        return f"the API answered {content_type}"
    body = json.loads(response.content)
    if not body.get("detail") or body.get("code") not in (
        "null_characters_not_allowed",
        "invalid_encoding",
    ):
        return f"the API answered {body}"
    return None


@pytest.mark.parametrize("database", DATABASES)
def test_every_url_refuses_bad_text_and_writes_nothing(database, world, clients):
    assert connection.vendor == database
    urls = every_url(world)
    assert len({route for route, _, _ in urls}) > 100  # the admin's too
    before = snapshot()
    failures = []
    for route, url, _ in urls:
        for what, method, target, body, content_type in bad_requests(url):
            response = send(clients(target), method, target, body, content_type)
            if reason := problem(response, target):
                failures.append(f"{what}: {method} {target[:80]} ({route}) {reason}")
    assert failures == []
    assert snapshot() == before


# --- The URLs found by testing, by name -----------------------------------------------------

FOUND = [
    "/app/guests/?q=a%00b",
    "/app/guests/?tag=a%00b",
    "/app/guests/suggest/?client_name=ab%00cd",
    "/app/guests/suggest/?phone=%2B7912%00345",
    "/app/assistant/?thread=a%00b",
    "/app/guests/{guest}/merge/?q=a%00b",
    "/assistants/threads/a%00b",
]


@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("url", FOUND)
def test_the_urls_found_by_testing_answer_400(database, world, clients, url):
    assert connection.vendor == database
    url = url.format(guest=world["guest"].pk)
    before = snapshot()
    response = clients(url).get(url)
    assert problem(response, url) is None, response.content[:300]
    if not is_api_path(url):
        assert "null character" in response.content.decode()
    else:
        assert "null character" in response.json()["detail"]
    assert snapshot() == before


def test_a_page_gets_a_short_page_with_the_reason_in_the_callers_language(manager_client):
    response = manager_client.get("/app/guests/?q=a%00b", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<html lang="ru">' in html
    assert "Неверный запрос" in html and "нулевой символ" in html
    # Answered before the CSP middleware, so it brings a policy of its own.
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_the_api_gets_its_json_error_in_the_callers_language(manager_api, restaurant):
    response = manager_api.get(
        f"/restaurants/{restaurant.pk}/guests?search=%ff", HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Строка запроса — не текст в UTF-8.",
        "code": "invalid_encoding",
    }


def test_a_path_that_is_not_utf8_answers_400_and_a_literal_percent_passes(
    manager_client, manager_api, world
):
    for client, path in [(manager_client, "/app/guests/%ff/"), (manager_api, "/guests/%c3")]:
        response = client.get(path)
        assert problem(response, path) is None, response.content[:300]
    # `%25ff` is the text `%ff`: no guest has that id, and that is all.
    assert manager_api.get("/guests/%25ff").json()["code"] == "invalid"


# --- Good text still passes ---------------------------------------------------------------


def test_text_in_other_alphabets_and_a_literal_percent_pass(manager_client, world):
    response = manager_client.get(f"/app/guests/?q={quote('Иван')}")
    assert response.status_code == 200
    assert "Иван Петров" in response.content.decode()
    assert manager_client.get("/app/guests/?q=50%25+%2500").status_code == 200


def test_a_form_in_utf8_is_saved(manager_client, world):
    guest = world["guest"]
    body = "name=" + quote("Пётр") + "&phone=%2B79123456789&notes=" + quote("окно, 50% скидка")
    response = manager_client.post(f"/app/guests/{guest.pk}/", body, content_type=URLENCODED)
    assert response.status_code == 302, response.content[:300]
    guest.refresh_from_db()
    assert guest.name == "Пётр" and guest.notes == "окно, 50% скидка"


def test_a_multipart_form_with_a_file_named_in_cyrillic_is_read(manager_client, world):
    guest = world["guest"]
    body = multipart(
        (b"name", "Пётр".encode(), None),
        (b"phone", b"+79123456789", None),
        (b"attachment", b"\x00\x01 binary content is not text", "меню.pdf".encode()),
    )
    response = manager_client.post(f"/app/guests/{guest.pk}/", body, content_type=MULTIPART)
    assert response.status_code == 302, response.content[:300]
    guest.refresh_from_db()
    assert guest.name == "Пётр"


def test_a_multipart_body_over_the_limit_answers_413(manager_client, manager_api, world):
    big = multipart((b"q", b"x", None), (b"file", b"x" * (300 * 1024), b"big.txt"))
    before = snapshot()
    page = manager_client.post("/app/assistant/", big, content_type=MULTIPART)
    assert page.status_code == 413 and page["Content-Type"].startswith("text/html")
    api = manager_api.generic("POST", "/bookings", big, content_type=MULTIPART)
    assert api.status_code == 413 and api.json()["code"] == "too_large"
    assert snapshot() == before


# --- JSON bodies: every write endpoint of the API -----------------------------------------


def resolved(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def valid_bodies(world: dict) -> dict[str, dict]:
    """A body each write operation accepts; a NUL is then put in one field at a time."""
    restaurant = world["restaurant"]
    return {
        "assistant_chat": {"assistant_id": settings.ASSISTANT_ID, "message": "Hello"},
        "assistant_chat_stream": {"assistant_id": settings.ASSISTANT_ID, "message": "Hello"},
        "auth_login": {"username": "manager", "password": PASSWORD},
        "auth_refresh": {"refresh_token": "not-checked-before-its-fields"},
        "booking_create": {
            "restaurant_id": restaurant.pk,
            "date": world["tomorrow"].isoformat(),
            "time_slot": "19:00",
            "client_name": "Olga",
        },
        "booking_update": {},
        "booking_set_status": {"status": "seated"},
        "guest_update": {},
        "guest_merge": {"other_id": world["other_guest"].pk},
        "restaurant_settings_update": {},
        "table_create": {"name": "T2", "max_seats": 4},
        "table_update": {},
        "waitlist_add": {"name": "Olga", "party_size": 2},
        "waitlist_update": {},
        "walk_in": {"party_size": 2},
        "auth_password_reset": {"email": "someone@example.com"},
        "team_invite": {"email": "someone@example.com", "role": "host"},
        "team_member_role": {"role": "manager"},
    }


def write_operations(world: dict) -> Iterator[tuple[str, str, str, dict]]:
    """(operation id, method, path, request schema) of every operation taking a JSON body."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    ids = {
        "{booking_id}": world["booking"].pk,
        "{guest_id}": world["guest"].pk,
        "{restaurant_id}": world["restaurant"].pk,
        "{table_id}": world["table"].pk,
        "{waitlist_id}": world["waitlist"].pk,
        "{member_id}": world["member"].pk,
    }
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if method in ("post", "put", "patch") and body:
                for placeholder, pk in ids.items():
                    path = path.replace(placeholder, str(pk))
                yield (
                    operation["operationId"],
                    method.upper(),
                    path,
                    resolved(schema, body["schema"]),
                    schema,
                )


def string_fields(schema: dict, request_schema: dict) -> Iterator[tuple[str, object]]:
    """Each text field with a NUL in it: strings, and the strings of a list of them."""
    for name, field in request_schema.get("properties", {}).items():
        field = resolved(schema, field)
        if field.get("type") == "string":
            yield name, "a\x00b"
        elif field.get("type") == "array" and resolved(schema, field["items"]).get("type") == (
            "string"
        ):
            yield name, ["fine", "a\x00b"]


@pytest.mark.parametrize("database", DATABASES)
def test_a_nul_in_any_json_field_or_key_answers_400(database, world, manager_api):
    assert connection.vendor == database
    manager_api.raise_request_exception = False
    bodies = valid_bodies(world)
    operations = list(write_operations(world))
    assert {op for op, *_ in operations} == set(bodies), "a write operation has no body here"
    before = snapshot()
    failures = []
    for operation, method, path, request_schema, schema in operations:
        cases = [
            (f"{name} = {value!r}", {**bodies[operation], name: value}, name)
            for name, value in string_fields(schema, request_schema)
        ]
        cases.append(("a NUL in a key", {**bodies[operation], "a\x00b": "x"}, None))
        cases.append(("a NUL in a nested key", {**bodies[operation], "x": [{"a\x00b": 1}]}, None))
        for what, body, field in cases:
            response = manager_api.generic(
                method, path, json.dumps(body), content_type="application/json"
            )
            answer = response.json() if response["Content-Type"] == "application/json" else {}
            errors = answer.get("errors", {})
            if response.status_code != 400:
                failures.append(f"{operation} {what}: {response.status_code} {answer}")
            elif field is not None and {key.split(".")[0] for key in errors} != {field}:
                failures.append(f"{operation} {what}: the error names {sorted(errors)}")
            elif field is None and answer.get("code") != "null_characters_not_allowed":
                failures.append(f"{operation} {what}: {answer}")
    assert failures == []
    assert snapshot() == before


def test_a_nul_in_a_json_key_is_named_in_the_callers_language(manager_api, world):
    body = {**valid_bodies(world)["booking_create"], "note\u0000": "x"}
    response = manager_api.post("/bookings", body, format="json", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Имя поля в теле запроса содержит нулевой символ.",
        "code": "null_characters_not_allowed",
    }
    assert Booking.objects.count() == 1


# --- Headers the app reads ------------------------------------------------------------------

HEADERS = [
    "HTTP_USER_AGENT",
    "HTTP_ACCEPT",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REQUEST_ID",
    "HTTP_REFERER",
    "HTTP_ORIGIN",
    "HTTP_X_CSRFTOKEN",
    "HTTP_HX_REQUEST",
    "HTTP_HX_TARGET",
    "HTTP_HX_CURRENT_URL",
    "HTTP_IDEMPOTENCY_KEY",
]


@pytest.mark.parametrize("database", DATABASES)
def test_a_nul_in_a_header_is_never_a_500_and_writes_nothing(database, world, clients, anon_api):
    assert connection.vendor == database
    from django.test import Client

    anon_page = Client(raise_request_exception=False)
    anon_api.raise_request_exception = False
    restaurant, tomorrow = world["restaurant"], world["tomorrow"]
    sign_in = {"username": "manager", "password": PASSWORD}
    before = snapshot(sessions=False)
    failures = []
    for header in HEADERS:
        extra = {header: "a\x00b"}
        # Sign-in records the user agent and address (django-axes): a write, refused.
        for client, method, path, body, content_type in [
            (anon_api, "POST", "/auth/login", json.dumps(sign_in), "application/json"),
            (anon_page, "POST", "/app/login/", form(b"x") + b"&username=manager", URLENCODED),
            (clients("/bookings"), "POST", "/bookings", b"{}", "application/json"),
        ]:
            response = send(client, method, path, body, content_type, **extra)
            if response.status_code != 400:
                failures.append(f"{header} on {method} {path}: {response.status_code}")
        # Reads store no header: answered as usual, never a 500.
        for path in ["/app/guests/", f"/bookings/{restaurant.pk}/{tomorrow}"]:
            response = clients(path).get(path, **extra)
            if response.status_code >= 500:
                failures.append(f"{header} on GET {path}: {response.status_code}")
    assert failures == []
    assert snapshot(sessions=False) == before


@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("path", ["/app/bookings/", "/auth/login"])
def test_an_escaped_nul_in_the_session_cookie_answers_400(database, db, path):
    # Python's cookie parser reads `\000` in a quoted value as a NUL; the session cookie is a
    # database lookup.
    assert connection.vendor == database
    from django.test import Client

    client = Client(raise_request_exception=False)
    before = snapshot()
    response = client.get(path, HTTP_COOKIE='sessionid="abcdefgh\\000ijklmnop"')
    assert response.status_code == 400
    assert problem(response, path) is None
    assert snapshot() == before


def test_a_nul_in_authorization_is_the_usual_401(anon_api, world):
    response = anon_api.get(
        f"/bookings/{world['restaurant'].pk}/{world['tomorrow']}", HTTP_AUTHORIZATION="Bearer a\x00"
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_messages_are_translated():
    from crm.bad_text import _messages

    with translation.override("ru"):
        russian = _messages()
    english = _messages()
    assert all(russian[key] != english[key] for key in english)


@pytest.mark.parametrize(
    "part",
    [
        b'Content-Disposition: form-data; name="q\x00"\r\n\r\nx',
        b"Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''a%00b.txt\r\n\r\nx",
        b'Content-Disposition: form-data; name="q"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        b"YQBi",  # "a\0b"
        b'Content-Disposition: form-data; name="\xffq"\r\n\r\nx',
    ],
    ids=["field name", "RFC 2231 file name", "base64 value", "non-UTF-8 field name"],
)
def test_multipart_corners_are_read_as_django_reads_them(manager_client, world, part):
    body = b"--" + BOUNDARY.encode() + b"\r\n" + part + b"\r\n--" + BOUNDARY.encode() + b"--\r\n"
    before = snapshot()
    response = manager_client.post("/app/assistant/", body, content_type=MULTIPART)
    assert response.status_code == 400
    assert snapshot() == before
