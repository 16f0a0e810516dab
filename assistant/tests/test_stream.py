"""`POST /assistants/chat_stream`: the turn as Server-Sent Events."""

from __future__ import annotations

import json

import pytest

from assistant.models import Message, Thread
from assistant.tests.fake_openai import Reply
from assistant.tests.sse_client import events, open_stream
from bookings.availability import slots_for_day
from bookings.models import Booking
from crm.api.jwt import refresh_token_for

STREAM = "/assistants/chat_stream"


def parse(raw: bytes) -> list[dict]:
    blocks = raw.decode().split("\n\n")
    assert blocks[-1] == ""
    parsed = []
    for block in blocks[:-1]:
        assert block.startswith("data: ") and "\n" not in block
        parsed.append(json.loads(block[len("data: ") :]))
    return parsed


def stream(api, message: str, **extra):
    return api.post(
        STREAM, {"assistant_id": "asst_demo", "message": message, **extra}, format="json"
    )


def test_stream_sends_deltas_then_done(api, assistant_profile, fake_openai):
    fake_openai.script(Reply(text="Good evening, how may I help?"))
    response = stream(api, "Hello")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Accel-Buffering"] == "no"
    sent = parse(b"".join(response.streaming_content))
    deltas = [event["delta"] for event in sent if "delta" in event]
    assert len(deltas) > 1
    assert "".join(deltas) == "Good evening, how may I help?"
    thread = Thread.objects.get()
    assert sent[-1] == {"done": True, "thread_id": thread.public_id}
    assert list(thread.messages.values_list("role", "content")) == [
        ("user", "Hello"),
        ("assistant", "Good evening, how may I help?"),
    ]
    assert fake_openai.requests[0]["stream"] is True


def test_streamed_thread_continues(api, assistant_profile, fake_openai):
    fake_openai.script(Reply(text="Hi!"), Reply(text="Sure."))
    first = parse(b"".join(stream(api, "Hello").streaming_content))[-1]["thread_id"]
    parse(b"".join(stream(api, "Book me", thread_id=first).streaming_content))
    seen = [(m["role"], m["content"]) for m in fake_openai.requests[1]["messages"][1:]]
    assert seen == [("user", "Hello"), ("assistant", "Hi!"), ("user", "Book me")]


@pytest.mark.django_db(transaction=True)  # the slot cache is dropped on commit
def test_streamed_tool_calls_book_and_report_activity(
    api, restaurant, tomorrow, assistant_profile, fake_openai
):
    fake_openai.script(
        Reply(
            text="Let me check.",
            tool_calls=[
                ("find_free_slots", {"date": tomorrow.isoformat()}),
                (
                    "create_booking",
                    {
                        "date": tomorrow.isoformat(),
                        "time_slot": "18:00",
                        "client_name": "Anna",
                        "party_size": 2,
                    },
                ),
            ],
        ),
        Reply(text="Done: 18:00 for Anna."),
    )
    sent = parse(b"".join(stream(api, "18:00 tomorrow, Anna, two people").streaming_content))

    tools = [event["tool"] for event in sent if "tool" in event]
    assert [(t["name"], t["status"]) for t in tools] == [
        ("find_free_slots", "started"),
        ("create_booking", "started"),
        ("find_free_slots", "done"),
        ("create_booking", "done"),
    ]
    assert tools[3]["text"] == f"Booked 18:00 on {tomorrow.isoformat()} for Anna"
    assert "".join(e["delta"] for e in sent if "delta" in e) == "Let me check.Done: 18:00 for Anna."
    assert "done" in sent[-1]

    booking = Booking.objects.get()
    assert (booking.time_slot, booking.source) == ("18:00", "assistant")
    slot = next(
        s for s in slots_for_day(restaurant=restaurant, date=tomorrow) if s["time"] == "18:00"
    )
    assert slot["booked"] == 1

    # The arguments arrived in pieces and were put back together for the model's next round.
    calls = fake_openai.requests[1]["messages"][-3]["tool_calls"]
    assert [json.loads(c["function"]["arguments"])["date"] for c in calls] == [
        tomorrow.isoformat()
    ] * 2
    assert [m["role"] for m in fake_openai.requests[1]["messages"][-3:]] == [
        "assistant",
        "tool",
        "tool",
    ]
    assert list(Message.objects.values_list("role", flat=True)) == [
        "user",
        "assistant",
        "tool",
        "tool",
        "assistant",
    ]


def test_upstream_error_in_stream_sends_an_error_event_then_done(
    api, assistant_profile, fake_openai
):
    fake_openai.script(Reply(status=500))
    response = stream(api, "Hello")
    assert response.status_code == 200
    sent = parse(b"".join(response.streaming_content))
    assert len(sent) == 2
    assert "500" in sent[0]["error"]
    assert sent[1] == {"done": True, "thread_id": Thread.objects.get().public_id}


