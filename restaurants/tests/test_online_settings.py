"""Online-booking settings: on the Settings page and in admin, validated, per restaurant."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from restaurants.models import Restaurant, slug_base
from restaurants.services import restaurant_update_online

pytestmark = pytest.mark.django_db


def online_form(**changes) -> dict:
    form = {
        "online_booking": "on",
        "slug": "blue-door",
        "public_phone": "+7 495 123-45-67",
        "online_min_notice_minutes": 120,
        "online_days_ahead": 30,
        "online_max_party": 6,
        "online_change_cutoff_minutes": 180,
        "online_policy_text": "We hold a table for 15 minutes.",
        "online_frame_origins": "https://www.blue-door.example/\nhttp://localhost:3000",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_new_and_existing_restaurants_do_not_book_online_and_have_a_readable_slug(restaurant):
    assert restaurant.online_booking is False
    assert restaurant.slug == "blue-door"
    assert Restaurant.objects.create(name="Blue Door").slug == "blue-door-2"
    assert Restaurant.objects.create(name="Синяя дверь").slug == "sinyaya-dver"
    assert slug_base("!!!") == "restaurant"


def test_manager_turns_online_booking_on(manager_client, restaurant):
    response = manager_client.post(reverse("restaurants:online"), online_form(slug="Blue-Door"))
    assert response.status_code == 302
    restaurant.refresh_from_db()
    assert restaurant.online_booking is True
    assert restaurant.slug == "blue-door"
    assert (restaurant.online_days_ahead, restaurant.online_max_party) == (30, 6)
    assert restaurant.frame_origins == ["https://www.blue-door.example", "http://localhost:3000"]
    page = manager_client.get(reverse("restaurants:settings")).content.decode()
    assert "http://testserver/r/blue-door/" in page
    assert "&lt;iframe src=&quot;http://testserver/r/blue-door/&quot;" in page
    assert "/static/js/embed.js" in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"slug": "manage"}, "slug"),
        ({"slug": "два слова"}, "slug"),
        ({"online_days_ahead": 0}, "online_days_ahead"),
        ({"online_days_ahead": 400}, "online_days_ahead"),
        ({"online_max_party": 51}, "online_max_party"),
        ({"online_min_notice_minutes": -5}, "online_min_notice_minutes"),
        ({"online_frame_origins": "javascript:alert(1)"}, "online_frame_origins"),
        ({"online_frame_origins": "https://ok.example/path"}, "online_frame_origins"),
        ({"online_policy_text": "x" * 4001}, "online_policy_text"),
    ],
)
def test_bad_online_settings_show_beside_the_field_and_save_nothing(
    manager_client, restaurant, change, field
):
    response = manager_client.post(reverse("restaurants:online"), online_form(**change))
    assert response.status_code == 200
    assert f'data-field-error="{field}"' in response.content.decode()
    restaurant.refresh_from_db()
    assert restaurant.online_booking is False
    assert restaurant.slug == "blue-door"


def test_a_slug_taken_by_another_restaurant_is_refused(
    manager_client, restaurant, other_restaurant
):
    response = manager_client.post(
        reverse("restaurants:online"), online_form(slug=other_restaurant.slug)
    )
    assert 'data-field-error="slug"' in response.content.decode()
    restaurant.refresh_from_db()
    assert restaurant.slug == "blue-door"


def test_host_cannot_change_online_booking(host_client, restaurant):
    response = host_client.post(reverse("restaurants:online"), online_form())
    assert response.status_code == 403
    restaurant.refresh_from_db()
    assert restaurant.online_booking is False


def test_the_form_changes_only_the_managers_own_restaurant(manager_client, other_restaurant):
    manager_client.post(reverse("restaurants:online"), online_form(slug="mine"))
    other_restaurant.refresh_from_db()
    assert other_restaurant.online_booking is False
    assert other_restaurant.slug == "elsewhere"


def test_service_refuses_unknown_fields_and_keeps_the_old_values(restaurant):
    with pytest.raises(ValueError):
        restaurant_update_online(restaurant=restaurant, name="Other")
    with pytest.raises(ValidationError):
        restaurant_update_online(restaurant=restaurant, online_max_party=0, online_booking=True)
    assert (restaurant.online_max_party, restaurant.online_booking) == (8, False)


def test_admin_edits_online_booking(admin_client, restaurant):
    from restaurants.tests.test_settings_admin import change_form

    url = reverse("admin:restaurants_restaurant_change", args=[restaurant.pk])
    response = admin_client.post(
        url, change_form(restaurant, **online_form(online_frame_origins="nope"))
    )
    assert response.status_code == 200  # refused, the form again
    assert "Not an origin: nope" in response.content.decode()
    response = admin_client.post(url, change_form(restaurant, **online_form()))
    assert response.status_code == 302
    restaurant.refresh_from_db()
    assert restaurant.online_booking is True
    assert restaurant.online_days_ahead == 30


def test_the_sidebar_links_the_booking_page_once_it_is_on(manager_client, restaurant):
    assert "public-page-link" not in manager_client.get("/app/bookings/").content.decode()
    restaurant_update_online(restaurant=restaurant, online_booking=True)
    page = manager_client.get("/app/bookings/").content.decode()
    assert 'href="/r/blue-door/" class="nav-link" data-testid="public-page-link"' in page
