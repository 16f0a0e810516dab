"""The guests' chat on the public page, in Chromium: the AI host books a table through the fake
model server, and the guest follows the manage link it gives."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from assistant.tests.fake_openai import Reply
from bookings.models import Booking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1366])
def test_the_chat_books_a_table(page, restaurant, assistant_profile, fake_openai, width):
    restaurant.online_booking = True
    restaurant.save()
    day = restaurant.today() + dt.timedelta(days=3)
    fake_openai.script(
        Reply(text="Hello! How many guests, and when?"),
        Reply.books(
            day, time_slot="19:00", client_name="Anna", party_size=2, phone="+7 912 345-67-89"
        ),
        Reply(text="Booked for 19:00. Keep the link to manage it."),
    )
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/r/blue-door/")
    page.get_by_test_id("chat-open").click()
    page.get_by_label("Your message").fill("Hi!")
    page.get_by_role("button", name="Send").click()
    log = page.get_by_test_id("chat-log")
    expect(log).to_contain_text("Hello! How many guests, and when?")
    page.get_by_label("Your message").fill("Two of us at 19:00, Anna, +7 912 345-67-89")
    page.get_by_role("button", name="Send").click()
    expect(log).to_contain_text("Booked for 19:00. Keep the link to manage it.")
    booking = Booking.objects.get()
    assert booking.source == Booking.Source.ONLINE
    expect(log).to_contain_text(f"BLU-{booking.pk:05d}")
    # Both turns were one conversation.
    assert len({r["messages"][1]["content"] for r in fake_openai.requests}) == 1
    page.get_by_role("link", name="Manage your booking").click()
    expect(page.get_by_test_id("reference")).to_have_text(f"BLU-{booking.pk:05d}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
