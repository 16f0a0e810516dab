"""The guests' booking page in a real browser, on a phone (390 px) and at a desk (1366 px), in
English and Russian: book, get the reference and the .ics, move then cancel through the manage
link, while the API shows each step; a full day offers other days; a large party is told to call;
the page framed by an allowed site, and refused by another.

The `page` fixture fails a test on any JavaScript error and on any request leaving the server.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from bookings.models import Booking
from bookings.services import booking_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {
        "book": "Book the table",
        "booked": "You're booked!",
        "change": "Change date, time or guests",
        "confirm": "Change my booking",
        "cancel": "Cancel the booking",
        "cancelled": "Cancelled",
        "name": "Your name",
        "phone": "Phone",
        "agree": "I agree",
        "next": "Next month",
    },
    "ru": {
        "book": "Забронировать столик",
        "booked": "Столик забронирован!",
        "change": "Изменить дату, время или число гостей",
        "confirm": "Изменить бронь",
        "cancel": "Отменить бронь",
        "cancelled": "Отменено",
        "name": "Ваше имя",
        "phone": "Телефон",
        "agree": "Я согласен",
        "next": "Следующий месяц",
    },
}


def choose_day(page, day: dt.date, words: dict) -> None:
    page.locator("[data-date-grid]").wait_for()
    link = page.locator(f'a[data-day="{day.isoformat()}"]')
    if not link.count():
        page.get_by_role("link", name=words["next"]).click()
        expect(page.locator("#month-label")).to_contain_text(str(day.year))
    page.locator(f'a[data-day="{day.isoformat()}"]').click()


def no_sideways_scroll(page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_guest_books_then_moves_then_cancels(page, online, day, host_api, width, lang):
    words = WORDS[lang]
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 768})
    page.goto("/r/blue-door/")
    if lang == "ru":
        page.get_by_role("link", name="Русский").click()
        expect(page.locator("html")).to_have_attribute("lang", "ru")
    no_sideways_scroll(page)

    page.get_by_test_id("party-choices").get_by_role("link", name="2", exact=True).click()
    expect(page.locator("[data-date-grid]")).to_be_visible()
    no_sideways_scroll(page)
    choose_day(page, day, words)
    page.get_by_test_id("times").get_by_role("link", name="19:00").click()
    page.get_by_label(words["name"]).fill("Анна Петрова")
    page.get_by_label(words["phone"], exact=True).fill("+7 912 345-67-89")
    page.get_by_label(words["agree"]).check()
    no_sideways_scroll(page)
    page.get_by_role("button", name=words["book"]).click()

    expect(page.get_by_test_id("booked")).to_contain_text(words["booked"])
    booking = Booking.objects.get()
    expect(page.get_by_test_id("reference")).to_have_text(f"BLU-{booking.pk:05d}")
    no_sideways_scroll(page)
    shown = host_api.get(f"/bookings/{booking.pk}").json()
    assert (shown["source"], shown["time_slot"], shown["party_size"]) == ("online", "19:00", 2)

    with page.expect_download() as download:
        page.get_by_test_id("ics").click()
    event = Calendar.from_ical(Path(download.value.path()).read_bytes()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == booking.starts_at

    page.get_by_role("link", name=words["change"]).click()
    page.get_by_role("link", name="4", exact=True).click()
    choose_day(page, day, words)
    page.get_by_test_id("times").get_by_role("link", name="20:00").click()
    page.get_by_role("button", name=words["confirm"]).click()
    expect(page.get_by_test_id("changed")).to_be_visible()
    expect(page.get_by_test_id("party")).to_have_text("4")
    shown = host_api.get(f"/bookings/{booking.pk}").json()
    assert (shown["time_slot"], shown["party_size"]) == ("20:00", 4)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=words["cancel"]).click()
    expect(page.get_by_test_id("status")).to_have_text(words["cancelled"])
    assert host_api.get(f"/bookings/{booking.pk}").json()["status"] == "cancelled"


def test_the_date_grid_works_with_the_keyboard(page, online, day):
    page.goto("/r/blue-door/?party=2")
    first = page.locator("[data-date-grid] [tabindex='0']")
    expect(first).to_have_count(1)
    first.focus()
    start = first.get_attribute("data-day")
    page.keyboard.press("ArrowRight")
    moved = page.evaluate("document.activeElement.dataset.day")
    assert moved == (dt.date.fromisoformat(start) + dt.timedelta(days=1)).isoformat()
    page.keyboard.press("ArrowDown")
    assert (
        page.evaluate("document.activeElement.dataset.day")
        == (dt.date.fromisoformat(moved) + dt.timedelta(days=7)).isoformat()
    )
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("times")).to_be_visible()
    expect(page.locator("#step-heading")).to_be_focused()


def test_a_full_day_offers_the_nearest_days_and_a_large_party_is_told_to_call(page, online, day):
    online.default_table_count = 1
    online.save()
    for time in online.slot_times():
        booking_create(restaurant=online, date=day, time_slot=time, client_name="Full")
    page.goto(f"/r/blue-door/?party=2&date={day.isoformat()}")
    expect(page.get_by_test_id("day-full")).to_be_visible()
    other = page.get_by_test_id("other-dates").get_by_role("link")
    expect(other.first).to_be_visible()
    other.first.click()
    expect(page.get_by_test_id("times").get_by_role("link").first).to_be_visible()

    page.goto("/r/blue-door/?party=2")
    expect(page.locator(f'span[data-day="{day.isoformat()}"][aria-disabled="true"]')).to_have_count(
        1 if page.locator(f'[data-day="{day.isoformat()}"]').count() else 0
    )
    page.goto("/r/blue-door/?party=9")
    expect(page.get_by_test_id("call-us")).to_contain_text("+7 495 123-45-67")


def test_framed_by_an_allowed_site_and_refused_by_another(page, online, live_server):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    page_url = f"{live_server.url}/r/blue-door/"
    script_url = f"{live_server.url}/static/js/embed.js"

    class Host(BaseHTTPRequestHandler):
        def do_GET(self):
            body = (
                f'<!doctype html><iframe src="{page_url}" data-restaurant-booking '
                'style="width:100%;height:100px;border:0"></iframe>'
                f'<script src="{script_url}"></script>'
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    sites = [ThreadingHTTPServer(("127.0.0.1", 0), Host) for _ in range(2)]
    for site in sites:
        Thread(target=site.serve_forever, daemon=True).start()
    allowed, other = (f"http://127.0.0.1:{s.server_address[1]}" for s in sites)
    online.online_frame_origins = allowed
    online.save()
    try:
        page.goto(allowed + "/")
        frame = page.frame_locator("iframe")
        expect(frame.get_by_text("How many guests?")).to_be_visible()
        # The script sized the frame to the page inside it.
        expect(page.locator("iframe")).not_to_have_attribute("style", re.compile("height: ?100px"))

        assert not any("frame-ancestors" in m for m in page.errors.console)

        page.goto(other + "/")
        page.wait_for_load_state("load")
        expect(page.frame_locator("iframe").get_by_text("How many guests?")).to_have_count(0)
        assert any("frame-ancestors" in m for m in page.errors.console)  # the browser refused
    finally:
        for site in sites:
            site.shutdown()
    # The two sites are this test's own, on loopback; the browser's refusal is logged as an error.
    assert all(
        url.startswith(("http://127.0.0.1:", live_server.url)) for url in page.errors.offsite
    )
    page.errors.offsite.clear()
    page.errors.console = [m for m in page.errors.console if "frame-ancestors" not in m]


def test_screenshot_of_the_public_page_on_a_phone(page, online, tmp_path):
    """Saves docs/screenshot-public-phone.png when UPDATE_SCREENSHOTS=1 (`make screenshot`)."""
    import os

    import time_machine
    from django.conf import settings

    with time_machine.travel(dt.datetime(2030, 6, 12, 10, 0, tzinfo=online.tz)):
        day = online.today() + dt.timedelta(days=2)
        for time in ("19:00", "20:00"):
            for n in range(5):
                booking_create(restaurant=online, date=day, time_slot=time, client_name=f"G{n}")
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"/r/blue-door/?party=2&date={day.isoformat()}&time=19:00")
        expect(page.get_by_test_id("nearest-times")).to_be_visible()
        target = tmp_path / "screenshot-public-phone.png"
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            target = Path(settings.BASE_DIR) / "docs" / "screenshot-public-phone.png"
        page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
