"""The restaurant's settings in Django admin: a cleared text is null, shown as an empty field."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse


def change_form(restaurant, **changes) -> dict:
    form = {
        "name": restaurant.name,
        "default_table_count": restaurant.default_table_count,
        "country": restaurant.country,
        "time_zone": restaurant.time_zone,
        "opening_time": "12:00",
        "closing_time": "23:00",
        "slot_minutes": restaurant.slot_minutes,
        "host_choice": "",
        "greeting_text": "",
        "info_text": "",
        "table_overrides-TOTAL_FORMS": 0,
        "table_overrides-INITIAL_FORMS": 0,
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }
    form.update(changes)
    return form


@pytest.mark.django_db(transaction=True)  # the audit log writes after commit
def test_admin_shows_cleared_texts_as_empty_and_saves_empty_ones_as_null(admin_client, restaurant):
    url = reverse("admin:restaurants_restaurant_change", args=[restaurant.pk])
    restaurant.greeting_text, restaurant.info_text = None, None
    restaurant.save()
    html = admin_client.get(url).content.decode()
    for name in ("greeting_text", "info_text"):
        content = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', html, re.S)[1]
        assert content.strip() == ""
    assert ">None<" not in html

    form = change_form(restaurant, host_choice="sofia", greeting_text="Hi", info_text="Info")
    assert admin_client.post(url, form).status_code == 302
    restaurant.refresh_from_db()
    assert (restaurant.host_choice, restaurant.greeting_text, restaurant.info_text) == (
        "sofia",
        "Hi",
        "Info",
    )

    assert admin_client.post(url, change_form(restaurant)).status_code == 302
    restaurant.refresh_from_db()
    assert (restaurant.host_choice, restaurant.greeting_text, restaurant.info_text) == (
        None,
        None,
        None,
    )
    changelist = admin_client.get(reverse("admin:restaurants_restaurant_changelist"))
    assert ">None<" not in changelist.content.decode()
