"""The host's shift in a real browser (headless Chromium), with the JSON API as the oracle:
a walk-in seated, a waitlist party seated, a booking moved on the timeline through its
panel, a cancel undone, and a change made through the API appearing on open pages."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from playwright.sync_api import expect

from bookings.services import booking_create, booking_walk_in
from bookings.tests.floors import describe_floor
from conftest import api_client_for, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = dt.date(2030, 6, 12)
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}
DESK = {"width": 1366, "height": 900}


@pytest.fixture
def evening(restaurant):
    """19:10 on DAY in the restaurant, the clock running: the live server sees it too."""
    with time_machine.travel(dt.datetime.combine(DAY, dt.time(19, 10), tzinfo=restaurant.tz)):
        yield DAY


def use_language(page, live_server, language: str) -> None:
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """limit => Array.from(document.querySelectorAll('body *'))
        .filter(e => e.getBoundingClientRect().right > limit + 1)
        .slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className + ' '
        + Math.round(e.getBoundingClientRect().right))""",
        page.viewport_size["width"],
    )
    assert width <= page.viewport_size["width"], f"the page is {width}px wide: {wide}"


def day_bookings(api, restaurant) -> dict:
    response = api.get(f"/restaurants/{restaurant.pk}/bookings?date={DAY.isoformat()}")
    assert response.status_code == 200
    return {b["client_name"]: b for b in response.json()["bookings"]}


def bar(page, name: str):
    return page.locator("#timeline-board .tl-bar", has_text=name)


@pytest.mark.parametrize(
    ("viewport", "language"), [(DESK, "en"), (TABLET, "ru"), (PHONE, "ru"), (PHONE, "en")]
)
def test_walk_in_is_seated_from_the_timeline(
    evening, page, live_server, host, restaurant, viewport, language
):
    tables = describe_floor(restaurant)
    page.set_viewport_size(viewport)
    sign_in(page)
    use_language(page, live_server, language)
    page.goto("/app/timeline/")
    desk = page.get_by_test_id("walk-in-form")
    desk.locator("input[name=party_size]").fill("3")
    desk.locator("input[name=client_name]").fill("Ilya")
    desk.locator("button[type=submit]").click()
    walk_in = page.locator(f'[data-table="{tables["H4"].pk}"] .tl-bar', has_text="Ilya")
    expect(walk_in).to_have_attribute("data-status", "seated")
    no_sideways_scroll(page)
    seen = day_bookings(api_client_for(host), restaurant)["Ilya"]
    assert (seen["status"], seen["source"], seen["party_size"]) == ("seated", "walk_in", 3)
    assert [t["name"] for t in seen["tables"]] == ["H4"]


WAITLIST_WORDS = {
    "en": ("No table is free now for 2.", "quoted 90 min", "Seat"),
    "ru": ("Сейчас нет свободного стола на 2", "обещано 90 мин", "Посадить"),
}


@pytest.mark.parametrize(
    ("viewport", "language"), [(DESK, "en"), (TABLET, "ru"), (TABLET, "en"), (PHONE, "ru")]
)
def test_a_waitlist_party_is_seated_when_a_table_frees_up(
    evening, page, live_server, host, restaurant, viewport, language
):
    no_table, quoted, seat = WAITLIST_WORDS[language]
    describe_floor(restaurant)
    seated = [booking_walk_in(restaurant=restaurant, party_size=n) for n in (6, 4, 2, 2)]
    page.set_viewport_size(viewport)
    sign_in(page)
    use_language(page, live_server, language)
    page.goto("/app/timeline/")
    desk = page.get_by_test_id("walk-in-form")
    desk.locator("input[name=party_size]").fill("2")
    desk.locator("input[name=client_name]").fill("Olga")
    desk.locator("button[type=submit]").click()
    expect(page.get_by_test_id("walk-in-error")).to_contain_text(no_table)
    add = page.get_by_test_id("waitlist-add")
    expect(add.locator("input[name=name]")).to_have_value("Olga")
    add.locator("button[type=submit]").click()
    entry = page.get_by_test_id("waitlist").locator("li", has_text="Olga")
    expect(entry).to_contain_text(quoted)
    no_sideways_scroll(page)
    listed = api_client_for(host).get(f"/restaurants/{restaurant.pk}/waitlist").json()
    assert [(e["name"], e["quoted_minutes"]) for e in listed["waitlist"]] == [("Olga", 90)]
    # The two-top's guests leave early, marked through the API: their table is free now.
    api = api_client_for(host)
    done = api.post(f"/bookings/{seated[2].pk}/status", {"status": "completed"}, format="json")
    assert done.status_code == 200
    entry.get_by_role("button", name=seat).click()
    expect(page.get_by_test_id("waitlist").locator("li", has_text="Olga")).to_have_count(0)
    olga = day_bookings(api, restaurant).get("Olga")
    assert olga is not None and (olga["status"], olga["source"]) == ("seated", "walk_in")


def open_panel(page, name: str):
    bar(page, name).click()
    panel = page.locator("#booking-dialog #booking-panel")
    expect(panel).to_be_visible()
    return panel


def open_panel_from_day_list(page, live_server, booking, viewport, language: str):
    """Signed in as the host at this width and language, the booking's panel opened from the
    day's list."""
    page.set_viewport_size(viewport)
    sign_in(page)
    use_language(page, live_server, language)
    page.goto(f"/app/bookings/?date={DAY.isoformat()}")
    page.locator(f'#day-bookings [data-booking="{booking.pk}"] [data-open-panel]').click()
    return page.locator("#booking-dialog #booking-panel")


