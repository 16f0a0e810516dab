"""The floor on the Settings page in a real browser: a manager describes the tables, adding
rows with the page's buttons, and a mistake is shown beside its field with nothing saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import sign_in
from restaurants.models import Table, VisitLength

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def rows(page, prefix: str):
    return page.locator(f'[data-formset-rows="{prefix}"] [data-formset-row]')


def fill_table(row, name: str, most: int, *, area: str = "", group: str = "") -> None:
    row.get_by_label("Name").fill(name)
    row.get_by_label("Most guests").fill(str(most))
    row.get_by_label("Area").fill(area)
    row.get_by_label("Combination group").fill(group)


def test_a_manager_describes_the_floor_with_added_rows(page, manager, restaurant):
    sign_in(page, "manager")
    page.goto("/app/settings/#floor")
    floor = page.locator("#floor")
    expect(rows(page, "tables")).to_have_count(1)  # the one empty row of an undescribed floor

    fill_table(rows(page, "tables").nth(0), "Window 1", 2, area="hall", group="window")
    floor.get_by_role("button", name="Add a table").click()
    expect(rows(page, "tables")).to_have_count(2)
    # The new row takes the focus, so a manager types its name at once.
    expect(rows(page, "tables").nth(1).get_by_label("Name")).to_be_focused()
    fill_table(rows(page, "tables").nth(1), "Window 2", 2, area="hall", group="window")
    floor.get_by_role("button", name="Add a table").click()
    fill_table(rows(page, "tables").nth(2), "Terrace 1", 6, area="terrace")

    visits = rows(page, "visits")
    visits.nth(0).get_by_label("Parties up to").fill("2")
    visits.nth(0).get_by_label("Minutes").fill("90")
    floor.get_by_role("button", name="Add a visit length").click()
    visits.nth(1).get_by_label("Minutes").fill("150")
    floor.get_by_label("Pacing: most guests starting at one time").fill("20")
    floor.get_by_role("button", name="Save floor").click()

    expect(page.get_by_test_id("messages")).to_contain_text("Floor saved.")
    # Saved, and shown again with one empty row to add the next table.
    expect(rows(page, "tables")).to_have_count(4)
    assert list(
        Table.objects.filter(restaurant=restaurant).values_list(
            "name", "max_seats", "area", "combination_group"
        )
    ) == [
        ("Window 1", 2, "hall", "window"),
        ("Window 2", 2, "hall", "window"),
        ("Terrace 1", 6, "terrace", ""),
    ]
    assert list(
        VisitLength.objects.filter(restaurant=restaurant).values_list("up_to_party", "minutes")
    ) == [(2, 90), (None, 150)]
    restaurant.refresh_from_db()
    assert restaurant.pacing_covers == 20


def test_a_mistake_is_shown_beside_its_field_and_nothing_is_saved(page, manager, restaurant):
    sign_in(page, "manager")
    page.goto("/app/settings/#floor")
    floor = page.locator("#floor")
    row = rows(page, "tables").nth(0)
    fill_table(row, "Booth", 4)
    row.get_by_label("Fewest guests").fill("6")
    floor.get_by_role("button", name="Add a table").click()
    fill_table(rows(page, "tables").nth(1), "Bar 1", 2)
    floor.get_by_role("button", name="Save floor").click()

    error = rows(page, "tables").nth(0).locator(".field-error")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    # The rows typed stay on the page, both of them, for the manager to correct.
    expect(rows(page, "tables").nth(1).get_by_label("Name")).to_have_value("Bar 1")
    assert not Table.objects.filter(restaurant=restaurant).exists()


def test_the_floor_form_in_russian_on_a_phone(page, manager, restaurant):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "manager")
    page.get_by_role("button", name="Русский").click()
    page.goto("/app/settings/#floor")
    floor = page.locator("#floor")
    floor.get_by_role("button", name="Добавить стол").click()
    expect(rows(page, "tables")).to_have_count(2)
    fill_row = rows(page, "tables").nth(0)
    fill_row.get_by_label("Название").fill("1")
    fill_row.get_by_label("Максимум гостей").fill("4")
    floor.get_by_role("button", name="Сохранить зал").click()
    expect(page.get_by_test_id("messages")).to_be_visible()
    assert list(Table.objects.filter(restaurant=restaurant).values_list("name", "max_seats")) == [
        ("1", 4)
    ]
    # Nothing on the phone scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
