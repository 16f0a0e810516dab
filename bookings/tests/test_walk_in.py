"""Walk-ins: one action seats a party now at the best free table for its visit length."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from bookings.exceptions import BookingInvalid, SlotFull
from bookings.models import Booking, BookingTable
from bookings.services import booking_create, booking_walk_in
from bookings.tests.floors import describe_floor

DAY = dt.date(2030, 6, 12)


@pytest.fixture
def evening(restaurant):
    """19:10 on DAY in the restaurant, the clock stopped."""
    with time_machine.travel(
        dt.datetime.combine(DAY, dt.time(19, 10), tzinfo=restaurant.tz), tick=False
    ):
        yield


def tables_of(booking) -> list[str]:
    return sorted(
        BookingTable.objects.filter(booking=booking).values_list("table__name", flat=True)
    )


def test_walk_in_is_seated_now_at_the_best_fit_for_its_visit(restaurant, evening):
    describe_floor(restaurant)
    booking = booking_walk_in(restaurant=restaurant, party_size=3)
    assert booking.status == Booking.Status.SEATED
    assert booking.source == Booking.Source.WALK_IN
    assert booking.client_name == "Walk-in"
    assert (booking.date, booking.time_slot) == (DAY, "19:00")
    local = booking.starts_at.astimezone(restaurant.tz)
    assert (local.hour, local.minute) == (19, 10)
    assert booking.ends_at - booking.starts_at == dt.timedelta(minutes=120)
    assert tables_of(booking) == ["H4"]


def test_walk_in_skips_a_table_booked_before_its_visit_ends(restaurant, evening):
    describe_floor(restaurant)
    # H4 is booked from 20:00: a 2-hour visit from 19:10 would run into it.
    booking_create(
        restaurant=restaurant, date=DAY, time_slot="20:00", client_name="Later", party_size=4
    )
    walk_in = booking_walk_in(restaurant=restaurant, party_size=4, client_name="Ivan")
    assert tables_of(walk_in) == ["T6"]
    assert walk_in.client_name == "Ivan"


def test_walk_in_with_nothing_free_is_refused_and_writes_nothing(restaurant, evening):
    describe_floor(restaurant)
    booking_walk_in(restaurant=restaurant, party_size=6)  # T6
    booking_walk_in(restaurant=restaurant, party_size=4)  # H4
    booking_walk_in(restaurant=restaurant, party_size=2)  # H1
    booking_walk_in(restaurant=restaurant, party_size=2)  # H2
    before = Booking.objects.count()
    with pytest.raises(SlotFull) as exc:
        booking_walk_in(restaurant=restaurant, party_size=2)
    assert str(exc.value) == "No table is free now for 2."
    assert Booking.objects.count() == before


def test_walk_in_on_the_v1_floor_takes_one_of_the_slots_tables(restaurant, evening):
    for n in range(4):
        booking_create(restaurant=restaurant, date=DAY, time_slot="19:00", client_name=f"G{n}")
    walk_in = booking_walk_in(restaurant=restaurant, party_size=2)
    assert walk_in.ends_at.astimezone(restaurant.tz).time() == dt.time(20, 0)
    with pytest.raises(SlotFull):
        booking_walk_in(restaurant=restaurant, party_size=2)


def test_walk_in_outside_the_hours_is_refused(restaurant):
    morning = dt.datetime.combine(DAY, dt.time(9, 0), tzinfo=restaurant.tz)
    with time_machine.travel(morning), pytest.raises(BookingInvalid) as exc:
        booking_walk_in(restaurant=restaurant, party_size=2)
    assert exc.value.field == "time_slot"
    assert Booking.objects.count() == 0


@pytest.mark.parametrize(("size", "field"), [(0, "party_size"), (51, "party_size")])
def test_walk_in_with_a_bad_party_size_is_refused(restaurant, evening, size, field):
    with pytest.raises(BookingInvalid) as exc:
        booking_walk_in(restaurant=restaurant, party_size=size)
    assert exc.value.field == field
    assert Booking.objects.count() == 0


def test_completing_early_frees_the_table_for_the_next_walk_in(restaurant, evening):
    from bookings.services import booking_set_status

    describe_floor(restaurant)
    parties = [booking_walk_in(restaurant=restaurant, party_size=n) for n in (6, 4, 2, 2)]
    with pytest.raises(SlotFull):
        booking_walk_in(restaurant=restaurant, party_size=2)
    booking_set_status(booking=parties[2], status=Booking.Status.COMPLETED)  # H1 leaves
    assert parties[2].ends_at.astimezone(restaurant.tz).time() == dt.time(19, 10)
    after = booking_walk_in(restaurant=restaurant, party_size=2, client_name="Next")
    assert tables_of(after) == ["H1"]
    # Undoing that completion needs H1 again: it is taken now.
    with pytest.raises(SlotFull):
        booking_set_status(booking=parties[2], status=Booking.Status.SEATED)
    assert Booking.objects.get(pk=parties[2].pk).status == Booking.Status.COMPLETED


def test_undoing_a_completion_gives_the_visit_back(restaurant, evening):
    from bookings.services import booking_set_status

    describe_floor(restaurant)
    party = booking_walk_in(restaurant=restaurant, party_size=2)
    booking_set_status(booking=party, status=Booking.Status.COMPLETED)
    booking_set_status(booking=party, status=Booking.Status.SEATED)
    party.refresh_from_db()
    assert party.ends_at - party.starts_at == dt.timedelta(minutes=90)
    assert tables_of(party) == ["H1"]