MOVE_WORDS = {
    "en": ("Time", "Party size", "Tables", "Save changes", "Saved: Anna", "time: 20:00 → 21:00"),
    "ru": (
        "Время",
        "Гостей",
        "Столов",
        "Сохранить",
        "Сохранено: Anna",
        "время: 20:00 → 21:00",
    ),
}


@pytest.mark.parametrize(
    ("viewport", "language"), [(DESK, "en"), (TABLET, "ru"), (PHONE, "en"), (PHONE, "ru")]
)
def test_a_booking_is_moved_on_the_timeline_through_its_panel(
    evening, page, live_server, host, restaurant, viewport, language
):
    time, party, tables_label, save, saved, moved_line = MOVE_WORDS[language]
    tables = describe_floor(restaurant)
    anna = booking_create(
        restaurant=restaurant, date=DAY, time_slot="20:00", client_name="Anna", party_size=2
    )
    page.set_viewport_size(viewport)
    sign_in(page)
    use_language(page, live_server, language)
    page.goto("/app/timeline/")
    panel = open_panel(page, "Anna")
    panel.get_by_label(time, exact=True).select_option("21:00")
    panel.get_by_label(party, exact=True).fill("5")
    panel.get_by_label(tables_label, exact=True).select_option(str(tables["T6"].pk))
    panel.get_by_role("button", name=save).click()
    expect(panel.get_by_test_id("panel-message")).to_contain_text(saved)
    expect(panel.get_by_test_id("panel-history")).to_contain_text(moved_line)
    no_sideways_scroll(page)
    panel.locator("[data-dialog-close]").first.click()
    moved = page.locator(f'[data-table="{tables["T6"].pk}"] .tl-bar', has_text="Anna")
    expect(moved).to_be_visible()
    seen = api_client_for(host).get(f"/bookings/{anna.pk}").json()
    assert (seen["time_slot"], seen["party_size"]) == ("21:00", 5)
    assert [t["name"] for t in seen["tables"]] == ["T6"]


