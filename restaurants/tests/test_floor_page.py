"""The floor on the Settings page: managers describe tables, visit lengths and pacing."""

from __future__ import annotations

import pytest
from django.utils import translation

from bookings.services import booking_create
from restaurants.models import Table, VisitLength

FLOOR = "/app/settings/floor/"


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def floor_data(tables=(), visits=(), pacing="", initial_tables=0, initial_visits=0) -> dict:
    """The floor form as the page posts it: rows of tables and visit lengths, and pacing."""
    data = {
        "tables-TOTAL_FORMS": str(len(tables)),
        "tables-INITIAL_FORMS": str(initial_tables),
        "visits-TOTAL_FORMS": str(len(visits)),
        "visits-INITIAL_FORMS": str(initial_visits),
        "pacing_covers": pacing,
    }
    for prefix, rows in (("tables", tables), ("visits", visits)):
        for n, row in enumerate(rows):
            data.update({f"{prefix}-{n}-{field}": value for field, value in row.items()})
    return data


def table_row(name, max_seats, *, min_seats=1, position=0, group="", area="", **extra) -> dict:
    return {
        "name": name,
        "min_seats": str(min_seats),
        "max_seats": str(max_seats),
        "area": area,
        "combination_group": group,
        "position": str(position),
        "is_active": "on",
        **extra,
    }


def test_a_manager_describes_the_floor(manager_client, restaurant):
    response = manager_client.post(
        FLOOR,
        floor_data(
            tables=[
                table_row("Window 1", 2, group="window", area="hall"),
                table_row("Window 2", 2, group="window", area="hall", position=1),
                table_row("", 2),  # the empty row, as the page sends it, adds nothing
            ],
            visits=[{"up_to_party": "2", "minutes": "90"}, {"up_to_party": "", "minutes": "150"}],
            pacing="12",
        ),
        follow=True,
    )
    assert "Floor saved." in response.content.decode()
    assert list(restaurant.tables.values_list("name", "combination_group")) == [
        ("Window 1", "window"),
        ("Window 2", "window"),
    ]
    assert list(restaurant.visit_lengths.values_list("up_to_party", "minutes")) == [
        (2, 90),
        (None, 150),
    ]
    restaurant.refresh_from_db()
    assert restaurant.pacing_covers == 12
    page = manager_client.get("/app/settings/").content.decode()
    assert 'value="Window 2"' in page


def test_a_wrong_row_is_named_and_nothing_is_saved(manager_client, restaurant):
    response = manager_client.post(
        FLOOR,
        floor_data(tables=[table_row("A", 2), table_row("B", 2, min_seats=4)], pacing="0"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The fewest guests cannot be more than the most." in page
    assert "Ensure this value is greater than or equal to 1." in page
    assert not Table.objects.exists()


def test_two_tables_of_one_name_are_refused(manager_client, restaurant):
    Table.objects.create(restaurant=restaurant, name="T1", max_seats=2)
    response = manager_client.post(FLOOR, floor_data(tables=[table_row("t1", 4)]))
    assert "Another table is already called t1." in response.content.decode()
    assert Table.objects.count() == 1


def test_a_table_held_by_a_booking_to_come_stays(manager_client, restaurant, tomorrow):
    table = Table.objects.create(restaurant=restaurant, name="T1", max_seats=4)
    booking_create(restaurant=restaurant, date=tomorrow, time_slot="19:00", client_name="Anna")
    row = table_row("T1", 4, id=str(table.pk), DELETE="on")
    response = manager_client.post(FLOOR, floor_data(tables=[row], initial_tables=1))
    assert "Table T1 is held by bookings still to come" in response.content.decode()
    assert Table.objects.filter(pk=table.pk).exists()


def test_hosts_read_the_floor_and_cannot_change_it(host_client, restaurant):
    Table.objects.create(restaurant=restaurant, name="Bar 1", max_seats=1, area="bar")
    page = host_client.get("/app/settings/").content.decode()
    assert 'data-testid="floor-tables"' in page
    assert "Bar 1" in page and "1–1 guests · bar" in page
    response = host_client.post(FLOOR, floor_data(tables=[table_row("New", 2)]))
    assert response.status_code == 403
    assert list(Table.objects.values_list("name", flat=True)) == ["Bar 1"]
    assert not VisitLength.objects.exists()
