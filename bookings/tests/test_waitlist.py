"""Today's waitlist: quoted waits from when tables free up, seating, leaving, removing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from bookings import availability
from bookings.exceptions import BookingInvalid, SlotFull
from bookings.models import Booking, WaitlistEntry
from bookings.services import booking_walk_in
from bookings.tests.floors import describe_floor
from bookings.waitlist.selectors import waitlist_for_day
from bookings.waitlist.services import (
    waitlist_add,
    waitlist_remove,
    waitlist_seat,
    waitlist_update,
)

DAY = dt.date(2030, 6, 12)


def at(restaurant, hh: int, mm: int):
    return time_machine.travel(
        dt.datetime.combine(DAY, dt.time(hh, mm), tzinfo=restaurant.tz), tick=False
    )


@pytest.fixture
def full_floor(restaurant):
    """At 19:10 every table is taken: T6 until 21:40, H4 until 21:10, H1 and H2 until 20:40."""
    describe_floor(restaurant)
    with at(restaurant, 19, 10):
        for party in (6, 4, 2, 2):
            booking_walk_in(restaurant=restaurant, party_size=party)
    return restaurant


@pytest.mark.parametrize(("party", "quote"), [(2, 90), (4, 90), (5, 150)])
def test_quote_is_when_a_table_frees_up_for_that_party(full_floor, party, quote):
    with at(full_floor, 19, 10):
        entry = waitlist_add(restaurant=full_floor, name="Olga", party_size=party)
    assert entry.quoted_minutes == quote
    assert entry.date == DAY and entry.status == WaitlistEntry.Status.WAITING


def test_parties_ahead_take_the_tables_that_free_up_first(full_floor):
    """Two 2-tops free at 20:40 (H1, H2). The first two parties of two take them; the third
    waits until the first of them leaves, 90 minutes later, at 22:10."""
    with at(full_floor, 19, 10):
        quotes = [
            waitlist_add(restaurant=full_floor, name=name, party_size=2).quoted_minutes
            for name in ("First", "Second", "Third")
        ]
    assert quotes == [90, 90, 180]


def test_a_four_behind_two_twos_waits_for_the_four_top(full_floor):
    """Alone, a party of four sits at H1+H2 pushed together at 20:40; with two parties of two
    ahead holding them, it waits for H4 at 21:10."""
    with at(full_floor, 19, 10):
        alone = availability.quoted_wait(restaurant=full_floor, party_size=4)
        for name in ("First", "Second"):
            waitlist_add(restaurant=full_floor, name=name, party_size=2)
        behind = waitlist_add(restaurant=full_floor, name="Four", party_size=4)
    assert (alone, behind.quoted_minutes) == (90, 120)


def test_parties_ahead_that_need_other_tables_do_not_delay_a_party(full_floor):
    """A six ahead waits for T6; a two behind it still gets the 2-top at 20:40."""
    with at(full_floor, 19, 10):
        six = waitlist_add(restaurant=full_floor, name="Six", party_size=6)
        two = waitlist_add(restaurant=full_floor, name="Two", party_size=2)
    assert (six.quoted_minutes, two.quoted_minutes) == (150, 90)


def test_parties_no_longer_waiting_are_not_ahead(full_floor):
    with at(full_floor, 19, 10):
        first = waitlist_add(restaurant=full_floor, name="First", party_size=2)
        second = waitlist_add(restaurant=full_floor, name="Second", party_size=2)
        waitlist_update(entry=first, status=WaitlistEntry.Status.LEFT)
        waitlist_remove(entry=second)
        third = waitlist_add(restaurant=full_floor, name="Third", party_size=2)
    assert third.quoted_minutes == 90


def test_a_party_that_never_fits_today_holds_no_table(full_floor):
    """A party of twelve fits nowhere: it is quoted none and the next party's quote is as if
    it were not there."""
    with at(full_floor, 19, 10):
        twelve = waitlist_add(restaurant=full_floor, name="Twelve", party_size=12)
        two = waitlist_add(restaurant=full_floor, name="Two", party_size=2)
    assert (twelve.quoted_minutes, two.quoted_minutes) == (None, 90)


def test_quote_is_zero_when_a_table_is_free(restaurant):
    describe_floor(restaurant)
    with at(restaurant, 19, 10):
        entry = waitlist_add(restaurant=restaurant, name="Olga", party_size=2)
    assert entry.quoted_minutes == 0


def test_quote_on_the_v1_floor_is_the_next_slot_with_a_table(restaurant):
    with at(restaurant, 19, 10):
        for _ in range(5):
            booking_walk_in(restaurant=restaurant, party_size=2)
        entry = waitlist_add(restaurant=restaurant, name="Olga", party_size=2)
    assert entry.quoted_minutes == 50  # the 20:00 slot


def test_list_by_arrival_with_waited_against_quoted(full_floor):
    with at(full_floor, 19, 10):
        first = waitlist_add(restaurant=full_floor, name="First", party_size=2)
    with at(full_floor, 19, 20):
        second = waitlist_add(restaurant=full_floor, name="Second", party_size=5)
    with at(full_floor, 20, 50):
        entries = waitlist_for_day(restaurant=full_floor, date=DAY)
    assert [e.name for e in entries] == ["First", "Second"]
    assert [(e.waited_minutes, e.quoted_minutes) for e in entries] == [(100, 90), (90, 140)]
    assert [e.over_quote for e in entries] == [True, False]
    assert (first.pk, second.pk) == (entries[0].pk, entries[1].pk)


def test_seating_from_the_list_makes_a_walk_in_when_a_table_is_free(full_floor):
    with at(full_floor, 19, 10):
        entry = waitlist_add(
            restaurant=full_floor, name="Olga", party_size=2, phone="+79123456789", notes="Window"
        )
        with pytest.raises(SlotFull):
            waitlist_seat(entry=entry)
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.WAITING and entry.booking is None
    with at(full_floor, 20, 45):
        booking = waitlist_seat(entry=entry)
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.SEATED and entry.booking == booking
    assert (booking.client_name, booking.party_size, booking.notes) == ("Olga", 2, "Window")
    assert booking.status == Booking.Status.SEATED
    assert booking.source == Booking.Source.WALK_IN
    assert booking.guest.phone == "+79123456789"
    with at(full_floor, 20, 46), pytest.raises(BookingInvalid):
        waitlist_seat(entry=entry)  # once only


def test_mark_left_and_back_and_remove(full_floor):
    with at(full_floor, 19, 10):
        entry = waitlist_add(restaurant=full_floor, name="Olga", party_size=2)
        waitlist_update(entry=entry, status="left")
        assert WaitlistEntry.objects.get(pk=entry.pk).status == "left"
        assert entry.resolved_at is not None
        with pytest.raises(BookingInvalid):
            waitlist_seat(entry=entry)
        waitlist_update(entry=entry, status="waiting", party_size=3)
        fresh = WaitlistEntry.objects.get(pk=entry.pk)
        assert (fresh.status, fresh.party_size, fresh.resolved_at) == ("waiting", 3, None)
        waitlist_remove(entry=entry)
    assert not WaitlistEntry.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " ", "party_size": 2}, "name"),
        ({"name": "Olga", "party_size": 0}, "party_size"),
        ({"name": "Olga", "party_size": 2, "phone": "call me"}, "phone"),
    ],
)
def test_bad_input_is_refused_naming_the_field(restaurant, fields, field):
    with pytest.raises(BookingInvalid) as exc:
        waitlist_add(restaurant=restaurant, **fields)
    assert exc.value.field == field
    assert not WaitlistEntry.objects.exists()


def test_admin_lists_the_waitlist_read_only(admin_client, restaurant):
    waitlist_add(restaurant=restaurant, name="Olga", party_size=2)
    page = admin_client.get("/admin/bookings/waitlistentry/")
    assert page.status_code == 200 and "Olga" in page.content.decode()
    assert admin_client.get("/admin/bookings/waitlistentry/add/").status_code == 403