def test_a_move_that_does_not_fit_says_so_beside_the_field(evening, page, host, restaurant):
    tables = describe_floor(restaurant)
    booking_create(
        restaurant=restaurant, date=DAY, time_slot="21:00", client_name="Boris", party_size=6
    )
    booking_create(restaurant=restaurant, date=DAY, time_slot="20:00", client_name="Anna")
    page.set_viewport_size(DESK)
    sign_in(page)
    page.goto("/app/timeline/")
    panel = open_panel(page, "Anna")
    panel.get_by_label("Tables").select_option(str(tables["T6"].pk))
    panel.get_by_role("button", name="Save changes").click()
    expect(panel.locator('[data-field-error="tables"]')).to_contain_text("taken")


@pytest.mark.parametrize(
    ("viewport", "language"), [(DESK, "en"), (TABLET, "ru"), (TABLET, "en"), (PHONE, "ru")]
)
def test_a_cancel_is_undone_from_the_day_list(
    evening, page, live_server, host, restaurant, viewport, language
):
    anna = booking_create(restaurant=restaurant, date=DAY, time_slot="20:00", client_name="Anna")
    panel = open_panel_from_day_list(page, live_server, anna, viewport, language)
    page.once("dialog", lambda confirm: confirm.accept())
    panel.locator('[data-action="cancelled"]').click()
    expect(panel).to_have_attribute("data-status", "cancelled")
    expect(page.locator(f'#day-bookings [data-booking="{anna.pk}"]')).to_have_attribute(
        "data-status", "cancelled"
    )
    panel.locator('[data-action="confirmed"]').click()
    expect(panel).to_have_attribute("data-status", "confirmed")
    no_sideways_scroll(page)
    assert api_client_for(host).get(f"/bookings/{anna.pk}").json()["status"] == "confirmed"


@pytest.mark.parametrize(
    ("where", "viewport"),
    [("timeline", PHONE), ("day", PHONE), ("timeline", TABLET), ("day", DESK)],
)
def test_a_change_through_the_api_appears_within_5_seconds(
    evening, page, host, restaurant, where, viewport
):
    describe_floor(restaurant)
    booking_create(restaurant=restaurant, date=DAY, time_slot="20:00", client_name="Anna")
    page.set_viewport_size(viewport)
    sign_in(page)
    page.goto("/app/timeline/" if where == "timeline" else f"/app/bookings/?date={DAY}")
    # A dialog the host has open stays open, with what they typed.
    opener = bar(page, "Anna") if where == "timeline" else page.locator("[data-open-panel]")
    opener.first.click()
    panel = page.locator("#booking-dialog #booking-panel")
    panel.get_by_label("Notes").fill("typed, not saved")
    if where == "timeline":
        # And the timeline's box keeps where it was scrolled to.
        board = page.locator("#timeline-board")
        board.evaluate("box => { box.scrollLeft = 120; }")
        scrolled = board.evaluate("box => box.scrollLeft")
        assert scrolled > 0
    response = api_client_for(host).post(
        "/bookings",
        {
            "restaurant_id": restaurant.pk,
            "date": DAY.isoformat(),
            "time_slot": "21:00",
            "client_name": "From the API",
        },
        format="json",
    )
    assert response.status_code == 201
    shown = (
        page.locator("#timeline-board .tl-bar", has_text="From the API")
        if where == "timeline"
        else page.locator("#day-bookings", has_text="From the API")
    )
    expect(shown).to_have_count(1, timeout=5_000)
    expect(panel).to_be_visible()
    expect(panel.get_by_label("Notes")).to_have_value("typed, not saved")
    if where == "timeline":
        assert page.locator("#timeline-board").evaluate("box => box.scrollLeft") == scrolled


@pytest.mark.parametrize("viewport", [PHONE, TABLET])
@pytest.mark.parametrize("language", ["en", "ru"])
def test_timeline_fits_a_phone_and_scrolls_only_inside_its_box(
    evening, page, live_server, host, restaurant, language, viewport
):
    describe_floor(restaurant)
    booking_create(restaurant=restaurant, date=DAY, time_slot="20:00", client_name="Anna")
    page.set_viewport_size(viewport)
    sign_in(page)
    use_language(page, live_server, language)
    page.goto("/app/timeline/")
    expect(page.locator("#timeline-board .tl-bar")).to_have_count(1)
    no_sideways_scroll(page)
    board = page.locator("#timeline-board")
    assert board.evaluate("box => box.scrollWidth > box.clientWidth")
    # By keyboard: the bar is a link that opens the panel.
    bar(page, "Anna").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#booking-dialog #booking-panel")).to_be_visible()
    no_sideways_scroll(page)


