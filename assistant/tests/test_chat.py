"""`POST /assistants/chat`: one turn answered whole, through the real client and a fake model."""

from __future__ import annotations

import json

import pytest

from assistant.models import Message, Thread
from assistant.tests.conftest import jwt_client
from assistant.tests.fake_openai import Reply
from bookings.availability import slots_for_day
from bookings.models import Booking
from bookings.services import booking_create
from conftest import make_user

CHAT = "/assistants/chat"


def chat(api, message: str, **extra):
    return api.post(CHAT, {"assistant_id": "asst_demo", "message": message, **extra}, format="json")


def test_chat_answers_with_the_models_reply_and_a_new_thread(
    api, restaurant, assistant_profile, fake_openai
):
    fake_openai.script(Reply(text="Good evening! How can I help?"))
    response = chat(api, "Hello")
    assert response.status_code == 200
    body = response.json()
    assert body["assistant_message"] == "Good evening! How can I help?"
    thread = Thread.objects.get(public_id=body["thread_id"])
    assert body["thread_id"].startswith("thread_")
    assert thread.restaurant == restaurant
    assert list(thread.messages.values_list("role", "content")) == [
        ("user", "Hello"),
        ("assistant", "Good evening! How can I help?"),
    ]
    assert fake_openai.requests[0]["model"] == "fake-model"


def test_second_message_carries_the_first_exchange(api, assistant_profile, fake_openai):
    fake_openai.script(Reply(text="We open at noon."), Reply(text="Yes, on Sundays too."))
    first = chat(api, "When do you open?").json()
    second = chat(api, "On Sundays as well?", thread_id=first["thread_id"])
    assert second.status_code == 200
    assert second.json() == {
        "thread_id": first["thread_id"],
        "assistant_message": "Yes, on Sundays too.",
    }
    seen = [(m["role"], m["content"]) for m in fake_openai.requests[1]["messages"][1:]]
    assert seen == [
        ("user", "When do you open?"),
        ("assistant", "We open at noon."),
        ("user", "On Sundays as well?"),
    ]


def test_the_system_prompt_is_built_from_the_restaurants_settings(
    api, restaurant, assistant_profile, fake_openai
):
    restaurant.host_choice = "maxim"
    restaurant.greeting_text = "Welcome to Blue Door!"
    restaurant.info_text = "Vegan menu on Tuesdays. Parking behind the building."
    restaurant.opening_time = restaurant.opening_time.replace(hour=11)
    restaurant.save()
    assistant_profile.instructions = "Always mention the terrace."
    assistant_profile.save()

    chat(api, "Hi")

    system = fake_openai.requests[0]["messages"][0]
    assert system["role"] == "system"
    prompt = system["content"]
    assert "Maxim" in prompt
    assert "Polished and formal" in prompt
    assert "Blue Door" in prompt
    assert "Welcome to Blue Door!" in prompt
    assert "Vegan menu on Tuesdays" in prompt
    assert "from 11:00 to 23:00" in prompt
    assert "11:00, 12:00" in prompt and "22:00" in prompt
    assert restaurant.today().isoformat() in prompt
    assert "Always mention the terrace." in prompt
    names = [tool["function"]["name"] for tool in fake_openai.requests[0]["tools"]]
    assert names == ["find_free_slots", "create_booking"]


def test_cleared_settings_leave_the_prompt_with_the_default_host_and_no_texts(
    api, restaurant, assistant_profile, fake_openai
):
    restaurant.host_choice = restaurant.greeting_text = restaurant.info_text = None
    restaurant.save()

    assert chat(api, "Hi").status_code == 200

    prompt = fake_openai.requests[0]["messages"][0]["content"]
    assert 'You are Anna, the host of the restaurant "Blue Door"' in prompt
    assert "None" not in prompt
    assert "The restaurant's greeting" not in prompt
    assert "Information about the restaurant" not in prompt


