from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bookings.availability import tables_on
from bookings.models import Booking
from bookings.services import booking_create
from conftest import make_user


@pytest.fixture
def admin_client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:restaurants_restaurant_changelist",
        "admin:restaurants_membership_changelist",
        "admin:bookings_booking_changelist",
        "admin:bookings_guest_changelist",
    ],
)
def test_superuser_admin_lists_open(admin_client, restaurant, tomorrow, url_name):
    booking_create(
        restaurant=restaurant,
        date=tomorrow,
        time_slot="18:00",
        client_name="Anna",
        phone="89123456789",
    )
    response = admin_client.get(reverse(url_name))
    assert response.status_code == 200


def test_manager_edits_only_their_restaurants_settings(
    client, restaurant, other_restaurant, manager
):
    manager.refresh_from_db()
    assert manager.is_staff  # managers become staff to reach admin
    client.force_login(manager)
    changelist = client.get(reverse("admin:restaurants_restaurant_changelist"))
    assert changelist.status_code == 200
    assert "Blue Door" in changelist.text and "Elsewhere" not in changelist.text

    url = reverse("admin:restaurants_restaurant_change", args=[restaurant.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = {
        "name": "Blue Door",
        "default_table_count": 7,
        "country": "RU",
        "time_zone": "Europe/Moscow",
        "opening_time": "12:00",
        "closing_time": "23:00",
        "slot_minutes": 60,
        "host_choice": "maxim",
        "greeting_text": "Welcome!",
        "info_text": "Terrace open.",
        "table_overrides-TOTAL_FORMS": 1,
        "table_overrides-INITIAL_FORMS": 0,
        "tables-TOTAL_FORMS": 0,
        "tables-INITIAL_FORMS": 0,
        "visit_lengths-TOTAL_FORMS": 0,
        "visit_lengths-INITIAL_FORMS": 0,
        "table_overrides-0-date": "2030-01-01",
        "table_overrides-0-table_count": 2,
        # Online booking, as the change form shows it: off, with its defaults.
        "slug": restaurant.slug,
        "online_min_notice_minutes": 120,
        "online_days_ahead": 60,
        "online_max_party": 8,
        "online_change_cutoff_minutes": 120,
    }
    assert client.post(url, form).status_code == 302
    restaurant.refresh_from_db()
    assert (restaurant.default_table_count, restaurant.host_choice) == (7, "maxim")
    assert tables_on(restaurant=restaurant, date=dt.date(2030, 1, 1)) == 2

    other = reverse("admin:restaurants_restaurant_change", args=[other_restaurant.pk])
    assert client.get(other).status_code in (302, 403, 404)


def test_host_has_no_admin(client, host):
    client.force_login(host)
    assert client.get(reverse("admin:index")).status_code == 302


def test_admin_action_cancels_through_the_booking_core(admin_client, restaurant, tomorrow):
    booking = booking_create(
        restaurant=restaurant, date=tomorrow, time_slot="18:00", client_name="Anna"
    )
    response = admin_client.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": "mark_cancelled", "_selected_action": [booking.pk]},
    )
    assert response.status_code == 302
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED


def test_admin_cannot_complete_a_confirmed_booking_and_says_why(admin_client, restaurant, tomorrow):
    booking = booking_create(
        restaurant=restaurant, date=tomorrow, time_slot="18:00", client_name="Anna"
    )
    response = admin_client.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": "mark_completed", "_selected_action": [booking.pk]},
        follow=True,
    )
    assert "cannot become completed" in response.text
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED


def test_manager_does_not_see_other_restaurants_bookings(
    client, restaurant, other_restaurant, tomorrow
):
    booking_create(
        restaurant=other_restaurant, date=tomorrow, time_slot="18:00", client_name="Secret Guest"
    )
    user = make_user("boss", restaurant=restaurant, role="manager")
    client.force_login(user)
    page = client.get(reverse("admin:bookings_booking_changelist"))
    assert page.status_code == 200
    assert "Secret Guest" not in page.text


def test_admin_sign_in_page_opens_for_a_visitor(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert 'name="username"' in response.text
