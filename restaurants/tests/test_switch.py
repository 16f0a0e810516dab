"""Switching restaurants goes back to a page of this site, whatever `next` the form carries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import make_user


@pytest.fixture
def two_restaurant_client(client, restaurant, other_restaurant):
    user = make_user("both", restaurant=restaurant)
    user.memberships.create(restaurant=other_restaurant, role="host")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "next_url", ["abc", "", "//evil.example/", "https://evil.example/", "javascript:alert(1)"]
)
def test_a_next_that_is_not_our_page_goes_to_the_bookings_page(
    two_restaurant_client, other_restaurant, next_url
):
    response = two_restaurant_client.post(
        "/app/restaurant/", {"restaurant": other_restaurant.pk, "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:day")


def test_a_next_of_ours_is_kept_with_its_query(two_restaurant_client, other_restaurant):
    response = two_restaurant_client.post(
        "/app/restaurant/", {"restaurant": other_restaurant.pk, "next": "/app/?date=2030-01-02"}
    )
    assert response["Location"] == "/app/?date=2030-01-02"
