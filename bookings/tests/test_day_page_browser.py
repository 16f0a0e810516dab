"""The bookings page, the dashboard, search and the run sheet in a real browser at a phone's,
a tablet's and a desk's width, in English and Russian: nothing scrolls sideways, nothing
leaves its card, the keyboard reaches everything, and the page keeps its day."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from bookings.models import Booking
from bookings.services import booking_create, booking_set_status
from conftest import make_user, sign_in
from restaurants.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 820, 1366)
LANGUAGES = ("en", "ru")


def set_language(page, language: str) -> None:
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": page.errors.origin}]
    )


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the window (0: nothing scrolls sideways)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None
    return found


def inside(inner: dict, outer: dict) -> bool:
    return (
        inner["x"] >= outer["x"] - 0.5
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
    )


@pytest.fixture
def busy_day(restaurant, tomorrow):
    """Tomorrow with a full slot, a cancelled booking and a few guests."""
    for n in range(5):
        booking_create(
            restaurant=restaurant, date=tomorrow, time_slot="21:00", client_name=f"Guest {n}"
        )
    booking_create(
        restaurant=restaurant,
        date=tomorrow,
        time_slot="18:00",
        client_name="Константин Константинопольский",
        party_size=4,
        phone="+7 912 000-00-01",
        notes="У окна, пожалуйста; аллергия на орехи и на всё остальное, что бывает",
    )
    gone = booking_create(restaurant=restaurant, date=tomorrow, time_slot="19:00", client_name="X")
    booking_set_status(booking=gone, status="cancelled")
    return tomorrow


@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_scrolls_sideways_and_nothing_leaves_its_card(
    page, host, restaurant, busy_day, language
):
    sign_in(page)
    set_language(page, language)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for url in (
            f"/app/bookings/?date={busy_day.isoformat()}",
            "/app/dashboard/",
            "/app/bookings/search/?q=Guest",
            f"/app/bookings/run-sheet/?date={busy_day.isoformat()}",
        ):
            page.goto(url)
            assert horizontal_overflow(page) == 0, (width, url)

        page.goto(f"/app/bookings/?date={busy_day.isoformat()}")
        slots = page.locator("#slot-list .slot")
        for i in range(slots.count()):
            card = slots.nth(i)
            action = card.locator(".slot-action")
            assert inside(box(action), box(card)), (width, i)
            # The button or badge is one line; the counts at most two.
            assert box(action)["height"] <= 48, (width, i)
            counts = card.locator(".slot-counts")
            line = float(counts.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)"))
            assert box(counts)["height"] <= 2 * line + 1, (width, i)

        # The booking dialog fits the window, its close button and Book included.
        page.locator("#slot-list [data-book-slot]").first.click()
        dialog = page.locator("#booking-dialog")
        expect(dialog).to_be_visible()
        window = {"x": 0, "width": width}
        for part in (
            dialog,
            dialog.locator("[data-dialog-close]").first,
            dialog.locator("button[type=submit]"),
            dialog.locator("#id_client_name"),
            dialog.locator("#id_notes"),
        ):
            assert inside(box(part), window), width
        assert horizontal_overflow(page) == 0
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()


@pytest.mark.parametrize("language", LANGUAGES)
def test_dashboard_on_a_phone_shows_the_week_as_a_readable_list(
    page, host, restaurant, busy_day, language
):
    sign_in(page)
    set_language(page, language)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/app/dashboard/")
    expect(page.get_by_test_id("week-chart")).to_be_hidden()
    week = page.get_by_test_id("week-list")
    expect(week.locator("li")).to_have_count(7)
    size = week.locator("li").first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 13
    expect(week.locator(f'[data-date="{busy_day.isoformat()}"]')).not_to_contain_text("0%")
    for card in page.locator("main .card").all():
        assert inside(box(card), {"x": 0, "width": 390})
    page.set_viewport_size({"width": 1366, "height": 900})
    expect(page.get_by_test_id("week-chart")).to_be_visible()
    expect(week).to_be_hidden()


def test_switching_language_keeps_the_day_chosen_on_the_calendar(page, host, restaurant):
    sign_in(page)
    today = restaurant.today()
    day = today + dt.timedelta(days=1) if today.day < 27 else today - dt.timedelta(days=1)
    page.locator(f'#calendar a[data-date="{day.isoformat()}"]').click()
    expect(page).to_have_url(f"{page.errors.origin}/app/bookings/?date={day.isoformat()}")
    page.get_by_role("button", name="Русский").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page).to_have_url(f"{page.errors.origin}/app/bookings/?date={day.isoformat()}")
    expect(page.locator(f'#calendar a[data-date="{day.isoformat()}"]')).to_have_attribute(
        "aria-current", "date"
    )


def test_switching_restaurant_keeps_the_page_and_the_day(
    page, restaurant, other_restaurant, tomorrow
):
    user = make_user("host", restaurant=restaurant)
    Membership.objects.create(user=user, restaurant=other_restaurant, role="host")
    sign_in(page)
    later = tomorrow + dt.timedelta(days=1)
    page.goto(f"/app/bookings/?date={tomorrow.isoformat()}")
    # Another day chosen in place (htmx), then the other restaurant.
    if (later.year, later.month) != (tomorrow.year, tomorrow.month):
        page.locator("#calendar [data-next-month]").click()
    page.locator(f'#calendar a[data-date="{later.isoformat()}"]').click()
    expect(page).to_have_url(f"{page.errors.origin}/app/bookings/?date={later.isoformat()}")
    page.get_by_label("Switch restaurant").select_option(str(other_restaurant.pk))
    page.get_by_role("button", name="Switch").click()
    expect(page.get_by_test_id("restaurant-name")).to_have_text(other_restaurant.name)
    expect(page).to_have_url(f"{page.errors.origin}/app/bookings/?date={later.isoformat()}")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_a_new_booking_is_picked_out_in_view_and_focused(
    page, host, restaurant, busy_day, width, language
):
    sign_in(page)
    set_language(page, language)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"/app/bookings/?date={busy_day.isoformat()}")
    if width < 1024:
        # On tablets and phones the day's list comes before the slots.
        assert box(page.locator("#day-bookings"))["y"] < box(page.locator("#slot-list"))["y"]
    page.locator('#slot-list [data-slot="20:00"] [data-book-slot]').click()
    dialog = page.locator("#booking-dialog")
    dialog.locator("#id_client_name").fill("Zoe New")
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_be_hidden()

    booking = Booking.objects.get(client_name="Zoe New")
    row = page.locator(f"#booking-{booking.pk}")
    expect(row).to_have_attribute("data-highlight", "")
    expect(row).to_be_focused()
    expect(row).to_be_in_viewport()
    expect(page.locator("#toast")).to_be_visible()
    toast, placed = box(page.locator("#toast")), box(row)
    overlap = min(toast["y"] + toast["height"], placed["y"] + placed["height"]) - max(
        toast["y"], placed["y"]
    )
    assert overlap <= 0, "the toast covers the new booking"
    assert page.locator("#day-bookings [data-highlight]").count() == 1


def test_every_error_at_once_and_a_fixed_field_loses_its_own(page, host, restaurant, tomorrow):
    sign_in(page)
    page.goto(f"/app/bookings/?date={tomorrow.isoformat()}")
    page.locator('#slot-list [data-slot="18:00"] [data-book-slot]').click()
    dialog = page.locator("#booking-dialog")
    dialog.get_by_label("Phone").fill("12")
    dialog.get_by_label("E-mail").fill("nope")
    dialog.locator("button[type=submit]").click()
    for field in ("client_name", "phone", "email"):
        expect(dialog.locator(f'[data-field-error="{field}"]')).to_be_visible()
    expect(dialog.get_by_label("Guest name")).to_be_focused()

    dialog.get_by_label("Guest name").fill("Anna")
    expect(dialog.locator('[data-field-error="client_name"]')).to_be_hidden()
    expect(dialog.get_by_label("Guest name")).not_to_have_attribute("aria-invalid", "true")
    expect(dialog.locator('[data-field-error="phone"]')).to_be_visible()
    expect(dialog.locator('[data-field-error="email"]')).to_be_visible()
    assert not Booking.objects.exists()


def test_the_calendar_is_one_tab_stop_with_arrow_keys(page, host, restaurant):
    sign_in(page)
    today = restaurant.today()
    page.goto(f"/app/bookings/?date={today.isoformat()}")
    days = page.locator("#calendar a.day")
    expect(days.and_(page.locator('[tabindex="0"]'))).to_have_count(1)
    start = page.locator(f'#calendar a[data-date="{today.isoformat()}"]')
    expect(start).to_have_attribute("tabindex", "0")

    # Tab from the calendar's previous stop lands on the chosen day; the next Tab leaves the grid.
    start.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(start).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("!document.activeElement.matches('#calendar a.day')")

    # Arrow keys move the day, across the month's end too; Enter opens it.
    start.focus()
    page.keyboard.press("ArrowDown")
    week_later = today + dt.timedelta(days=7)
    target = page.locator(f'#calendar a[data-date="{week_later.isoformat()}"]')
    expect(target).to_be_focused()
    expect(target).to_have_attribute("tabindex", "0")
    expect(start).to_have_attribute("tabindex", "-1")
    page.keyboard.press("ArrowLeft")
    six = today + dt.timedelta(days=6)
    expect(page.locator(f'#calendar a[data-date="{six.isoformat()}"]')).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.errors.origin}/app/bookings/?date={six.isoformat()}")
    expect(page.locator(f'#calendar a[data-date="{six.isoformat()}"]')).to_be_focused()

    page.keyboard.press("PageDown")
    next_month = (six.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    expect(page.locator("#calendar-title")).to_have_text(next_month.strftime("%B %Y"))
    expect(page.locator("#calendar a.day:focus")).to_have_attribute(
        "data-date", lambda_free_date(six, next_month)
    )


def lambda_free_date(day: dt.date, month_start: dt.date) -> str:
    """The same day of the next month, or its last day when it has fewer."""
    last = ((month_start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)).day
    return month_start.replace(day=min(day.day, last)).isoformat()


def test_tab_stops_before_the_first_book_button_are_few(page, host, restaurant, tomorrow):
    sign_in(page)
    page.goto(f"/app/bookings/?date={tomorrow.isoformat()}")
    page.locator("body").focus()
    first_book = page.locator("#slot-list [data-book-slot]").first
    presses = 0
    while not first_book.evaluate("el => el === document.activeElement") and presses < 60:
        page.keyboard.press("Tab")
        presses += 1
    assert presses <= 20, presses


def test_shortcuts_find_a_booking_and_open_a_new_one(page, host, restaurant, busy_day):
    sign_in(page)
    page.goto(f"/app/bookings/?date={busy_day.isoformat()}")
    page.locator("main h1").click()
    page.keyboard.press("/")
    search = page.get_by_label("Find a booking")
    expect(search).to_be_focused()
    search.press_sequentially("Конст")
    results = page.locator("#search-results [data-result]")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Константин")
    results.first.get_by_role("link").click()
    booking = Booking.objects.get(party_size=4)
    expect(page).to_have_url(
        f"{page.errors.origin}/app/bookings/?date={busy_day.isoformat()}"
        f"&booking={booking.pk}#booking-{booking.pk}"
    )
    expect(page.locator(f"#booking-{booking.pk}")).to_have_attribute("data-highlight", "")
    expect(page.locator(f"#booking-{booking.pk}")).to_be_focused()

    page.keyboard.press("n")
    dialog = page.locator("#booking-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Guest name")).to_be_focused()
    # Typing "n" in the dialog types it.
    page.keyboard.press("n")
    expect(dialog.get_by_label("Guest name")).to_have_value("n")


def test_arrow_down_goes_into_the_guest_suggestions(page, host, restaurant, busy_day):
    sign_in(page)
    page.goto(f"/app/bookings/?date={busy_day.isoformat()}")
    page.locator('#slot-list [data-slot="18:00"] [data-book-slot]').click()
    dialog = page.locator("#booking-dialog")
    name = dialog.get_by_label("Guest name")
    # Typing starts once the dialog is open, as a person's does (before that its fields are in
    # the page but not yet wired). Typed slowly (a loaded machine), each pause asks for
    # suggestions: wait for the answer to the whole name, swapped in and settled, before
    # moving into the list it draws.
    expect(name).to_be_visible()
    with page.expect_response(lambda r: "client_name=Конст" in unquote(r.url)):
        name.press_sequentially("Конст")
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling')")
    choice = dialog.locator("#guest-suggestions [data-guest-fill]").first
    expect(choice).to_be_visible()
    name.press("ArrowDown")
    expect(choice).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(name).to_be_focused()
    name.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(dialog.get_by_label("Phone")).to_have_value("+79120000001")
    expect(dialog.get_by_label("Party size")).to_be_focused()


def test_the_newest_typing_gets_its_suggestions_while_an_older_answer_is_slow(
    page, host, restaurant, busy_day
):
    sign_in(page)
    page.goto(f"/app/bookings/?date={busy_day.isoformat()}")
    held = []

    def hold_the_short_name(route):
        if unquote(route.request.url).endswith("client_name=Ко"):
            held.append(route)  # the server is slow with this one: answered below
        else:
            route.continue_()

    page.route(lambda url: "/app/guests/suggest/" in url, hold_the_short_name)
    page.locator('#slot-list [data-slot="18:00"] [data-book-slot]').click()
    name = page.locator("#booking-dialog").get_by_label("Guest name")
    expect(name).to_be_visible()
    with page.expect_request(lambda r: unquote(r.url).endswith("client_name=Ко")):
        name.press_sequentially("Ко")
    # That answer is still on its way: the newer typing waits for it instead of being dropped.
    name.press_sequentially("нст")
    page.wait_for_timeout(600)  # past the typing's 300 ms pause
    assert len(held) == 1
    with page.expect_response(lambda r: unquote(r.url).endswith("client_name=Конст")):
        held[0].continue_()
    expect(page.locator("#guest-suggestions [data-guest-fill]")).to_have_attribute(
        "data-name", "Константин Константинопольский"
    )


def test_the_sidebar_runs_the_whole_height_of_a_long_page(page, host, restaurant, busy_day):
    sign_in(page)
    page.set_viewport_size({"width": 1366, "height": 600})
    page.goto(f"/app/bookings/?date={busy_day.isoformat()}")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height > 900  # a long page
    sidebar = box(page.locator("aside.sidebar"))
    assert sidebar["height"] >= height - 1
    page.mouse.wheel(0, 5000)
    expect(page.get_by_test_id("restaurant-name")).to_be_in_viewport()


def test_run_sheet_prints_without_navigation(page, host, restaurant, busy_day):
    sign_in(page)
    page.goto(f"/app/bookings/?date={busy_day.isoformat()}")
    page.get_by_test_id("run-sheet-link").click()
    expect(page.get_by_test_id("run-sheet-summary")).to_have_text("6 bookings, 14 guests")
    expect(page.locator("nav, aside, button, form")).to_have_count(0)
    page.emulate_media(media="print")
    rows = page.locator(".run-sheet-table tbody tr")
    expect(rows).to_have_count(6)
    pdf = page.pdf(format="A4")
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages == 1  # six bookings fit one sheet


def test_a_full_evening_prints_on_two_sheets_at_most(page, host, restaurant, tomorrow):
    slots = restaurant.slot_times()
    for n in range(45):
        booking_create(
            restaurant=restaurant,
            date=tomorrow,
            time_slot=slots[n % len(slots)],
            client_name=f"Guest number {n} with a longer name",
            party_size=2 + n % 4,
            phone=f"+7 912 000-{n:02d}-00",
            notes="Window table, a cake at nine" if n % 3 == 0 else "",
        )
    sign_in(page)
    page.goto(f"/app/bookings/run-sheet/?date={tomorrow.isoformat()}")
    expect(page.locator(".run-sheet-table tbody tr")).to_have_count(45)
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") <= 2


def test_screenshot_of_the_day_on_a_phone_in_russian(page, manager, restaurant, busy_day, tmp_path):
    """Saves docs/screenshot-bookings-phone.png when UPDATE_SCREENSHOTS=1 (`make screenshot`)."""
    import os
    from pathlib import Path

    from django.conf import settings

    sign_in(page, "manager")
    set_language(page, "ru")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/app/bookings/?date={busy_day.isoformat()}")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.evaluate("document.getElementById('day-bookings').scrollIntoView({block: 'start'})")
    target = tmp_path / "screenshot-bookings-phone.png"
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        target = Path(settings.BASE_DIR) / "docs" / "screenshot-bookings-phone.png"
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000