def test_undescribed_floor_timeline_in_a_browser(evening, page, host, restaurant):
    booking_create(restaurant=restaurant, date=DAY, time_slot="20:00", client_name="Anna")
    page.set_viewport_size(PHONE)
    sign_in(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Timeline").click()
    expect(page.get_by_test_id("undescribed-floor")).to_contain_text("Settings")
    page.get_by_test_id("timeline-list").get_by_role("link", name="Anna · 2").click()
    expect(page.locator("#booking-dialog #booking-panel")).to_be_visible()
    no_sideways_scroll(page)


def test_screenshots_of_the_timeline_and_the_panel(evening, page, manager, restaurant, tmp_path):
    """Saves docs/screenshot-timeline.png and docs/screenshot-panel.png when
    UPDATE_SCREENSHOTS=1 (`make screenshot`)."""
    describe_floor(restaurant)
    guests = [
        ("12:00", "Maria", 2),
        ("13:00", "Sergey", 4),
        ("14:00", "Ivan", 6),
        ("17:00", "Elena", 2),
        ("18:00", "Pavel", 3),
        ("20:00", "Anna", 2),
        ("21:00", "Dmitry", 5),
    ]
    morning = dt.datetime.combine(DAY, dt.time(11, 0), tzinfo=restaurant.tz)
    with time_machine.travel(morning):
        for time, name, party in guests:
            booking_create(
                restaurant=restaurant,
                date=DAY,
                time_slot=time,
                client_name=name,
                party_size=party,
                phone="+79120001234" if name == "Anna" else "",
            )
    booking_walk_in(restaurant=restaurant, party_size=2, client_name="Oleg")
    from bookings.waitlist.services import waitlist_add

    waitlist_add(restaurant=restaurant, name="Nadia", party_size=4, phone="+79120000099")
    page.set_viewport_size({"width": 1366, "height": 860})
    sign_in(page, "manager")
    page.goto("/app/timeline/")
    expect(bar(page, "Anna")).to_be_visible()
    folder = tmp_path
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        folder = Path(settings.BASE_DIR) / "docs"
    page.screenshot(path=str(folder / "screenshot-timeline.png"))
    open_panel(page, "Anna")
    page.screenshot(path=str(folder / "screenshot-panel.png"))
    for name in ("screenshot-timeline.png", "screenshot-panel.png"):
        assert (folder / name).stat().st_size > 10_000


# --- The panel follows changes made elsewhere -------------------------------------------------


@pytest.mark.parametrize(("viewport", "language"), [(DESK, "en"), (TABLET, "ru"), (PHONE, "en")])
def test_an_open_panel_shows_a_change_made_through_the_api_within_5_seconds(
    evening, page, live_server, host, restaurant, viewport, language
):
    describe_floor(restaurant)
    anna = booking_create(
        restaurant=restaurant, date=DAY, time_slot="20:00", client_name="Anna", party_size=2
    )
    page.set_viewport_size(viewport)
    sign_in(page)
    use_language(page, live_server, language)
    page.goto("/app/timeline/")
    panel = open_panel(page, "Anna")
    party = panel.locator("#panel_party_size")
    party.focus()
    api = api_client_for(host)
    moved = api.patch(f"/bookings/{anna.pk}", {"party_size": 3, "notes": "window"}, format="json")
    assert moved.status_code == 200
    # The panel is redrawn from the booking as it is now, and the focus stays in its field.
    expect(panel.locator("#panel_party_size")).to_have_value("3", timeout=5_000)
    expect(panel.locator("#panel_notes")).to_have_value("window")
    expect(panel.get_by_test_id("panel-history")).to_contain_text("2 → 3")
    assert page.evaluate("document.activeElement.id") == "panel_party_size"
    expect(page.locator("#booking-dialog")).to_have_attribute("open", "")
    cancelled = api.post(f"/bookings/{anna.pk}/status", {"status": "cancelled"}, format="json")
    assert cancelled.status_code == 200
    expect(panel).to_have_attribute("data-status", "cancelled", timeout=5_000)
    expect(panel.locator('[data-action="confirmed"]')).to_be_visible()
    no_sideways_scroll(page)


@pytest.mark.parametrize(("viewport", "language"), [(DESK, "ru"), (PHONE, "en")])
def test_an_open_panel_keeps_what_the_host_typed_and_offers_a_reload(
    evening, page, live_server, host, restaurant, viewport, language
):
    anna = booking_create(restaurant=restaurant, date=DAY, time_slot="20:00", client_name="Anna")
    panel = open_panel_from_day_list(page, live_server, anna, viewport, language)
    panel.locator("#panel_notes").fill("typed, not saved")
    api = api_client_for(host)
    changed = api.patch(f"/bookings/{anna.pk}", {"party_size": 4}, format="json")
    assert changed.status_code == 200
    stale = panel.locator("[data-panel-stale]")
    expect(stale).to_be_visible(timeout=5_000)
    # The day's list has the change; the panel keeps the host's typing and the old values.
    expect(page.locator(f'#day-bookings [data-booking="{anna.pk}"]')).to_contain_text("4")
    expect(panel.locator("#panel_notes")).to_have_value("typed, not saved")
    expect(panel.locator("#panel_party_size")).to_have_value("2")
    no_sideways_scroll(page)
    stale.locator("[data-panel-reload]").click()
    expect(panel.locator("#panel_party_size")).to_have_value("4")
    expect(panel.locator("#panel_notes")).to_have_value("")
    expect(panel.locator("[data-panel-stale]")).to_be_hidden()


# --- The panel from the guest's history -------------------------------------------------------


@pytest.mark.parametrize(("viewport", "language"), [(DESK, "en"), (TABLET, "ru"), (PHONE, "ru")])
def test_a_booking_is_cancelled_and_undone_from_the_guests_history(
    evening, page, live_server, host, restaurant, viewport, language
):
    anna = booking_create(
        restaurant=restaurant,
        date=DAY,
        time_slot="20:00",
        client_name="Anna",
        phone="+79120001234",
    )
    page.set_viewport_size(viewport)
    sign_in(page)
    use_language(page, live_server, language)
    page.goto(f"/app/guests/{anna.guest_id}/")
    row = page.get_by_test_id("history").locator(f'[data-booking="{anna.pk}"]')
    row.locator("[data-open-panel]").click()
    panel = page.locator("#booking-dialog #booking-panel")
    expect(panel).to_be_visible()
    no_sideways_scroll(page)
    page.once("dialog", lambda confirm: confirm.accept())
    panel.locator('[data-action="cancelled"]').click()
    expect(panel).to_have_attribute("data-status", "cancelled")
    # The history behind the dialog follows, and the counts with it.
    expect(row).to_have_attribute("data-status", "cancelled")
    expect(page.get_by_test_id("cancellations")).to_have_text("1")
    assert api_client_for(host).get(f"/bookings/{anna.pk}").json()["status"] == "cancelled"
    panel.locator('[data-action="confirmed"]').click()
    expect(panel).to_have_attribute("data-status", "confirmed")
    expect(row).to_have_attribute("data-status", "confirmed")
    assert api_client_for(host).get(f"/bookings/{anna.pk}").json()["status"] == "confirmed"
    panel.locator("[data-dialog-close]").first.click()
    expect(page.locator("#booking-dialog")).not_to_have_attribute("open", "")
    expect(page.get_by_test_id("guest-name")).to_have_text("Anna")
    no_sideways_scroll(page)


# --- Nothing scrolls sideways -----------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("viewport", [PHONE, TABLET, DESK], ids=["390", "820", "1366"])
def test_the_shifts_pages_fit_every_width_in_both_languages(
    evening, page, live_server, host, restaurant, viewport, language
):
    """The timeline with its desk and a waitlist, an open panel, the day's list and the
    guest's history: at 390, 820 and 1366 px, in English and Russian, none is wider than the
    screen (the timeline scrolls inside its own box)."""
    describe_floor(restaurant)
    anna = booking_create(
        restaurant=restaurant,
        date=DAY,
        time_slot="20:00",
        client_name="Anna Konstantinopolskaya",
        party_size=4,
        phone="+79120001234",
        notes="A long note about the birthday cake, the flowers and the window table",
    )
    booking_walk_in(restaurant=restaurant, party_size=2, client_name="Oleg")
    from bookings.waitlist.services import waitlist_add

    waitlist_add(restaurant=restaurant, name="Nadezhda Aleksandrovna", party_size=6)
    page.set_viewport_size(viewport)
    sign_in(page)
    use_language(page, live_server, language)
    page.goto("/app/timeline/")
    expect(page.get_by_test_id("waitlist").locator("li")).to_have_count(1)
    no_sideways_scroll(page)
    open_panel(page, "Anna")
    no_sideways_scroll(page)
    page.goto(f"/app/bookings/?date={DAY.isoformat()}")
    no_sideways_scroll(page)
    page.locator(f'#day-bookings [data-booking="{anna.pk}"] [data-open-panel]').click()
    expect(page.locator("#booking-dialog #booking-panel")).to_be_visible()
    no_sideways_scroll(page)
    page.goto(f"/app/guests/{anna.guest_id}/")
    expect(page.get_by_test_id("history")).to_be_visible()
    no_sideways_scroll(page)


# --- Cancelled and no-shows on the timeline ---------------------------------------------------


@pytest.mark.parametrize(("viewport", "language"), [(DESK, "en"), (TABLET, "en"), (PHONE, "ru")])
def test_a_cancel_is_undone_from_its_bar_on_the_timeline(
    evening, page, live_server, host, restaurant, viewport, language
):
    tables = describe_floor(restaurant)
    anna = booking_create(
        restaurant=restaurant, date=DAY, time_slot="20:00", client_name="Anna", party_size=4
    )
    api = api_client_for(host)
    boris = booking_create(restaurant=restaurant, date=DAY, time_slot="21:00", client_name="Boris")
    for booking in (anna, boris):
        gone = api.post(f"/bookings/{booking.pk}/status", {"status": "cancelled"}, format="json")
        assert gone.status_code == 200
    page.set_viewport_size(viewport)
    sign_in(page)
    use_language(page, live_server, language)
    page.goto("/app/timeline/")
    expect(bar(page, "Anna")).to_have_count(0)
    page.get_by_test_id("toggle-inactive").click()
    gone = page.locator(f'[data-table="{tables["H4"].pk}"] .tl-bar', has_text="Anna")
    expect(gone).to_have_attribute("data-status", "cancelled")
    assert "tl-inactive" in gone.get_attribute("class")
    no_sideways_scroll(page)
    gone.click()
    panel = page.locator("#booking-dialog #booking-panel")
    panel.locator('[data-action="confirmed"]').click()
    expect(panel).to_have_attribute("data-status", "confirmed")
    panel.locator("[data-dialog-close]").first.click()
    back = page.locator(f'[data-table="{tables["H4"].pk}"] .tl-bar', has_text="Anna")
    expect(back).to_have_attribute("data-status", "confirmed")
    assert "tl-inactive" not in back.get_attribute("class")
    # The board refreshed with the choice kept: Boris's cancelled bar is still drawn.
    expect(bar(page, "Boris")).to_have_attribute("data-status", "cancelled")
    expect(page.get_by_test_id("timeline")).to_have_class(re.compile("tl-with-inactive"))
    assert api.get(f"/bookings/{anna.pk}").json()["status"] == "confirmed"
