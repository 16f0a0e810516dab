"""The Assistant page, rendered by the server (the browser test drives its streaming)."""

from __future__ import annotations

from assistant.models import Message, Thread
from assistant.services import thread_create
from assistant.tests.fake_openai import Reply
from bookings.models import Booking
from conftest import make_user

PAGE = "/app/assistant/"


def test_sidebar_links_to_the_assistant_page(host_client):
    html = host_client.get("/app/bookings/").content.decode()
    assert f'href="{PAGE}"' in html
    page = host_client.get(PAGE).content.decode()
    assert f'href="{PAGE}" class="nav-link" aria-current="page"' in page


def test_the_greeting_from_settings_is_the_first_message(
    host_client, restaurant, assistant_profile, fake_openai
):
    restaurant.greeting_text = "Welcome to Blue Door! Ask me anything."
    restaurant.save()
    response = host_client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="greeting">Welcome to Blue Door! Ask me anything.</li>' in html
    assert 'data-assistant-id="asst_demo"' in html
    assert 'src="/static/js/chat.js"' in html
    assert "not-configured" not in html


def test_without_a_greeting_the_persona_introduces_itself(host_client, restaurant, fake_openai):
    restaurant.host_choice = "sofia"
    restaurant.save()
    html = host_client.get(PAGE).content.decode()
    assert "I&#x27;m Sofia, the host of Blue Door" in html


def test_with_cleared_settings_the_default_host_introduces_itself(
    host_client, restaurant, fake_openai
):
    restaurant.host_choice = restaurant.greeting_text = restaurant.info_text = None
    restaurant.save()
    html = host_client.get(PAGE).content.decode()
    assert 'data-testid="greeting">Hello! I&#x27;m Anna, the host of Blue Door.' in html
    assert "None" not in html


def test_a_thread_in_the_url_shows_its_messages_and_tool_activity(
    host_client, host, restaurant, tomorrow, assistant_profile, fake_openai
):
    fake_openai.script(
        Reply.books(tomorrow, time_slot="18:00", client_name="Anna", party_size=2, stream=False),
        Reply(text="You are booked, Anna.", stream=False),
    )
    host_client.post(PAGE, {"message": "18:00 tomorrow for Anna"})
    thread = Thread.objects.get()

    html = host_client.get(PAGE, {"thread": thread.public_id}).content.decode()
    assert '<li class="chat-msg chat-user">18:00 tomorrow for Anna</li>' in html
    assert f"Booked 18:00 on {tomorrow.isoformat()} for Anna" in html
    assert '<li class="chat-msg chat-assistant">You are booked, Anna.</li>' in html
    assert f'data-thread-id="{thread.public_id}"' in html


def test_the_form_works_without_javascript(host_client, restaurant, assistant_profile, fake_openai):
    fake_openai.script(Reply(text="We open at noon."), Reply(text="Yes, daily."))
    response = host_client.post(PAGE, {"message": "When do you open?"})
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?thread={thread.public_id}"

    host_client.post(PAGE, {"message": "Every day?", "thread": thread.public_id})
    assert Thread.objects.count() == 1
    assert list(thread.messages.values_list("content", flat=True)) == [
        "When do you open?",
        "We open at noon.",
        "Every day?",
        "Yes, daily.",
    ]


def test_an_empty_message_from_the_form_is_refused(host_client, assistant_profile, fake_openai):
    response = host_client.post(PAGE, {"message": "   "}, follow=True)
    assert "Write a message first." in response.content.decode()
    assert Thread.objects.count() == 0 and fake_openai.requests == []


def test_another_restaurants_thread_is_not_shown(
    host_client, other_restaurant, assistant_profile, fake_openai
):
    theirs = thread_create(assistant=assistant_profile, restaurant=other_restaurant, user=None)
    Message.objects.create(thread=theirs, role="user", content="Their secret")
    response = host_client.get(PAGE, {"thread": theirs.public_id}, follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    assert "Their secret" not in response.content.decode()

    host_client.post(PAGE, {"message": "Hi", "thread": theirs.public_id})
    assert theirs.messages.count() == 1


def test_without_configuration_the_page_says_what_to_set(host_client, settings, assistant_profile):
    settings.OPENAI_API_KEY = ""
    settings.OPENAI_BASE_URL = ""
    html = host_client.get(PAGE).content.decode()
    assert 'data-testid="not-configured"' in html and "OPENAI_API_KEY" in html
    assert "disabled" in html


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/app/login/")


def test_a_host_of_two_restaurants_talks_for_the_chosen_one(
    client, restaurant, other_restaurant, assistant_profile, fake_openai
):
    both = make_user("both", restaurant=restaurant)
    both.memberships.create(restaurant=other_restaurant, role="host")
    client.force_login(both)
    session = client.session
    session["restaurant_id"] = other_restaurant.pk
    session.save()
    client.post(PAGE, {"message": "Hello"})
    assert Thread.objects.get().restaurant == other_restaurant
    assert Booking.objects.count() == 0
