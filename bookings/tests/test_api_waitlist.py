"""The waitlist and walk-in API."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from bookings.models import Booking, WaitlistEntry
from bookings.services import booking_walk_in
from bookings.tests.floors import describe_floor
from bookings.waitlist.services import waitlist_add
from conftest import api_client_for

DAY = dt.date(2030, 6, 12)


@pytest.fixture
def evening(restaurant):
    """19:10 on DAY in the restaurant, the clock running. Ask for it before any API client."""
    with time_machine.travel(dt.datetime.combine(DAY, dt.time(19, 10), tzinfo=restaurant.tz)):
        yield DAY


@pytest.fixture
def api(evening, host):
    return api_client_for(host)


def test_add_list_and_read_an_entry(api, restaurant):
    describe_floor(restaurant)
    for party in (6, 4, 2, 2):
        booking_walk_in(restaurant=restaurant, party_size=party)
    response = api.post(
        f"/restaurants/{restaurant.pk}/waitlist",
        {"name": "Olga", "party_size": 2, "phone": "+7 912 345-67-89"},
        format="json",
    )
    assert response.status_code == 201, response.content
    entry = response.json()
    assert response["Location"] == f"/waitlist/{entry['id']}"
    assert (entry["status"], entry["quoted_minutes"], entry["waited_minutes"]) == ("waiting", 90, 0)
    assert entry["phone"] == "+79123456789" and entry["date"] == DAY.isoformat()
    listed = api.get(f"/restaurants/{restaurant.pk}/waitlist").json()
    assert listed["date"] == DAY.isoformat()
    assert [e["name"] for e in listed["waitlist"]] == ["Olga"]
    assert api.get(f"/waitlist/{entry['id']}").json()["name"] == "Olga"


def test_seat_from_the_list_answers_the_walk_in_booking(api, restaurant):
    entry = waitlist_add(restaurant=restaurant, name="Olga", party_size=3)
    response = api.post(f"/waitlist/{entry.pk}/seat")
    assert response.status_code == 201, response.content
    booking = response.json()
    assert (booking["status"], booking["source"], booking["party_size"]) == ("seated", "walk_in", 3)
    assert api.get(f"/waitlist/{entry.pk}").json()["booking_id"] == booking["id"]
    again = api.post(f"/waitlist/{entry.pk}/seat")
    assert again.status_code == 400
    assert "no longer waiting" in again.json()["detail"]


def test_seat_with_no_table_free_answers_409_and_changes_nothing(api, restaurant):
    for _ in range(restaurant.default_table_count):
        booking_walk_in(restaurant=restaurant, party_size=2)
    entry = waitlist_add(restaurant=restaurant, name="Olga", party_size=2)
    response = api.post(f"/waitlist/{entry.pk}/seat")
    assert response.status_code == 409
    assert response.json()["detail"]
    entry.refresh_from_db()
    assert entry.status == "waiting" and entry.booking is None


def test_patch_marks_left_and_delete_removes(api, restaurant):
    entry = waitlist_add(restaurant=restaurant, name="Olga", party_size=2)
    response = api.patch(
        f"/waitlist/{entry.pk}", {"status": "left", "notes": "Tired"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["notes"]) == ("left", "Tired")
    assert api.delete(f"/waitlist/{entry.pk}").status_code == 204
    assert not WaitlistEntry.objects.exists()
    assert api.get(f"/waitlist/{entry.pk}").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "party_size": 2}, "name"),
        ({"name": "Olga", "party_size": 0}, "party_size"),
        ({"name": "Olga", "party_size": "2"}, "party_size"),
        ({"name": "Olga"}, "party_size"),
        ({"name": "Olga", "party_size": 2, "phone": "call me"}, "phone"),
        ({"name": 5, "party_size": 2}, "name"),
    ],
)
def test_bad_waitlist_input_answers_400_naming_the_field(api, restaurant, body, field):
    response = api.post(f"/restaurants/{restaurant.pk}/waitlist", body, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}: ")
    assert not WaitlistEntry.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"), [({"status": "seated"}, "status"), ({"party_size": 99}, "party_size")]
)
def test_bad_patch_answers_400_and_changes_nothing(api, restaurant, body, field):
    entry = waitlist_add(restaurant=restaurant, name="Olga", party_size=2)
    response = api.patch(f"/waitlist/{entry.pk}", body, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}: ")
    entry.refresh_from_db()
    assert (entry.status, entry.party_size) == ("waiting", 2)


def test_walk_in_api_seats_now(api, restaurant):
    describe_floor(restaurant)
    response = api.post(f"/restaurants/{restaurant.pk}/walk-ins", {"party_size": 3}, format="json")
    assert response.status_code == 201, response.content
    booking = response.json()
    assert (booking["client_name"], booking["status"], booking["source"]) == (
        "Walk-in",
        "seated",
        "walk_in",
    )
    assert [t["name"] for t in booking["tables"]] == ["H4"]
    assert response["Location"] == f"/bookings/{booking['id']}"


def test_walk_in_api_with_nothing_free_answers_409(api, restaurant):
    for _ in range(restaurant.default_table_count):
        booking_walk_in(restaurant=restaurant, party_size=2)
    response = api.post(f"/restaurants/{restaurant.pk}/walk-ins", {"party_size": 2}, format="json")
    assert response.status_code == 409
    assert Booking.objects.count() == restaurant.default_table_count


def test_another_restaurants_waitlist_answers_404_like_a_missing_one(api, other_restaurant):
    theirs = waitlist_add(restaurant=other_restaurant, name="Secret", party_size=2)
    missing = theirs.pk + 1000
    for path in (f"/waitlist/{theirs.pk}", f"/waitlist/{missing}"):
        assert api.get(path).status_code == 404
        assert api.patch(path, {"status": "left"}, format="json").status_code == 404
        assert api.delete(path).status_code == 404
        assert api.post(f"{path}/seat").status_code == 404
    for rid in (other_restaurant.pk, 999999):
        assert api.get(f"/restaurants/{rid}/waitlist").status_code == 404
        body = {"name": "X", "party_size": 2}
        assert api.post(f"/restaurants/{rid}/waitlist", body, format="json").status_code == 404
        walk = {"party_size": 2}
        assert api.post(f"/restaurants/{rid}/walk-ins", walk, format="json").status_code == 404
    assert WaitlistEntry.objects.get(pk=theirs.pk).status == "waiting"
    assert not Booking.objects.exists()