def test_a_booking_made_through_the_tool_shows_in_the_slot_counts(
    api, host, restaurant, tomorrow, assistant_profile, fake_openai
):
    fake_openai.script(
        Reply.books(
            tomorrow, time_slot="18:00", client_name="Anna", party_size=3, phone="+7 912 345-67-89"
        ),
        Reply(text="Booked: tomorrow at 18:00 for Anna."),
    )
    response = chat(api, "A table for three tomorrow at six, Anna, +7 912 345-67-89")
    assert response.status_code == 200
    assert response.json()["assistant_message"] == "Booked: tomorrow at 18:00 for Anna."

    booking = Booking.objects.get()
    assert (booking.client_name, booking.party_size, booking.phone) == ("Anna", 3, "+79123456789")
    assert booking.source == Booking.Source.ASSISTANT
    assert booking.created_by == host
    slot = next(
        s for s in slots_for_day(restaurant=restaurant, date=tomorrow) if s["time"] == "18:00"
    )
    assert (slot["booked"], slot["free"]) == (1, 4)

    # The model saw its call and the result before answering.
    follow_up = fake_openai.requests[1]["messages"]
    assert follow_up[-2]["tool_calls"][0]["function"]["name"] == "create_booking"
    result = json.loads(follow_up[-1]["content"])
    assert follow_up[-1]["role"] == "tool"
    assert follow_up[-1]["tool_call_id"] == follow_up[-2]["tool_calls"][0]["id"]
    assert result["status"] == "ok" and result["booking_id"] == booking.pk
    roles = list(Message.objects.values_list("role", flat=True))
    assert roles == ["user", "assistant", "tool", "assistant"]


def test_a_full_slot_goes_back_to_the_model_with_other_free_times(
    api, restaurant, tomorrow, assistant_profile, fake_openai
):
    restaurant.default_table_count = 1
    restaurant.save()
    booking_create(restaurant=restaurant, date=tomorrow, time_slot="19:00", client_name="Early")
    fake_openai.script(
        Reply.books(tomorrow, time_slot="19:00", client_name="Late", party_size=2),
        Reply(text="19:00 is taken; 20:00 is free."),
    )
    response = chat(api, "19:00 tomorrow for two, Late")
    assert response.status_code == 200
    assert response.json()["assistant_message"] == "19:00 is taken; 20:00 is free."
    assert Booking.objects.count() == 1
    result = json.loads(fake_openai.requests[1]["messages"][-1]["content"])
    assert "No free tables" in result["error"]
    assert "19:00" not in result["other_free_slots_that_day"]
    assert "20:00" in result["other_free_slots_that_day"]


def test_free_slots_tool_reads_the_days_counts(
    api, restaurant, tomorrow, assistant_profile, fake_openai
):
    restaurant.default_table_count = 1
    restaurant.save()
    booking_create(restaurant=restaurant, date=tomorrow, time_slot="12:00", client_name="Ann")
    fake_openai.script(
        Reply(tool_calls=[("find_free_slots", {"date": tomorrow.isoformat()})]),
        Reply(text="From 13:00."),
    )
    assert chat(api, "What is free tomorrow?").status_code == 200
    result = json.loads(fake_openai.requests[1]["messages"][-1]["content"])
    times = [slot["time"] for slot in result["free_slots"]]
    assert times[0] == "13:00" and "12:00" not in times
    assert result["free_slots"][0]["free_tables"] == 1


