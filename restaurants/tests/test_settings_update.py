"""`restaurant_update_settings`: what it saves, what it refuses, which cached days it drops."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from bookings.availability import slots_for_day
from restaurants.services import restaurant_update_settings


def test_texts_keep_the_cached_slots_hours_and_tables_drop_them(
    restaurant, tomorrow, django_capture_on_commit_callbacks
):
    slots_for_day(restaurant=restaurant, date=tomorrow)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        restaurant_update_settings(restaurant=restaurant, greeting_text="Hi", host_choice="chef")
    assert callbacks == []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        restaurant_update_settings(restaurant=restaurant, default_table_count=7)
    assert len(callbacks) == 1
    assert slots_for_day(restaurant=restaurant, date=tomorrow)[0]["free"] == 7


def test_unchanged_values_save_nothing(restaurant, django_assert_num_queries):
    with django_assert_num_queries(0):
        restaurant_update_settings(restaurant=restaurant, name="Blue Door", slot_minutes=60)


def test_a_refused_change_leaves_the_object_as_it_was(restaurant):
    with pytest.raises(ValidationError) as error:
        restaurant_update_settings(restaurant=restaurant, greeting_text="Hi", slot_minutes=47)
    assert "slot_minutes" in error.value.message_dict
    assert (restaurant.greeting_text, restaurant.slot_minutes) == (None, 60)


def test_none_clears_a_brief_text_and_is_refused_for_the_name(restaurant):
    restaurant_update_settings(restaurant=restaurant, greeting_text="Hi", info_text="Info")
    restaurant_update_settings(restaurant=restaurant, info_text=None)
    restaurant.refresh_from_db()
    assert (restaurant.greeting_text, restaurant.info_text) == ("Hi", None)
    with pytest.raises(ValidationError) as error:
        restaurant_update_settings(restaurant=restaurant, greeting_text=None, name=None)
    assert list(error.value.message_dict) == ["name"]
    restaurant.refresh_from_db()
    assert (restaurant.name, restaurant.greeting_text) == ("Blue Door", "Hi")


def test_unknown_host_names_the_choices(restaurant):
    with pytest.raises(ValidationError) as error:
        restaurant_update_settings(restaurant=restaurant, host_choice="bob")
    assert error.value.message_dict["host_choice"] == [
        "Unknown host “bob”. Choose one of: anna, maxim, sofia, chef (or an empty string for none)."
    ]
