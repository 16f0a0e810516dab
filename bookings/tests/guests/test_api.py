"""The guest API as a client uses it: list and search, read, edit, a guest's bookings, merge,
forget, the CSV exports, and tenant isolation (another restaurant's guest is a 404)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from bookings.models import Booking, Guest
from bookings.services import booking_create, booking_set_status
from conftest import api_client_for, make_user


@pytest.fixture
def ivan(restaurant, tomorrow) -> Guest:
    return booking_create(
        restaurant=restaurant,
        date=tomorrow,
        time_slot="18:00",
        client_name="Иван Петров",
        phone="+7 912 345-67-89",
    ).guest


@pytest.fixture
def foreign(other_restaurant, tomorrow) -> Guest:
    return booking_create(
        restaurant=other_restaurant,
        date=tomorrow,
        time_slot="18:00",
        client_name="Stranger",
        phone="+79990000000",
    ).guest


def test_list_with_history_and_pages(host_api, restaurant, ivan):
    response = host_api.get(f"/restaurants/{restaurant.pk}/guests")
    assert response.status_code == 200
    body = response.json()
    assert (body["restaurant_id"], body["count"], body["page"], body["pages"]) == (
        restaurant.pk,
        1,
        1,
        1,
    )
    guest = body["guests"][0]
    assert guest == {
        **guest,
        "id": ivan.pk,
        "name": "Иван Петров",
        "phone": "+79123456789",
        "tags": [],
        "visits": 0,
        "no_shows": 0,
        "cancellations": 0,
        "last_visit": None,
        "next_visit": (restaurant.today() + dt.timedelta(days=1)).isoformat(),
    }
    Guest.objects.bulk_create(Guest(restaurant=restaurant, name=f"G{i:03d}") for i in range(60))
    second = host_api.get(f"/restaurants/{restaurant.pk}/guests?page=2").json()
    assert (second["count"], second["pages"], len(second["guests"])) == (61, 2, 11)


@pytest.mark.parametrize(
    ("query", "count"),
    [("search=89123456789", 1), ("search=%2B7%20912", 1), ("search=иван", 1), ("tag=VIP", 1)],
)
def test_search_and_tag(host_api, restaurant, ivan, query, count):
    Guest.objects.create(restaurant=restaurant, name="Olga", tags=["regular"])
    ivan.tags = ["VIP"]
    ivan.save()
    body = host_api.get(f"/restaurants/{restaurant.pk}/guests?{query}").json()
    assert [g["id"] for g in body["guests"]] == [ivan.pk] * count


@pytest.mark.parametrize("query", ["page=0", "page=x", "page=5"])
def test_bad_page_is_a_400_naming_it(host_api, restaurant, ivan, query):
    response = host_api.get(f"/restaurants/{restaurant.pk}/guests?{query}")
    assert response.status_code == 400
    assert response.json()["errors"].keys() == {"page"}


def test_list_query_count_is_constant(host_api, restaurant, tomorrow, django_assert_num_queries):
    url = f"/restaurants/{restaurant.pk}/guests"
    host_api.get(url)  # the user is cached from now on
    for i in range(3):
        booking_create(
            restaurant=restaurant,
            date=tomorrow,
            time_slot=f"1{i + 2}:00",
            client_name=f"G{i}",
            phone=f"+7912000000{i}",
        )
    with django_assert_num_queries(3) as captured:  # restaurant, count, page
        host_api.get(url)
    for i in range(20):
        Guest.objects.create(restaurant=restaurant, name=f"X{i}")
    with django_assert_num_queries(len(captured.captured_queries)):
        assert len(host_api.get(url).json()["guests"]) == 23


def test_read_and_patch_a_guest(host_api, ivan):
    response = host_api.patch(
        f"/guests/{ivan.pk}",
        {"notes": "Allergic to nuts", "tags": ["vip", "allergy"], "phone": "8 912 345 67 89"},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["notes"], response.json()["tags"]) == (
        "Allergic to nuts",
        ["VIP", "allergy"],
    )
    assert host_api.get(f"/guests/{ivan.pk}").json()["tags"] == ["VIP", "allergy"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tags": "VIP"}, "tags"),
        ({"tags": [1]}, "tags.0"),
        ({"tags": ["x" * 31]}, "tags"),
        ({"tags": [f"t{i}" for i in range(11)]}, "tags"),
        ({"name": ""}, "name"),
        ({"name": 5}, "name"),
        ({"email": "no"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"notes": "x" * 2001}, "notes"),
    ],
)
def test_bad_patch_is_a_400_naming_the_field_and_writes_nothing(host_api, ivan, body, field):
    response = host_api.patch(f"/guests/{ivan.pk}", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    ivan.refresh_from_db()
    assert (ivan.name, ivan.tags, ivan.notes) == ("Иван Петров", [], "")


def test_a_guests_bookings_newest_first(host_api, restaurant, ivan, tomorrow):
    later = booking_create(
        restaurant=restaurant,
        date=tomorrow + dt.timedelta(days=3),
        time_slot="12:00",
        client_name="Ivan",
        phone="89123456789",
    )
    body = host_api.get(f"/guests/{ivan.pk}/bookings").json()
    assert body["guest_id"] == ivan.pk
    assert next(b["id"] for b in body["bookings"]) == later.pk
    assert len(body["bookings"]) == 2


def test_another_restaurants_guest_is_a_404_everywhere(host_api, manager_api, foreign):
    for client in (host_api, manager_api):
        assert client.get(f"/guests/{foreign.pk}").status_code == 404
        assert (
            client.patch(f"/guests/{foreign.pk}", {"notes": "x"}, format="json").status_code == 404
        )
        assert client.get(f"/guests/{foreign.pk}/bookings").status_code == 404
        assert client.delete(f"/guests/{foreign.pk}").status_code == 404
        assert (
            client.post(f"/guests/{foreign.pk}/merge", {"other_id": 1}, format="json").status_code
            == 404
        )
    assert host_api.get(f"/restaurants/{foreign.restaurant_id}/guests").status_code == 404
    foreign.refresh_from_db()
    assert foreign.notes == ""
    assert host_api.get("/guests/99999999999999999999").status_code == 400
    assert host_api.get("/guests/abc").json()["errors"].keys() == {"guest_id"}


def test_merge_moves_bookings_managers_only(
    host_api, manager_api, restaurant, ivan, tomorrow, foreign
):
    dup = booking_create(
        restaurant=restaurant,
        date=tomorrow,
        time_slot="19:00",
        client_name="Ivan P",
        phone="+79120000000",
    )
    url = f"/guests/{ivan.pk}/merge"
    assert host_api.post(url, {"other_id": dup.guest_id}, format="json").status_code == 403
    assert manager_api.post(url, {"other_id": foreign.pk}, format="json").status_code == 404
    same = manager_api.post(url, {"other_id": ivan.pk}, format="json")
    assert same.status_code == 400 and "other_id" in same.json()["errors"]
    assert manager_api.post(url, {"other_id": "7"}, format="json").status_code == 400
    response = manager_api.post(url, {"other_id": dup.guest_id}, format="json")
    assert response.status_code == 200
    assert response.json()["id"] == ivan.pk
    dup.refresh_from_db()
    assert dup.guest_id == ivan.pk


def test_forget_managers_only(host_api, manager_api, ivan, restaurant):
    assert host_api.delete(f"/guests/{ivan.pk}").status_code == 403
    assert Guest.objects.filter(pk=ivan.pk).exists()
    response = manager_api.delete(f"/guests/{ivan.pk}")
    assert response.status_code == 204
    assert manager_api.get(f"/guests/{ivan.pk}").status_code == 404
    # The booking is upcoming: it keeps the name for the host, unlinked.
    assert Booking.objects.get().guest is None


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # Excel reads UTF-8 only with the mark
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_export_guests_csv(manager_api, restaurant, ivan, foreign):
    ivan.tags = ["VIP", "allergy"]
    ivan.notes = "@cmd|' /C calc'!A0"
    ivan.save()
    Guest.objects.create(restaurant=restaurant, name="-2+3", email="a@b.c")
    rows = _csv(manager_api.get(f"/restaurants/{restaurant.pk}/export/guests.csv"))
    header, *data = rows
    assert header == [
        "id",
        "name",
        "phone",
        "email",
        "tags",
        "notes",
        "visits",
        "no_shows",
        "cancellations",
        "last_visit",
        "next_visit",
        "created_at",
    ]
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in data}
    assert set(by_name) == {"Иван Петров", "'-2+3"}  # not the other restaurant's guest
    ivan_row = by_name["Иван Петров"]
    assert ivan_row["phone"] == "+79123456789"
    assert ivan_row["tags"] == "VIP; allergy"
    assert ivan_row["notes"] == "'@cmd|' /C calc'!A0"
    assert ivan_row["visits"] == "0"


def test_export_bookings_csv_for_a_range(manager_api, restaurant, ivan, tomorrow):
    later = tomorrow + dt.timedelta(days=5)
    kept = booking_create(
        restaurant=restaurant, date=later, time_slot="12:00", client_name="Ольга", party_size=4
    )
    booking_set_status(booking=kept, status="cancelled")
    url = f"/restaurants/{restaurant.pk}/export/bookings.csv"
    rows = _csv(manager_api.get(f"{url}?from={tomorrow}&to={later}", HTTP_ACCEPT="text/csv"))
    assert [(r[1], r[3], r[4], r[7]) for r in rows[1:]] == [
        (tomorrow.isoformat(), "Иван Петров", "2", "confirmed"),
        (later.isoformat(), "Ольга", "4", "cancelled"),
    ]
    only_later = _csv(manager_api.get(f"{url}?from={later}&to={later}"))
    assert [r[3] for r in only_later[1:]] == ["Ольга"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("from=2025-13-01", "from"), ("to=tomorrow", "to"), ("from=2025-02-01&to=2025-01-01", "to")],
)
def test_export_bad_dates_are_a_400_in_json(manager_api, restaurant, query, field):
    response = manager_api.get(
        f"/restaurants/{restaurant.pk}/export/bookings.csv?{query}", HTTP_ACCEPT="text/csv"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert field in response.json()["errors"]


def test_exports_are_for_the_restaurants_managers(
    host_api, manager_api, restaurant, other_restaurant, anon_api
):
    for path in ("guests.csv", "bookings.csv"):
        assert host_api.get(f"/restaurants/{restaurant.pk}/export/{path}").status_code == 403
        assert (
            manager_api.get(f"/restaurants/{other_restaurant.pk}/export/{path}").status_code == 404
        )
        assert anon_api.get(f"/restaurants/{restaurant.pk}/export/{path}").status_code == 401


def test_a_manager_elsewhere_is_a_host_here(restaurant, other_restaurant, ivan):
    user = make_user("both", restaurant=other_restaurant, role="manager")
    from restaurants.models import Membership

    Membership.objects.create(user=user, restaurant=restaurant, role="host")
    client = api_client_for(user)
    assert client.delete(f"/guests/{ivan.pk}").status_code == 403
    assert client.get(f"/guests/{ivan.pk}").status_code == 200