def test_the_tools_answer_by_party_size_on_a_described_floor(
    api, restaurant, tomorrow, assistant_profile, fake_openai
):
    """One 6-top held 18:00-20:30: "a table for 6" is free until a visit would reach 18:00 and
    from 21:00; a booking for 6 at 19:00 comes back with the nearest of those times; for 2
    guests the 2-top is free all evening."""
    from restaurants.models import Table, VisitLength

    six = Table.objects.create(restaurant=restaurant, name="Six", min_seats=3, max_seats=6)
    Table.objects.create(restaurant=restaurant, name="Two", max_seats=2, position=1)
    VisitLength.objects.create(restaurant=restaurant, up_to_party=None, minutes=150)
    booking_create(
        restaurant=restaurant, date=tomorrow, time_slot="18:00", client_name="Ann", party_size=6
    )
    fake_openai.script(
        Reply(tool_calls=[("find_free_slots", {"date": tomorrow.isoformat(), "party_size": 6})]),
        Reply.books(tomorrow, time_slot="19:00", client_name="Late", party_size=6),
        Reply(tool_calls=[("find_free_slots", {"date": tomorrow.isoformat(), "party_size": 2})]),
        Reply(text="For six, 21:00 or 22:00."),
    )
    assert chat(api, "A table for 6 tomorrow at 19:00?").status_code == 200
    found, refused, for_two = (
        json.loads(fake_openai.requests[n]["messages"][-1]["content"]) for n in (1, 2, 3)
    )
    free_for_six = ["12:00", "13:00", "14:00", "15:00", "21:00", "22:00"]
    assert [slot["time"] for slot in found["free_slots"]] == free_for_six
    assert refused["error"] == "No table for 6 at 19:00; free for 6 at 21:00 and 22:00."
    assert refused["other_free_slots_that_day"] == free_for_six
    assert "19:00" in [slot["time"] for slot in for_two["free_slots"]]
    assert Booking.objects.get().tables.get() == six


@pytest.mark.parametrize(
    "arguments, error",
    [
        ({"date": "next friday"}, "is not a date"),
        ({"date": "2020-01-01"}, "already passed"),
        ('{"date": ', "not valid JSON"),
    ],
)
def test_bad_tool_arguments_go_back_to_the_model_as_errors(
    api, assistant_profile, fake_openai, arguments, error
):
    fake_openai.script(
        Reply(tool_calls=[("find_free_slots", arguments)]), Reply(text="Which date?")
    )
    response = chat(api, "Free tables?")
    assert response.status_code == 200
    assert response.json()["assistant_message"] == "Which date?"
    assert error in json.loads(fake_openai.requests[1]["messages"][-1]["content"])["error"]


def test_a_booking_the_core_refuses_is_reported_to_the_model(
    api, tomorrow, assistant_profile, fake_openai
):
    fake_openai.script(
        Reply.books(tomorrow, time_slot="18:30", client_name="Bo"),
        Reply(text="We book on the hour."),
    )
    assert chat(api, "18:30 please").status_code == 200
    result = json.loads(fake_openai.requests[1]["messages"][-1]["content"])
    assert result["error"].startswith("time_slot:")
    assert Booking.objects.count() == 0


def test_the_tool_loop_is_bounded(api, assistant_profile, fake_openai, tomorrow):
    call = Reply(tool_calls=[("find_free_slots", {"date": tomorrow.isoformat()})])
    fake_openai.script(*[call] * 5, Reply(text="Here is what I found."))
    response = chat(api, "Keep looking")
    assert response.json()["assistant_message"] == "Here is what I found."
    assert len(fake_openai.requests) == 6
    assert "tool_choice" not in fake_openai.requests[4]
    assert fake_openai.requests[5]["tool_choice"] == "none"


def test_upstream_error_answers_502(api, assistant_profile, fake_openai):
    fake_openai.script(Reply(status=500))
    response = chat(api, "Hello")
    assert response.status_code == 502
    assert "500" in response.json()["detail"]


def test_upstream_timeout_answers_504(api, assistant_profile, fake_openai, settings):
    settings.OPENAI_READ_TIMEOUT = 1
    fake_openai.script(Reply(hang=True))
    response = chat(api, "Hello")
    assert response.status_code == 504
    assert "did not answer in time" in response.json()["detail"]


def test_unreachable_model_server_answers_502(api, assistant_profile, settings):
    settings.OPENAI_BASE_URL = "http://127.0.0.1:9/v1"
    settings.OPENAI_MAX_RETRIES = 0
    response = chat(api, "Hello")
    assert response.status_code == 502
    assert "Could not reach" in response.json()["detail"]


