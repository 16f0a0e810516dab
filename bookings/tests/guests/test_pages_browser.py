"""The guest book in a real browser: a host finds a known guest in the booking dialog by a part
of the phone and books them; the guest list searches as they type; a manager edits a profile."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bookings.models import Booking, Guest
from bookings.services import booking_create
from conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("GUEST_SCREENSHOTS")


def shot(page, name: str) -> None:
    """Screenshots for a person to look at, when GUEST_SCREENSHOTS names a folder."""
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def known(restaurant, tomorrow) -> Guest:
    guest = booking_create(
        restaurant=restaurant,
        date=tomorrow,
        time_slot="12:00",
        client_name="Ivan Petrov",
        phone="+7 912 345-67-89",
        email="ivan@example.com",
    ).guest
    guest.tags = ["VIP", "allergy"]
    guest.save()
    Guest.objects.create(restaurant=restaurant, name="Olga", phone="+79990001122")
    return guest


def test_host_finds_a_guest_by_part_of_the_phone_and_books_them(
    page, host, restaurant, tomorrow, known
):
    sign_in(page)
    page.goto(f"/app/bookings/?date={tomorrow.isoformat()}")
    page.locator('#slot-list [data-slot="19:00"]').get_by_role("link").click()
    dialog = page.locator("#booking-dialog")
    expect(dialog).to_be_visible()

    dialog.get_by_label("Phone").press_sequentially("912 34")
    choice = dialog.get_by_role("button", name="Ivan Petrov")
    expect(choice).to_be_visible()
    expect(dialog.get_by_role("list", name="Known guests")).not_to_contain_text("Olga")
    shot(page, "booking-suggestions")
    choice.click()

    expect(dialog.get_by_label("Guest name")).to_have_value("Ivan Petrov")
    expect(dialog.get_by_label("Phone")).to_have_value("+79123456789")
    expect(dialog.get_by_label("E-mail")).to_have_value("ivan@example.com")
    expect(dialog.get_by_label("Party size")).to_be_focused()
    expect(dialog.get_by_role("button", name="Ivan Petrov")).to_have_count(0)
    dialog.get_by_label("Party size").fill("4")
    dialog.get_by_role("button", name="Book", exact=True).click()

    expect(dialog).to_be_hidden()
    row = page.locator("#day-bookings li", has_text="19:00")
    expect(row.get_by_test_id("guest-tag")).to_have_text(["VIP", "allergy"])
    shot(page, "day-with-tags")
    booking = Booking.objects.get(time_slot="19:00")
    assert (booking.guest_id, booking.party_size) == (known.pk, 4)
    assert booking.email == "ivan@example.com"
    assert Guest.objects.count() == 2


def test_guest_list_searches_as_you_type_and_profile_saves(page, manager, restaurant, known):
    sign_in(page, "manager")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Guests").click()
    rows = page.locator("#guest-results tbody tr")
    expect(rows).to_have_count(2)
    shot(page, "guests")
    page.evaluate("window.stillHere = true")
    page.get_by_label("Search by name, phone, e-mail or tag").press_sequentially("8912")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ivan Petrov")
    expect(page).to_have_url(f"{page.errors.origin}/app/guests/?q=8912&tag=")
    assert page.evaluate("window.stillHere") is True

    rows.first.get_by_role("link", name="Ivan Petrov").click()
    expect(page.get_by_test_id("visits")).to_have_text("0")
    page.get_by_label("Notes", exact=True).fill("Window table, nuts allergy")
    page.get_by_label("regular").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("messages")).to_contain_text("Saved.")
    shot(page, "guest-profile")
    known.refresh_from_db()
    assert known.notes == "Window table, nuts allergy"
    assert known.tags == ["VIP", "allergy", "regular"]
