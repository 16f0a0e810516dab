"""The host's pages in a real browser (headless Chromium): what a host and a manager do.

The `page` fixture (root conftest) fails a test on any JavaScript error and on any request that
leaves the live server, so every test here also proves the pages work offline.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from playwright.sync_api import expect

from bookings.models import Booking
from bookings.services import booking_create
from conftest import sign_in
from restaurants.services import table_override_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_day(page, date: dt.date) -> None:
    page.goto(f"/app/bookings/?date={date.isoformat()}")


def slot(page, time: str):
    return page.locator(f'#slot-list [data-slot="{time}"]')


def open_booking_dialog(page, time: str):
    slot(page, time).get_by_role("link", name=f"Book a table at {time}").click()
    dialog = page.locator("#booking-dialog")
    expect(dialog).to_be_visible()
    return dialog


def test_sign_in_then_the_sidebar_in_english_and_russian(page, host):
    page.goto("/")
    expect(page).to_have_url(f"{page.errors.origin}/app/login/?next=/app/bookings/")
    page.get_by_label("Username").fill("host")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".alert-error")).to_be_visible()

    sign_in(page)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link")).to_have_text(
        ["Bookings", "Timeline", "Settings", "Dashboard", "Guests", "Assistant"]
    )
    expect(page.get_by_test_id("restaurant-name")).to_have_text("Blue Door")

    page.get_by_role("button", name="Русский").click()
    nav = page.get_by_role("navigation", name="Главное меню")
    expect(nav.get_by_role("link")).to_have_text(
        ["Бронирования", "Таймлайн", "Настройки", "Сводка", "Гости", "Ассистент"]
    )
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("#slots-title")).to_contain_text("Слоты")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link")).to_have_text(
        ["Bookings", "Timeline", "Settings", "Dashboard", "Guests", "Assistant"]
    )


def test_choosing_a_date_on_the_calendar_updates_the_slots_and_the_url(
    page, host, restaurant, tomorrow
):
    day = tomorrow + dt.timedelta(days=1)
    booking_create(restaurant=restaurant, date=day, time_slot="18:00", client_name="Olga")
    sign_in(page)
    page.evaluate("window.stillHere = true")  # gone if the page reloads
    if (day.year, day.month) != (restaurant.today().year, restaurant.today().month):
        page.get_by_role("link", name="Next month").click()
        expect(page.locator(f'#calendar a[data-date="{day.isoformat()}"]')).to_be_visible()
    page.locator(f'#calendar a[data-date="{day.isoformat()}"]').click()

    expect(page).to_have_url(f"{page.errors.origin}/app/bookings/?date={day.isoformat()}")
    expect(page.locator(f'#calendar a[data-date="{day.isoformat()}"]')).to_have_attribute(
        "aria-current", "date"
    )
    expect(slot(page, "18:00")).to_have_attribute("data-booked", "1")
    expect(page.locator("#day-bookings")).to_contain_text("Olga")
    assert page.evaluate("window.stillHere") is True

    page.go_back()
    expect(page.locator("#day-bookings")).not_to_contain_text("Olga")


def test_booking_through_the_dialog_updates_the_counts_in_place(page, host, restaurant, tomorrow):
    sign_in(page)
    open_day(page, tomorrow)
    page.evaluate("window.stillHere = true")
    expect(slot(page, "19:00")).to_have_attribute("data-free", "5")
    day_link = page.locator(f'#calendar a[data-date="{tomorrow.isoformat()}"]')
    expect(day_link).to_have_class("day occ-empty")

    dialog = open_booking_dialog(page, "19:00")
    expect(dialog.get_by_label("Guest name")).to_be_focused()
    name = "<b>Ivan</b> <script>window.injected = 1</script>"
    dialog.get_by_label("Guest name").fill(name)
    dialog.get_by_label("Phone").fill("+7 912 345-67-89")
    dialog.get_by_label("Party size").fill("3")
    dialog.get_by_role("button", name="Book", exact=True).click()

    expect(dialog).to_be_hidden()
    expect(slot(page, "19:00")).to_have_attribute("data-booked", "1")
    expect(slot(page, "19:00")).to_have_attribute("data-free", "4")
    expect(page.get_by_test_id("guest-name")).to_have_text(name)  # markup shown as text
    expect(page.locator("#toast")).to_contain_text(f"Booked: {name}")
    expect(day_link).to_have_class("day occ-low")
    expect(page.get_by_test_id("day-summary")).to_have_text("1 booking, 3 guests")
    assert page.evaluate("window.injected") is None
    assert page.evaluate("window.stillHere") is True
    booking = Booking.objects.get()
    assert (booking.client_name, booking.party_size, booking.phone) == (name, 3, "+79123456789")


def test_double_clicking_book_books_once(page, host, restaurant, tomorrow):
    sign_in(page)
    open_day(page, tomorrow)
    dialog = open_booking_dialog(page, "19:00")
    dialog.get_by_label("Guest name").fill("Anna")
    dialog.get_by_role("button", name="Book", exact=True).dblclick()
    expect(dialog).to_be_hidden()
    expect(slot(page, "19:00")).to_have_attribute("data-booked", "1")
    assert Booking.objects.count() == 1


def test_empty_name_keeps_the_dialog_open_with_an_error_beside_the_field(
    page, host, restaurant, tomorrow
):
    sign_in(page)
    open_day(page, tomorrow)
    dialog = open_booking_dialog(page, "18:00")
    dialog.get_by_role("button", name="Book", exact=True).click()

    error = dialog.locator('[data-field-error="client_name"]')
    expect(error).to_have_text("Enter the guest's name.")
    expect(dialog).to_be_visible()
    name = dialog.get_by_label("Guest name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_be_focused()
    assert not Booking.objects.exists()

    page.keyboard.press("Escape")  # the native dialog closes on Escape
    expect(dialog).to_be_hidden()


def test_a_full_slot_refuses(page, host, restaurant, tomorrow):
    table_override_set(restaurant=restaurant, date=tomorrow, table_count=1)
    sign_in(page)
    open_day(page, tomorrow)
    dialog = open_booking_dialog(page, "18:00")
    # Meanwhile another desk takes the last table.
    booking_create(restaurant=restaurant, date=tomorrow, time_slot="18:00", client_name="Phone")
    dialog.get_by_label("Guest name").fill("Walk-in")
    dialog.get_by_role("button", name="Book", exact=True).click()

    expect(dialog.get_by_role("alert")).to_contain_text("No free tables at 18:00")
    expect(dialog).to_be_visible()
    assert Booking.objects.count() == 1
    page.keyboard.press("Escape")
    open_day(page, tomorrow)
    expect(slot(page, "18:00").locator(".badge-full")).to_have_text("Full")
    expect(slot(page, "18:00").get_by_role("link")).to_have_count(0)


def test_cancelling_asks_first_and_frees_a_table(page, host, restaurant, tomorrow):
    booking = booking_create(
        restaurant=restaurant, date=tomorrow, time_slot="20:00", client_name="Pavel"
    )
    sign_in(page)
    open_day(page, tomorrow)
    expect(slot(page, "20:00")).to_have_attribute("data-free", "4")
    row = page.locator(f'[data-booking="{booking.pk}"]')

    page.once("dialog", lambda confirm: confirm.dismiss())
    row.get_by_role("button", name="Cancel").click()
    expect(row).to_have_attribute("data-status", "confirmed")

    page.once("dialog", lambda confirm: confirm.accept())
    row.get_by_role("button", name="Cancel").click()
    expect(row).to_have_attribute("data-status", "cancelled")
    expect(row.locator(".badge")).to_have_text("Cancelled")
    expect(slot(page, "20:00")).to_have_attribute("data-free", "5")
    expect(row.get_by_role("button")).to_have_count(0)  # a cancelled booking has no actions

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_seating_a_guest_by_keyboard(service_day, page, host, restaurant):
    # Today's booking: a guest is seated on the booking's own day.
    booking = booking_create(
        restaurant=restaurant, date=service_day, time_slot="20:00", client_name="Lev"
    )
    sign_in(page)
    open_day(page, service_day)
    row = page.locator(f'[data-booking="{booking.pk}"]')
    row.get_by_role("button", name="Seated").focus()
    page.keyboard.press("Enter")
    expect(row).to_have_attribute("data-status", "seated")
    expect(row.get_by_role("button", name="Completed")).to_be_visible()


def test_manager_saves_settings_with_a_message(page, manager, restaurant):
    sign_in(page, "manager")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_label("Tables").first.fill("7")
    page.get_by_label("AI host persona").select_option("sofia")
    page.get_by_label("Greeting").fill("Welcome to the Blue Door!")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_test_id("messages")).to_contain_text("Settings saved.")
    expect(page.get_by_label("Greeting")).to_have_value("Welcome to the Blue Door!")

    page.get_by_label("Slot length, minutes").fill("17")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator('[data-field-error="slot_minutes"]')).to_have_text(
        "Use a multiple of 5 minutes."
    )
    restaurant.refresh_from_db()
    assert (restaurant.default_table_count, restaurant.host_choice) == (7, "sofia")
    assert restaurant.slot_minutes == 60


def test_dashboard_shows_the_weeks_chart(page, host, restaurant, tomorrow):
    booking_create(restaurant=restaurant, date=tomorrow, time_slot="18:00", client_name="Dina")
    sign_in(page)
    page.get_by_role("link", name="Dashboard").click()
    chart = page.get_by_role("img", name="Share of tables booked on each of the next 7 days")
    expect(chart).to_be_visible()
    expect(chart.locator(".chart-bar")).to_have_count(7)
    expect(chart.locator(f'[data-date="{tomorrow.isoformat()}"]')).not_to_have_attribute(
        "data-percent", "0"
    )
    expect(page.locator("#upcoming-title + table")).to_contain_text("Dina")


def test_screenshot_of_the_bookings_page(page, manager, restaurant, tmp_path):
    """Saves docs/screenshot-bookings.png when UPDATE_SCREENSHOTS=1 (`make screenshot`).

    The clock is set to the middle of a month so the calendar shows tinted days ahead.
    """
    with time_machine.travel(dt.datetime(2030, 6, 12, 10, 0, tzinfo=restaurant.tz)):
        today = restaurant.today()
        day = today + dt.timedelta(days=1)
        guests = [
            ("13:00", "Maria Sokolova", 2, "Birthday, a cake at 14:00"),
            ("18:00", "Anna Ivanova", 4, ""),
            ("18:00", "Boris Petrov", 2, "Window table"),
            ("19:00", "Elena Smirnova", 6, ""),
            ("19:00", "Dmitry Volkov", 3, "Vegetarian"),
            ("20:00", "Olga Kuznetsova", 2, ""),
        ]
        for n, (time, name, size, notes) in enumerate(guests):
            booking_create(
                restaurant=restaurant,
                date=day,
                time_slot=time,
                client_name=name,
                party_size=size,
                phone=f"+7 912 000-00-{10 + n}",
                notes=notes,
            )
        for n in range(5):
            booking_create(restaurant=restaurant, date=day, time_slot="21:00", client_name=f"G{n}")
        slots = restaurant.slot_times()
        for offset, count in ((2, 12), (3, 30), (5, 45), (8, 55), (9, 20), (12, 8)):
            for n in range(count):
                booking_create(
                    restaurant=restaurant,
                    date=today + dt.timedelta(days=offset),
                    time_slot=slots[n % len(slots)],
                    client_name=f"Guest {n}",
                )
        page.set_viewport_size({"width": 1366, "height": 1000})
        sign_in(page, "manager")
        open_day(page, day)
        expect(slot(page, "21:00").locator(".badge-full")).to_be_visible()
        target = tmp_path / "screenshot-bookings.png"
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            target = Path(settings.BASE_DIR) / "docs" / "screenshot-bookings.png"
            target.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000
