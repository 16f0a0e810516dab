"""`GET`/`PUT /restaurants/{id}/settings`: the brief's shape, managers only.

An explicit null clears one of the brief's three texts; an absent field stays as it is.
"""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import api_client_for

BRIEF_FIELDS = {"restaurant_id", "host_choice", "greeting_text", "info_text"}
BRIEF_TEXTS = ["host_choice", "greeting_text", "info_text"]


def settings_url(restaurant) -> str:
    return f"/restaurants/{restaurant.pk}/settings"


def test_settings_answer_the_briefs_shape_and_more(host_api, restaurant):
    restaurant.host_choice = "anna"
    restaurant.greeting_text = "Welcome!"
    restaurant.save()
    response = host_api.get(settings_url(restaurant))
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= BRIEF_FIELDS
    assert body == {
        "restaurant_id": restaurant.pk,
        "host_choice": "anna",
        "greeting_text": "Welcome!",
        "info_text": None,  # never set
        "name": "Blue Door",
        "default_table_count": 5,
        "opening_time": "12:00",
        "closing_time": "23:00",
        "slot_minutes": 60,
        "time_zone": "Europe/Moscow",
        "slots": restaurant.slot_times(),
    }


def test_manager_puts_the_briefs_body_and_gets_the_same_shape(manager_api, restaurant):
    restaurant.info_text = "Terrace open"
    restaurant.save()
    response = manager_api.put(
        settings_url(restaurant),
        {"host_choice": "maxim", "greeting_text": "Good evening", "info_text": None},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["host_choice"], body["greeting_text"], body["info_text"]) == (
        "maxim",
        "Good evening",
        None,  # an explicit null clears it
    )
    restaurant.refresh_from_db()
    assert (restaurant.host_choice, restaurant.greeting_text, restaurant.info_text) == (
        "maxim",
        "Good evening",
        None,
    )
    assert manager_api.get(settings_url(restaurant)).json() == body