def test_upstream_timeout_in_stream_sends_an_error_event_then_done(
    api, assistant_profile, fake_openai, settings
):
    settings.OPENAI_READ_TIMEOUT = 1
    fake_openai.script(Reply(hang=True))
    sent = parse(b"".join(stream(api, "Hello").streaming_content))
    assert [list(event) for event in sent] == [["error"], ["done", "thread_id"]]
    assert "did not answer in time" in sent[0]["error"]


def test_a_model_falling_silent_mid_stream_keeps_what_it_said(
    api, assistant_profile, fake_openai, settings
):
    settings.OPENAI_READ_TIMEOUT = 1
    fake_openai.script(Reply(chunks=["We have ", "a table"], gate=True))
    sent = parse(b"".join(stream(api, "Hello").streaming_content))
    assert sent[0] == {"delta": "We have "}
    assert "did not answer in time" in sent[1]["error"]
    assert "done" in sent[2]
    assert Message.objects.filter(role="assistant").get().content == "We have "


@pytest.mark.django_db(transaction=True)  # closing a response closes the connection
def test_client_going_away_stops_the_upstream_request_and_keeps_what_was_said(
    api, assistant_profile, fake_openai
):
    fake_openai.script(Reply(text="Hello", until_released=True, chunk_delay=0.05))
    response = stream(api, "Hi")
    content = iter(response.streaming_content)
    assert parse(next(content)) == [{"delta": "Hello"}]
    response.close()
    # The fake model notices its connection dropped while it still had more to say.
    assert fake_openai.disconnected.wait(timeout=30)
    assert Message.objects.filter(role="assistant").get().content == "Hello"


@pytest.mark.django_db(transaction=True)
def test_a_real_client_gets_each_event_as_it_is_sent(
    live_server, host, assistant_profile, fake_openai
):
    # The fake model sends its first words, then waits: the client must already have them.
    fake_openai.script(Reply(text="Welcome to Blue Door, table for how many?", gate=True))
    token = str(refresh_token_for(host).access_token)
    connection, response = open_stream(
        live_server.url, STREAM, {"assistant_id": "asst_demo", "message": "Hi"}, token=token
    )
    try:
        assert response.status == 200
        assert response.getheader("Content-Type").startswith("text/event-stream")
        received = events(response)
        assert next(received) == {"delta": "Welcome "}
        fake_openai.gate.set()
        rest = list(received)
    finally:
        connection.close()
    assert "".join(e["delta"] for e in rest if "delta" in e) == "to Blue Door, table for how many?"
    assert rest[-1] == {"done": True, "thread_id": Thread.objects.get().public_id}


@pytest.mark.django_db(transaction=True)
def test_errors_before_the_stream_are_json_even_for_an_event_stream_client(
    live_server, host, assistant_profile, fake_openai
):
    token = str(refresh_token_for(host).access_token)
    connection, response = open_stream(
        live_server.url, STREAM, {"assistant_id": "asst_demo", "message": ""}, token=token
    )
    try:
        assert response.status == 400
        assert response.getheader("Content-Type") == "application/json"
        assert list(json.loads(response.read())["errors"]) == ["message"]
    finally:
        connection.close()


def test_a_refused_booking_shows_as_failed_activity(
    api, restaurant, tomorrow, assistant_profile, fake_openai
):
    restaurant.default_table_count = 1
    restaurant.save()
    Booking.objects.create(restaurant=restaurant, date=tomorrow, time_slot="19:00", client_name="A")
    fake_openai.script(
        Reply.books(tomorrow, time_slot="19:00", client_name="Bo"),
        Reply(text="19:00 is full, 20:00 is free."),
    )
    sent = parse(b"".join(stream(api, "19:00 tomorrow").streaming_content))
    tools = [event["tool"] for event in sent if "tool" in event]
    assert tools[-1] == {
        "name": "create_booking",
        "status": "failed",
        "text": "Could not book 19:00: no free tables",
    }
    assert Booking.objects.count() == 1


def test_the_chat_page_session_may_stream_with_its_csrf_token(
    restaurant, other_restaurant, host, assistant_profile, fake_openai
):
    from django.test import Client

    fake_openai.script(Reply(text="Hello from the page."))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(host)
    body = {"assistant_id": "asst_demo", "message": "Hi"}

    refused = browser.post(STREAM, body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]

    browser.get("/admin/login/")  # any page that sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post(STREAM, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    sent = parse(b"".join(response.streaming_content))
    assert "".join(e["delta"] for e in sent if "delta" in e) == "Hello from the page."
    assert Thread.objects.get().restaurant == restaurant


@pytest.mark.parametrize("path", ["/assistants/chat", STREAM])
def test_a_booking_by_the_assistant_is_audited_with_the_caller(
    api, host, tomorrow, assistant_profile, fake_openai, path
):
    from auditlog.models import LogEntry

    fake_openai.script(
        Reply.books(tomorrow, time_slot="18:00", client_name="Anna"),
        Reply(text="Booked."),
    )
    response = api.post(path, {"assistant_id": "asst_demo", "message": "18:00"}, format="json")
    if path == STREAM:
        parse(b"".join(response.streaming_content))  # the turn runs as the stream is read
    entry = LogEntry.objects.get_for_object(Booking.objects.get()).get()
    assert entry.actor == host
