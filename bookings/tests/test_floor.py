"""The seating engine through the booking core: a described floor, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from bookings.exceptions import BookingInvalid, SlotFull
from bookings.models import Booking, BookingTable
from bookings.services import booking_create, booking_set_status, booking_update
from restaurants.models import Table, TableCountOverride, VisitLength


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def floor(restaurant):
    """Two 2-tops and a 4-top in the hall (the 2-tops push together), a 6-top on the terrace;
    parties up to 2 stay 90 minutes, up to 4 two hours, larger ones 150 minutes."""
    tables = {
        "H1": Table.objects.create(
            restaurant=restaurant, name="H1", max_seats=2, combination_group="hall", position=1
        ),
        "H2": Table.objects.create(
            restaurant=restaurant, name="H2", max_seats=2, combination_group="hall", position=2
        ),
        "H4": Table.objects.create(
            restaurant=restaurant, name="H4", min_seats=3, max_seats=4, position=3
        ),
        "T6": Table.objects.create(
            restaurant=restaurant, name="T6", min_seats=4, max_seats=6, area="terrace", position=4
        ),
    }
    VisitLength.objects.create(restaurant=restaurant, up_to_party=2, minutes=90)
    VisitLength.objects.create(restaurant=restaurant, up_to_party=4, minutes=120)
    VisitLength.objects.create(restaurant=restaurant, up_to_party=None, minutes=150)
    return tables


def book(restaurant, date, time_slot="19:00", party_size=2, **extra) -> Booking:
    return booking_create(
        restaurant=restaurant,
        date=date,
        time_slot=time_slot,
        client_name="Anna",
        party_size=party_size,
        **extra,
    )


def names(booking: Booking) -> list[str]:
    return sorted(booking.tables.values_list("name", flat=True))


def local(booking: Booking, restaurant) -> tuple[str, str]:
    starts, ends = (t.astimezone(restaurant.tz) for t in (booking.starts_at, booking.ends_at))
    return f"{starts:%H:%M}", f"{ends:%H:%M}"


def test_a_party_gets_the_smallest_single_table_that_holds_it(restaurant, tomorrow, floor):
    assert names(book(restaurant, tomorrow, party_size=2)) == ["H1"]
    assert names(book(restaurant, tomorrow, party_size=2)) == ["H2"]
    assert names(book(restaurant, tomorrow, party_size=3)) == ["H4"]
    assert names(book(restaurant, tomorrow, party_size=5)) == ["T6"]


def test_the_visit_lasts_as_long_as_the_party_stays(restaurant, tomorrow, floor):
    assert local(book(restaurant, tomorrow, "18:00", party_size=2), restaurant) == (
        "18:00",
        "19:30",
    )
    assert local(book(restaurant, tomorrow, "18:00", party_size=4), restaurant) == (
        "18:00",
        "20:00",
    )
    assert local(book(restaurant, tomorrow, "18:00", party_size=6), restaurant) == (
        "18:00",
        "20:30",
    )


def test_a_visit_holds_its_table_across_the_following_slots(restaurant, tomorrow, floor):
    book(restaurant, tomorrow, "18:00", party_size=6)  # T6 until 20:30
    with pytest.raises(SlotFull) as refused:
        book(restaurant, tomorrow, "19:00", party_size=6)
    # 20:00 still overlaps the 18:00 visit; 21:00 and 22:00 are the nearest free times.
    assert str(refused.value) == "No table for 6 at 19:00; free for 6 at 21:00 and 22:00."
    assert names(book(restaurant, tomorrow, "21:00", party_size=6)) == ["T6"]


def test_pushed_together_tables_seat_a_party_no_single_table_holds(restaurant, tomorrow, floor):
    book(restaurant, tomorrow, party_size=4)  # H4
    book(restaurant, tomorrow, party_size=5)  # T6
    together = book(restaurant, tomorrow, party_size=4)
    assert names(together) == ["H1", "H2"]
    assert BookingTable.objects.filter(booking=together).count() == 2


def test_tables_of_no_group_are_never_pushed_together(restaurant, tomorrow, floor):
    Table.objects.filter(pk__in=[floor["H1"].pk, floor["H2"].pk]).update(combination_group="")
    book(restaurant, tomorrow, party_size=4)
    book(restaurant, tomorrow, party_size=6)
    with pytest.raises(SlotFull, match="No table for 4 at 19:00"):
        book(restaurant, tomorrow, party_size=4)


def test_a_party_larger_than_the_floor_is_refused_with_no_alternative(restaurant, tomorrow, floor):
    with pytest.raises(SlotFull) as refused:
        book(restaurant, tomorrow, party_size=20)
    assert str(refused.value) == "No table for 20 at 19:00, nor at another time that day."
    assert not Booking.objects.exists()


def test_pacing_limits_the_guests_starting_at_one_time(restaurant, tomorrow, floor):
    restaurant.pacing_covers = 6
    restaurant.save()
    book(restaurant, tomorrow, party_size=4)
    with pytest.raises(SlotFull, match="At most 6 guests may start at 19:00"):
        book(restaurant, tomorrow, party_size=3)
    assert names(book(restaurant, tomorrow, party_size=2)) == ["H1"]
    assert names(book(restaurant, tomorrow, "21:00", party_size=3)) == ["H4"]


def test_a_host_picks_tables_and_the_engine_checks_them(restaurant, tomorrow, floor):
    picked = book(
        restaurant, tomorrow, party_size=2, table_ids=[floor["T6"].pk], override_size=True
    )
    assert names(picked) == ["T6"]
    with pytest.raises(SlotFull, match="Table T6 is taken"):
        book(restaurant, tomorrow, "20:00", party_size=5, table_ids=[floor["T6"].pk])
    with pytest.raises(BookingInvalid, match="Too few seats at H1"):
        book(restaurant, tomorrow, party_size=3, table_ids=[floor["H1"].pk])
    with pytest.raises(BookingInvalid, match="Table H4 is for larger parties"):
        book(restaurant, tomorrow, party_size=2, table_ids=[floor["H4"].pk])
    with pytest.raises(BookingInvalid, match="cannot be pushed together"):
        book(restaurant, tomorrow, party_size=5, table_ids=[floor["H1"].pk, floor["H4"].pk])
    with pytest.raises(BookingInvalid, match="No such table"):
        book(restaurant, tomorrow, table_ids=[999_999])
    assert Booking.objects.count() == 1


def test_a_move_rechecks_the_new_visit_excluding_itself(restaurant, tomorrow, floor):
    six = book(restaurant, tomorrow, "18:00", party_size=6)  # T6 18:00-20:30
    late = book(restaurant, tomorrow, "21:00", party_size=5)  # T6 21:00-23:30
    with pytest.raises(SlotFull, match="No table for 5 at 20:00"):
        booking_update(booking=late, time_slot="20:00")
    late.refresh_from_db()
    assert (late.time_slot, local(late, restaurant)) == ("21:00", ("21:00", "23:30"))
    # Moving over its own visit: the booking does not block itself.
    moved = booking_update(booking=six, time_slot="17:00")
    assert (names(moved), local(moved, restaurant)) == (["T6"], ("17:00", "19:30"))
    later = booking_update(booking=late, time_slot="20:00")
    assert (names(later), local(later, restaurant)) == (["T6"], ("20:00", "22:30"))


def test_a_larger_party_moves_to_a_table_that_holds_it(restaurant, tomorrow, floor):
    booking = book(restaurant, tomorrow, party_size=2)
    assert names(booking) == ["H1"]
    grown = booking_update(booking=booking, party_size=4)
    assert names(grown) == ["H4"]
    assert local(grown, restaurant) == ("19:00", "21:00")
    assert [t["name"] for t in grown.tables.values("name")] == ["H4"]


def test_a_cancel_frees_the_table_and_undoing_it_takes_a_free_one(restaurant, tomorrow, floor):
    first = book(restaurant, tomorrow, party_size=6)
    booking_set_status(booking=first, status=Booking.Status.CANCELLED)
    assert list(BookingTable.objects.filter(booking=first).values_list("active", flat=True)) == [
        False
    ]
    second = book(restaurant, tomorrow, party_size=6)
    assert names(second) == ["T6"]
    with pytest.raises(SlotFull):
        booking_set_status(booking=first, status=Booking.Status.CONFIRMED)
    booking_set_status(booking=second, status=Booking.Status.CANCELLED)
    back = booking_set_status(booking=first, status=Booking.Status.CONFIRMED)
    assert back.status == Booking.Status.CONFIRMED
    assert names(back) == ["T6"]


def test_a_date_override_keeps_the_first_tables_open(restaurant, tomorrow, floor):
    TableCountOverride.objects.create(restaurant=restaurant, date=tomorrow, table_count=2)
    with pytest.raises(SlotFull):
        book(restaurant, tomorrow, party_size=5)  # T6 is fourth in order: closed that day
    assert names(book(restaurant, tomorrow, party_size=3)) == ["H1", "H2"]  # H4 is closed too


def test_an_undescribed_floor_books_identical_tables_for_one_slot(restaurant, tomorrow):
    bookings = [book(restaurant, tomorrow, party_size=40) for _ in range(5)]
    assert [names(b) for b in bookings] == [[]] * 5
    assert local(bookings[0], restaurant) == ("19:00", "20:00")
    with pytest.raises(SlotFull, match="No free tables at 19:00"):
        book(restaurant, tomorrow)
    assert book(restaurant, tomorrow, "20:00").pk
    with pytest.raises(BookingInvalid, match="not described"):
        book(restaurant, tomorrow, "21:00", table_ids=[1])


def test_slots_count_the_tables_visits_hold_at_each_start(host_api, restaurant, tomorrow, floor):
    book(restaurant, tomorrow, "18:00", party_size=6)  # T6 18:00-20:30
    book(restaurant, tomorrow, "19:00", party_size=2)  # H1 19:00-20:30
    slots = host_api.get(f"/bookings/{restaurant.pk}/{tomorrow}").json()["slots"]
    by_time = {s["time"]: (s["booked"], s["free"]) for s in slots}
    assert (by_time["18:00"], by_time["19:00"], by_time["20:00"], by_time["21:00"]) == (
        (1, 3),
        (2, 2),
        (2, 2),
        (0, 4),
    )
    assert "available" not in slots[0]


def test_slots_for_a_party_size_say_where_it_could_book(
    host_api, restaurant, tomorrow, floor, django_capture_on_commit_callbacks
):
    book(restaurant, tomorrow, "18:00", party_size=6)  # T6 18:00-20:30
    url = f"/bookings/{restaurant.pk}/{tomorrow}"
    six = {s["time"]: s["available"] for s in host_api.get(f"{url}?party_size=6").json()["slots"]}
    two = {s["time"]: s["available"] for s in host_api.get(f"{url}?party_size=2").json()["slots"]}
    assert (six["17:00"], six["18:00"], six["20:00"], six["21:00"]) == (False, False, False, True)
    assert all(two.values())
    # Cached per party size, and forgotten once the next booking commits.
    with django_capture_on_commit_callbacks(execute=True):
        book(restaurant, tomorrow, "21:00", party_size=6)
    six = {s["time"]: s["available"] for s in host_api.get(f"{url}?party_size=6").json()["slots"]}
    assert (six["21:00"], six["22:00"]) == (False, False)


def test_a_party_size_read_costs_no_query_per_slot(
    host_api, restaurant, tomorrow, floor, django_assert_max_num_queries
):
    """The user, the restaurant, the day's counts, the tables, the visit lengths, the visits."""
    for time_slot in ("12:00", "15:00", "18:00", "21:00"):
        book(restaurant, tomorrow, time_slot, party_size=2)
    with django_assert_max_num_queries(6):
        response = host_api.get(f"/bookings/{restaurant.pk}/{tomorrow}?party_size=4")
    assert len(response.json()["slots"]) == 11


