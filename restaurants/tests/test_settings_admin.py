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
        "tables-TOTAL_FORMS": 0,
        "tables-INITIAL_FORMS": 0,
        "visit_lengths-TOTAL_FORMS": 0,
        "visit_lengths-INITIAL_FORMS": 0,
        "slug": restaurant.slug,
        "online_min_notice_minutes": restaurant.online_min_notice_minutes,
        "online_days_ahead": restaurant.online_days_ahead,
        "online_max_party": restaurant.online_max_party,
        "online_change_cutoff_minutes": restaurant.online_change_cutoff_minutes,
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


@pytest.mark.django_db(transaction=True)
def test_admin_edits_the_floor_inline_and_keeps_a_table_a_booking_holds(
    admin_client, restaurant, tomorrow
):
    from bookings.services import booking_create
    from restaurants.models import Table

    url = reverse("admin:restaurants_restaurant_change", args=[restaurant.pk])
    tables = {
        "tables-TOTAL_FORMS": 2,
        "tables-0-name": "Window 1",
        "tables-0-min_seats": 1,
        "tables-0-max_seats": 2,
        "tables-0-position": 0,
        "tables-0-is_active": "on",
        "tables-1-name": "Terrace",
        "tables-1-min_seats": 2,
        "tables-1-max_seats": 6,
        "tables-1-position": 1,
        "tables-1-is_active": "on",
        "visit_lengths-TOTAL_FORMS": 1,
        "visit_lengths-0-up_to_party": "",
        "visit_lengths-0-minutes": 120,
        "pacing_covers": 20,
    }
    assert admin_client.post(url, change_form(restaurant, **tables)).status_code == 302
    assert list(restaurant.tables.values_list("name", flat=True)) == ["Window 1", "Terrace"]
    assert list(restaurant.visit_lengths.values_list("minutes", flat=True)) == [120]
    restaurant.refresh_from_db()
    assert restaurant.pacing_covers == 20

    booking = booking_create(
        restaurant=restaurant, date=tomorrow, time_slot="19:00", client_name="Anna", party_size=5
    )
    terrace = Table.objects.get(name="Terrace")
    assert list(booking.tables.all()) == [terrace]
    rows = {
        "tables-TOTAL_FORMS": 1,
        "tables-INITIAL_FORMS": 1,
        "tables-0-id": terrace.pk,
        "tables-0-restaurant": restaurant.pk,
        "tables-0-name": "Terrace",
        "tables-0-min_seats": 2,
        "tables-0-max_seats": 6,
        "tables-0-position": 1,
        "tables-0-is_active": "on",
        "tables-0-DELETE": "on",
    }
    response = admin_client.post(url, change_form(restaurant, **rows))
    assert response.status_code == 200
    assert "Table Terrace is held by bookings still to come" in response.content.decode()
    assert Table.objects.filter(pk=terrace.pk).exists()
