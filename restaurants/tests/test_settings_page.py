"""The Settings page: managers edit through the settings service, hosts only read."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bookings.availability import tables_on
from restaurants.models import Restaurant, TableCountOverride

URL = "/app/settings/"


def settings_data(**changes) -> dict:
    data = {
        "name": "Blue Door",
        "host_choice": "maxim",
        "greeting_text": "Good evening!",
        "info_text": "Tverskaya 1",
        "default_table_count": "8",
        "opening_time": "10:00",
        "closing_time": "22:00",
        "slot_minutes": "90",
    }
    data.update(changes)
    return data


def test_manager_saves_settings_and_sees_a_message(manager_client, restaurant):
    page = manager_client.get(URL).content.decode()
    assert "Chef Ivan — talks about the food" in page  # the personas are offered
    response = manager_client.post(URL, settings_data(), follow=True)
    assert "Settings saved." in response.content.decode()
    restaurant.refresh_from_db()
    assert restaurant.host_choice == "maxim"
    assert restaurant.default_table_count == 8
    assert restaurant.slot_minutes == 90
    assert restaurant.slot_times() == [
        "10:00",
        "11:30",
        "13:00",
        "14:30",
        "16:00",
        "17:30",
        "19:00",
        "20:30",
    ]
    assert (restaurant.greeting_text, restaurant.info_text) == ("Good evening!", "Tverskaya 1")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"closing_time": "09:00"}, "closing_time", "Closing time must be after opening."),
        ({"slot_minutes": "17"}, "slot_minutes", "Use a multiple of 5 minutes."),
        ({"default_table_count": "0"}, "default_table_count", "greater than or equal to 1"),
        ({"host_choice": "nobody"}, "host_choice", "Select a valid choice."),
        ({"opening_time": "25:00"}, "opening_time", "Enter a valid time."),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_invalid_settings_show_errors_and_save_nothing(
    manager_client, restaurant, changes, field, message
):
    response = manager_client.post(URL, settings_data(**changes))
    html = response.content.decode()
    assert response.status_code == 200
    error = html.split(f'data-field-error="{field}">', 1)[1].split("</p>", 1)[0]
    assert message in error
    restaurant.refresh_from_db()
    assert restaurant.default_table_count == 5 and restaurant.host_choice is None


def test_host_reads_settings_but_cannot_change_them(client, host, restaurant):
    client.force_login(host)
    html = client.get(URL).content.decode()
    assert 'data-testid="read-only"' in html
    assert 'name="default_table_count"' in html and "disabled" in html
    assert "Save settings" not in html
    response = client.post(URL, settings_data())
    assert response.status_code == 403
    response = client.post("/app/settings/overrides/", {"date": "2099-01-01", "table_count": "1"})
    assert response.status_code == 403
    restaurant.refresh_from_db()
    assert restaurant.default_table_count == 5
    assert not TableCountOverride.objects.exists()


def test_manager_sets_and_removes_a_table_count_for_a_date(manager_client, restaurant):
    day = restaurant.today() + dt.timedelta(days=3)
    response = manager_client.post(
        "/app/settings/overrides/",
        {"date": day.isoformat(), "table_count": "2", "note": "Wedding"},
        follow=True,
    )
    html = response.content.decode()
    assert f'data-override="{day.isoformat()}"' in html and "Wedding" in html
    assert tables_on(restaurant=restaurant, date=day) == 2
    slots = manager_client.get("/app/bookings/", {"date": day.isoformat()}).content.decode()
    assert 'data-slot="18:00" data-booked="0" data-free="2"' in slots

    manager_client.post("/app/settings/overrides/delete/", {"date": day.isoformat()})
    assert tables_on(restaurant=restaurant, date=day) == 5


def test_table_count_for_a_past_date_is_refused(manager_client, restaurant):
    day = restaurant.today() - dt.timedelta(days=1)
    response = manager_client.post(
        "/app/settings/overrides/", {"date": day.isoformat(), "table_count": "2"}
    )
    assert response.status_code == 200
    assert "That date has already passed." in response.content.decode()
    assert not TableCountOverride.objects.exists()


def test_settings_belong_to_the_current_restaurant_only(manager_client, other_restaurant):
    manager_client.post(URL, settings_data(name="Renamed"))
    other_restaurant.refresh_from_db()
    assert other_restaurant.name == "Elsewhere"
    assert Restaurant.objects.get(name="Renamed")


def textarea(html: str, name: str) -> str:
    return re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', html, re.S)[1].strip()


def selected_host(html: str) -> list[str]:
    select = re.search(r'<select name="host_choice"[^>]*>(.*?)</select>', html, re.S)[1]
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


def test_cleared_texts_show_as_empty_fields(manager_client, restaurant):
    restaurant.host_choice = restaurant.greeting_text = restaurant.info_text = None
    restaurant.save()
    html = manager_client.get(URL).content.decode()
    assert textarea(html, "greeting_text") == textarea(html, "info_text") == ""
    assert selected_host(html) == [""]  # "Default (Anna)"
    assert "None" not in html


def test_saving_the_page_with_empty_texts_clears_them_to_null(manager_client, restaurant):
    restaurant.host_choice, restaurant.greeting_text, restaurant.info_text = (
        "chef",
        "Hello",
        "Terrace",
    )
    restaurant.save()
    html = manager_client.get(URL).content.decode()
    assert (textarea(html, "greeting_text"), selected_host(html)) == ("Hello", ["chef"])

    data = settings_data(host_choice="", greeting_text="", info_text="")
    response = manager_client.post(URL, data, follow=True)
    assert "Settings saved." in response.content.decode()
    restaurant.refresh_from_db()
    assert (restaurant.host_choice, restaurant.greeting_text, restaurant.info_text) == (
        None,
        None,
        None,
    )
    html = manager_client.get(URL).content.decode()
    assert textarea(html, "info_text") == "" and selected_host(html) == [""]