@pytest.mark.parametrize("value", ["0", "51", "abc", "2.5"])
def test_a_bad_party_size_answers_400_naming_it(host_api, restaurant, tomorrow, value):
    response = host_api.get(f"/bookings/{restaurant.pk}/{tomorrow}?party_size={value}")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("party_size:")


@pytest.mark.postgres
def test_the_database_refuses_a_double_booked_table_past_the_service(restaurant, tomorrow, floor):
    """A row written around the engine, as a bug would: PostgreSQL itself refuses it."""
    first = book(restaurant, tomorrow, "18:00", party_size=6)  # T6 18:00-20:30
    other = book(restaurant, tomorrow, "19:00", party_size=2)  # H1
    held = BookingTable.objects.get(booking=first)
    with (
        pytest.raises(IntegrityError, match="booked_table_no_overlap"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO bookings_bookingtable (booking_id, table_id, starts_at, ends_at,"
            " active) VALUES (%s, %s, %s, %s, true)",
            [other.pk, held.table_id, held.starts_at + dt.timedelta(hours=1), held.ends_at],
        )
    # Touching ends do not overlap; an inactive row holds nothing.
    BookingTable.objects.create(
        booking=other,
        table_id=held.table_id,
        starts_at=held.ends_at,
        ends_at=held.ends_at + dt.timedelta(minutes=30),
    )
    BookingTable.objects.filter(pk=held.pk).update(active=False)
    third = book(restaurant, tomorrow, "12:00", party_size=2)
    BookingTable.objects.create(
        booking=third, table_id=held.table_id, starts_at=held.starts_at, ends_at=held.ends_at
    )
    assert BookingTable.objects.filter(table_id=held.table_id, active=True).count() == 2


@pytest.mark.postgres
def test_a_constraint_refusal_answers_409_not_500(
    manager_api, restaurant, tomorrow, floor, monkeypatch
):
    """Were the engine to miss a visit, the constraint's refusal is a clear 409."""
    from bookings.availability import seating

    book(restaurant, tomorrow, "18:00", party_size=6)
    monkeypatch.setattr(seating, "busy_tables", lambda *args, **kwargs: set())
    response = manager_api.post(
        "/bookings",
        {
            "restaurant_id": restaurant.pk,
            "date": tomorrow.isoformat(),
            "time_slot": "19:00",
            "client_name": "Boris",
            "party_size": 6,
        },
        format="json",
    )
    assert response.status_code == 409
    assert "taken at 19:00" in response.json()["detail"]
    assert Booking.objects.count() == 1