@pytest.mark.parametrize("field", BRIEF_TEXTS)
def test_explicit_null_clears_a_brief_setting_and_leaves_the_others(manager_api, restaurant, field):
    restaurant.host_choice, restaurant.greeting_text, restaurant.info_text = (
        "sofia",
        "Hi",
        "Terrace open",
    )
    restaurant.save()
    before = manager_api.get(settings_url(restaurant)).json()
    response = manager_api.put(settings_url(restaurant), {field: None}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {**before, field: None}
    assert manager_api.get(settings_url(restaurant)).json() == {**before, field: None}
    restaurant.refresh_from_db()
    assert getattr(restaurant, field) is None


def test_a_cleared_setting_takes_a_string_again(manager_api, restaurant):
    manager_api.put(settings_url(restaurant), {"info_text": None}, format="json")
    response = manager_api.put(settings_url(restaurant), {"info_text": "Back"}, format="json")
    assert response.json()["info_text"] == "Back"
    assert manager_api.get(settings_url(restaurant)).json()["info_text"] == "Back"


def test_empty_body_changes_nothing(manager_api, restaurant):
    restaurant.greeting_text = "Hello"
    restaurant.save()
    before = manager_api.get(settings_url(restaurant)).json()
    response = manager_api.put(settings_url(restaurant), {}, format="json")
    assert response.status_code == 200
    assert response.json() == before
    assert manager_api.get(settings_url(restaurant)).json() == before


def test_all_three_null_clear_the_brief_settings_only(manager_api, restaurant):
    restaurant.host_choice, restaurant.greeting_text, restaurant.info_text = ("anna", "Hi", "Info")
    restaurant.save()
    before = manager_api.get(settings_url(restaurant)).json()
    response = manager_api.put(
        settings_url(restaurant),
        {"host_choice": None, "greeting_text": None, "info_text": None},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {**before, **dict.fromkeys(BRIEF_TEXTS)}


@pytest.mark.parametrize(
    "field",
    ["name", "default_table_count", "opening_time", "closing_time", "slot_minutes", "time_zone"],
)
def test_null_for_a_setting_beyond_the_brief_answers_400_naming_it(manager_api, restaurant, field):
    before = manager_api.get(settings_url(restaurant)).json()
    response = manager_api.put(
        settings_url(restaurant), {"greeting_text": "Changed", field: None}, format="json"
    )
    assert response.status_code == 400, response.content
    error = response.json()
    assert error["detail"] == f"{field}: This field may not be null."
    assert error["errors"] == {field: ["This field may not be null."]}
    assert error["code"] == "null"
    assert manager_api.get(settings_url(restaurant)).json() == before


def test_empty_strings_clear_the_texts(manager_api, restaurant):
    restaurant.host_choice, restaurant.greeting_text = "sofia", "Hi"
    restaurant.save()
    response = manager_api.put(
        settings_url(restaurant), {"host_choice": "", "greeting_text": ""}, format="json"
    )
    assert (response.json()["host_choice"], response.json()["greeting_text"]) == ("", "")


def test_extra_fields_beyond_the_brief_are_ignored(manager_api, restaurant):
    response = manager_api.put(
        settings_url(restaurant),
        {"restaurant_id": 999, "greeting_text": "Hi", "unknown": 1},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["restaurant_id"] == restaurant.pk


@pytest.mark.django_db(transaction=True)  # the cache is dropped after commit
def test_manager_changes_hours_and_tables_and_slots_follow(restaurant, manager):
    client = api_client_for(manager)
    day = restaurant.today() + dt.timedelta(days=1)
    assert len(client.get(f"/bookings/{restaurant.pk}/{day}").json()["slots"]) == 11
    response = client.put(
        settings_url(restaurant),
        {
            "opening_time": "18:00",
            "closing_time": "00:00",
            "slot_minutes": 90,
            "default_table_count": 8,
            "name": "Blue Door Bistro",
            "time_zone": "Asia/Vladivostok",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["slots"] == ["18:00", "19:30", "21:00", "22:30"]
    assert (body["name"], body["time_zone"], body["closing_time"]) == (
        "Blue Door Bistro",
        "Asia/Vladivostok",
        "00:00",
    )
    slots = client.get(f"/bookings/{restaurant.pk}/{day}").json()["slots"]
    assert slots[0] == {"time": "18:00", "booked": 0, "free": 8}
    assert [s["time"] for s in slots] == body["slots"]


def test_host_cannot_change_settings(host_api, restaurant):
    response = host_api.put(settings_url(restaurant), {"greeting_text": "Mine"}, format="json")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only a manager of this restaurant can do this.",
        "code": "permission_denied",
    }
    restaurant.refresh_from_db()
    assert restaurant.greeting_text is None


@pytest.mark.parametrize("method", ["get", "put"])
def test_settings_of_another_restaurant_answer_404_like_a_missing_one(
    manager_api, other_restaurant, method
):
    theirs = getattr(manager_api, method)(
        settings_url(other_restaurant), {"greeting_text": "x"}, format="json"
    )
    missing = getattr(manager_api, method)(
        "/restaurants/999999/settings", {"greeting_text": "x"}, format="json"
    )
    assert theirs.status_code == missing.status_code == 404
    assert (
        theirs.json() == missing.json() == {"detail": "Restaurant not found.", "code": "not_found"}
    )
    other_restaurant.refresh_from_db()
    assert other_restaurant.greeting_text is None


def test_a_host_of_another_restaurant_gets_404_not_403(host_api, other_restaurant):
    response = host_api.put(settings_url(other_restaurant), {"greeting_text": "x"}, format="json")
    assert response.status_code == 404


def test_superuser_changes_any_restaurant_and_gets_404_for_a_missing_one(superuser, restaurant):
    client = api_client_for(superuser)
    response = client.put(settings_url(restaurant), {"greeting_text": "By root"}, format="json")
    assert response.status_code == 200
    assert client.get("/restaurants/999999/settings").status_code == 404


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"host_choice": "bob"}, "host_choice", "Choose one of: anna, maxim, sofia, chef"),
        ({"host_choice": 5}, "host_choice", "Must be a string."),
        ({"greeting_text": "x" * 1001}, "greeting_text", "At most 1000 characters"),
        ({"info_text": "x" * 4001}, "info_text", "At most 4000 characters"),
        ({"info_text": ["a"]}, "info_text", "Must be a string."),
        ({"name": ""}, "name", "may not be blank"),
        ({"default_table_count": 0}, "default_table_count", "greater than or equal to 1"),
        ({"default_table_count": 10**30}, "default_table_count", "less than or equal to"),
        ({"default_table_count": "5"}, "default_table_count", "Must be a whole number."),
        ({"closing_time": "11:00"}, "closing_time", "Closing time must be after opening."),
        ({"opening_time": "noon"}, "opening_time", "Time has wrong format"),
        ({"slot_minutes": 47}, "slot_minutes", "Use a multiple of 5 minutes."),
        ({"slot_minutes": 0}, "slot_minutes", "greater than or equal to 15"),
        ({"slot_minutes": -30}, "slot_minutes", "greater than or equal to"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Unknown time zone: Mars/Olympus"),
    ],
)
def test_bad_settings_answer_400_naming_the_field_and_save_nothing(
    manager_api, restaurant, data, field, message
):
    before = manager_api.get(settings_url(restaurant)).json()
    response = manager_api.put(
        settings_url(restaurant), {"greeting_text": "Changed", **data}, format="json"
    )
    assert response.status_code == 400, response.content
    error = response.json()
    assert error["detail"].startswith(f"{field}: ")
    assert message in error["detail"]
    assert message in error["errors"][field][0]
    assert manager_api.get(settings_url(restaurant)).json() == before


@pytest.mark.parametrize("raw", ["{oops", "[]", '"text"'])
def test_malformed_settings_body_answers_400(manager_api, restaurant, raw):
    response = manager_api.generic("PUT", settings_url(restaurant), raw, "application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_bad_restaurant_id_answers_400(manager_api):
    response = manager_api.get("/restaurants/one/settings")
    assert response.status_code == 400
    assert response.json()["detail"] == "restaurant_id: Must be a whole number."
