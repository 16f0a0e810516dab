"""The floor's tables in the API: hosts read them, managers add, change and delete them."""

from __future__ import annotations

import pytest
from django.utils import translation

from bookings.services import booking_create
from restaurants.models import Table

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def test_a_manager_describes_the_floor_and_a_host_reads_it(manager_api, host_api, restaurant):
    url = f"/restaurants/{restaurant.pk}/tables"
    assert host_api.get(url).json() == []
    first = manager_api.post(
        url, {"name": "Window 3", "max_seats": 4, "area": "hall"}, format="json"
    )
    assert first.status_code == 201
    second = manager_api.post(
        url,
        {"name": "Bar", "min_seats": 1, "max_seats": 1, "combination_group": ""},
        format="json",
    )
    assert second.status_code == 201
    listed = host_api.get(url).json()
    assert [(t["name"], t["position"]) for t in listed] == [("Window 3", 0), ("Bar", 1)]
    assert listed[0] == {
        "id": first.json()["id"],
        "restaurant_id": restaurant.pk,
        "name": "Window 3",
        "min_seats": 1,
        "max_seats": 4,
        "area": "hall",
        "combination_group": "",
        "position": 0,
        "is_active": True,
    }


def test_hosts_cannot_change_the_floor(host_api, restaurant):
    response = host_api.post(
        f"/restaurants/{restaurant.pk}/tables", {"name": "T", "max_seats": 2}, format="json"
    )
    assert response.status_code == 403
    table = Table.objects.create(restaurant=restaurant, name="T1", max_seats=2)
    assert host_api.patch(f"/tables/{table.pk}", {"max_seats": 4}, format="json").status_code == 403
    assert host_api.delete(f"/tables/{table.pk}").status_code == 403
    assert not Table.objects.exclude(pk=table.pk).exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"max_seats": 2}, "name"),
        ({"name": "T", "max_seats": 0}, "max_seats"),
        ({"name": "T", "max_seats": 2, "min_seats": 3}, "min_seats"),
        ({"name": "T", "max_seats": 2, "is_active": 1}, "is_active"),
        ({"name": "Taken", "max_seats": 2}, "name"),
    ],
)
def test_a_bad_table_answers_400_naming_the_field(manager_api, restaurant, body, field):
    Table.objects.create(restaurant=restaurant, name="taken", max_seats=2)
    response = manager_api.post(f"/restaurants/{restaurant.pk}/tables", body, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}:")
    assert Table.objects.count() == 1


def test_another_restaurants_table_answers_404_like_a_missing_one(manager_api, other_restaurant):
    theirs = Table.objects.create(restaurant=other_restaurant, name="T1", max_seats=2)
    for response in (
        manager_api.patch(f"/tables/{theirs.pk}", {"name": "Mine"}, format="json"),
        manager_api.delete(f"/tables/{theirs.pk}"),
        manager_api.delete("/tables/999999"),
    ):
        assert response.status_code == 404
        assert response.json()["detail"] == "Table not found."
    assert Table.objects.get(pk=theirs.pk).name == "T1"


def test_a_table_held_by_a_booking_to_come_is_not_deleted(manager_api, restaurant, tomorrow):
    table = Table.objects.create(restaurant=restaurant, name="T1", max_seats=4)
    booking = booking_create(
        restaurant=restaurant, date=tomorrow, time_slot="19:00", client_name="Anna"
    )
    response = manager_api.delete(f"/tables/{table.pk}")
    assert response.status_code == 409
    assert response.json()["code"] == "table_in_use"
    assert "T1" in response.json()["detail"]
    changed = manager_api.patch(f"/tables/{table.pk}", {"is_active": False}, format="json")
    assert changed.json()["is_active"] is False
    assert list(booking.tables.all()) == [table]  # a booking made keeps its table


def test_bookings_show_their_tables_and_the_end_of_the_visit(manager_api, restaurant, tomorrow):
    t1 = Table.objects.create(restaurant=restaurant, name="T1", max_seats=2, combination_group="a")
    t2 = Table.objects.create(
        restaurant=restaurant, name="T2", max_seats=2, combination_group="a", position=1
    )
    created = manager_api.post(
        "/bookings",
        {
            "restaurant_id": restaurant.pk,
            "date": tomorrow.isoformat(),
            "time_slot": "19:00",
            "client_name": "Anna",
            "party_size": 4,
        },
        format="json",
    )
    assert created.status_code == 201
    booking = manager_api.get(f"/bookings/{created.json()['booking_id']}").json()
    assert booking["tables"] == [{"id": t1.pk, "name": "T1"}, {"id": t2.pk, "name": "T2"}]
    assert booking["ends_at"] == f"{tomorrow.isoformat()}T20:00:00+03:00"
    moved = manager_api.patch(
        f"/bookings/{booking['id']}", {"party_size": 2, "table_ids": [t2.pk]}, format="json"
    )
    assert moved.status_code == 200
    assert moved.json()["tables"] == [{"id": t2.pk, "name": "T2"}]
    refused = manager_api.patch(
        f"/bookings/{booking['id']}", {"party_size": 3, "table_ids": [t2.pk]}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["detail"].startswith("table_ids: Too few seats at T2")