def test_without_key_or_base_url_answers_503_and_stores_nothing(api, assistant_profile, settings):
    settings.OPENAI_API_KEY = ""
    settings.OPENAI_BASE_URL = ""
    for path in (CHAT, "/assistants/chat_stream"):
        response = api.post(path, {"assistant_id": "asst_demo", "message": "Hi"}, format="json")
        assert response.status_code == 503
        assert "OPENAI_API_KEY" in response.json()["detail"]
    assert Thread.objects.count() == 0
    assert Message.objects.count() == 0


def test_a_local_server_needs_no_key(api, assistant_profile, fake_openai, settings):
    settings.OPENAI_API_KEY = ""
    fake_openai.script(Reply(text="Local model here."))
    response = chat(api, "Hi")
    assert response.status_code == 200
    assert response.json()["assistant_message"] == "Local model here."


@pytest.mark.parametrize(
    "body, field",
    [
        ({"assistant_id": "asst_demo", "message": ""}, "message"),
        ({"assistant_id": "asst_demo", "message": "   \n "}, "message"),
        ({"assistant_id": "asst_demo", "message": "x" * 4001}, "message"),
        ({"assistant_id": "asst_demo", "message": 42}, "message"),
        ({"assistant_id": "asst_demo", "message": None}, "message"),
        ({"assistant_id": "asst_demo"}, "message"),
        ({"message": "Hi"}, "assistant_id"),
        ({"assistant_id": ["asst_demo"], "message": "Hi"}, "assistant_id"),
        ({"assistant_id": "asst_demo", "message": "Hi", "thread_id": 7}, "thread_id"),
        ({"assistant_id": "asst_demo", "message": "Hi", "restaurant_id": "one"}, "restaurant_id"),
    ],
)
@pytest.mark.parametrize("path", [CHAT, "/assistants/chat_stream"])
def test_bad_input_answers_400_naming_the_field_and_writes_nothing(
    api, assistant_profile, fake_openai, body, field, path
):
    response = api.post(path, body, format="json")
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == [field]
    assert body["detail"].startswith(f"{field}:")
    assert Thread.objects.count() == 0
    assert fake_openai.requests == []


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"hello"', b"{not json"])
def test_a_body_that_is_not_a_json_object_answers_400(api, assistant_profile, raw):
    response = api.generic("POST", CHAT, raw, content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_a_message_of_exactly_the_limit_is_accepted(api, assistant_profile, fake_openai):
    assert chat(api, "x" * 4000).status_code == 200


def test_unknown_assistant_answers_404(api, assistant_profile, fake_openai):
    response = chat(api, "Hi", assistant_id="asst_nobody")
    assert response.status_code == 404
    assert "detail" in response.json()
    assert Thread.objects.count() == 0


def test_another_restaurants_thread_answers_404_like_a_missing_one(
    api, other_restaurant, assistant_profile, fake_openai
):
    stranger = make_user("stranger", restaurant=other_restaurant)
    theirs = chat(jwt_client(stranger), "Their secret").json()["thread_id"]

    for thread_id in (theirs, "thread_missing"):
        response = chat(api, "Show me", thread_id=thread_id)
        assert response.status_code == 404
        assert response.json()["detail"] == "Thread not found."
        assert api.get(f"/assistants/threads/{thread_id}").status_code == 404
    assert Thread.objects.get(public_id=theirs).messages.count() == 2


def test_a_restaurant_in_the_body_must_be_one_of_the_callers(
    api, other_restaurant, assistant_profile, fake_openai
):
    response = chat(api, "Hi", restaurant_id=other_restaurant.pk)
    assert response.status_code == 404
    assert Thread.objects.count() == 0


def test_without_a_token_answers_401(client, assistant_profile):
    response = client.post(
        CHAT, {"assistant_id": "asst_demo", "message": "Hi"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_thread_endpoint_lists_the_conversation(api, assistant_profile, fake_openai):
    fake_openai.script(Reply(text="Hi there."))
    thread_id = chat(api, "Hello").json()["thread_id"]
    response = api.get(f"/assistants/threads/{thread_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["thread_id"] == thread_id and body["assistant_id"] == "asst_demo"
    assert [(m["role"], m["content"]) for m in body["messages"]] == [
        ("user", "Hello"),
        ("assistant", "Hi there."),
    ]
