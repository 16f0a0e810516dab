"""The Assistant page in a real browser: the reply streams in, tools show, the thread lasts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from assistant.models import Thread
from assistant.tests.fake_openai import Reply
from bookings.models import Booking
from conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_message_streams_in_books_a_table_and_survives_a_reload(
    page, host, restaurant, tomorrow, assistant_profile, fake_openai
):
    restaurant.greeting_text = "Welcome to Blue Door! How can I help?"
    restaurant.save()
    # The first reply stops after its first words until the test lets it go on.
    fake_openai.script(
        Reply(chunks=["Good evening, ", "Anna! Which time?"], gate=True),
        Reply.books(tomorrow, time_slot="18:00", client_name="Anna", party_size=2),
        Reply(text="You're booked for 18:00 tomorrow."),
    )
    sign_in(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Assistant").click()
    log = page.get_by_test_id("chat-log")
    expect(log.locator("li").first).to_have_text("Welcome to Blue Door! How can I help?")

    box = page.get_by_label("Your message")
    box.fill("Hello, I'm Anna")
    box.press("Enter")
    expect(log.locator(".chat-user")).to_have_text(["Hello, I'm Anna"])
    # The first words are on the page while the model is still writing.
    expect(log.locator(".chat-assistant").nth(1)).to_have_text("Good evening,")
    fake_openai.gate.set()
    expect(log.locator(".chat-assistant").nth(1)).to_have_text("Good evening, Anna! Which time?")
    expect(page).to_have_url(
        f"{page.errors.origin}/app/assistant/?thread={Thread.objects.get().public_id}"
    )

    box.fill("Tomorrow at 18:00 for two")
    page.get_by_role("button", name="Send").click()
    expect(log.locator(".chat-tool")).to_have_text(
        [f"Booked 18:00 on {tomorrow.isoformat()} for Anna"]
    )
    expect(log.locator(".chat-assistant").last).to_have_text("You're booked for 18:00 tomorrow.")
    assert Booking.objects.get().source == "assistant"

    # A reload continues the same conversation; the model sees all of it next time.
    page.reload()
    expect(log.locator(".chat-msg")).to_have_text(
        [
            "Welcome to Blue Door! How can I help?",
            "Hello, I'm Anna",
            "Good evening, Anna! Which time?",
            "Tomorrow at 18:00 for two",
            f"Booked 18:00 on {tomorrow.isoformat()} for Anna",
            "You're booked for 18:00 tomorrow.",
        ]
    )
    fake_openai.script(Reply(text="See you tomorrow!"))
    box.fill("Thanks")
    box.press("Enter")
    expect(log.locator(".chat-assistant").last).to_have_text("See you tomorrow!")
    assert Thread.objects.count() == 1
    assert [m["content"] for m in fake_openai.requests[-1]["messages"] if m["role"] == "user"] == [
        "Hello, I'm Anna",
        "Tomorrow at 18:00 for two",
        "Thanks",
    ]

    page.get_by_role("link", name="New conversation").click()
    expect(page).to_have_url(f"{page.errors.origin}/app/assistant/")
    expect(log.locator(".chat-msg")).to_have_text(["Welcome to Blue Door! How can I help?"])


def test_a_failing_model_shows_an_error_in_the_conversation(
    page, host, assistant_profile, fake_openai
):
    fake_openai.script(Reply(status=500))
    sign_in(page)
    page.goto("/app/assistant/")
    box = page.get_by_label("Your message")
    box.fill("Hello?")
    box.press("Enter")
    expect(page.locator(".chat-error")).to_contain_text("answered with an error (500)")
    expect(box).to_be_editable()
