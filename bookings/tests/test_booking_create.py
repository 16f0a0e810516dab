from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from bookings.availability import MAX_DAYS_AHEAD, slots_for_day_uncached
from bookings.exceptions import BookingInvalid, SlotFull
from bookings.models import Booking, Guest
from bookings.services import booking_create


def book(restaurant, date, time_slot="18:00", client_name="Иван", **extra) -> Booking:
    return booking_create(
        restaurant=restaurant, date=date, time_slot=time_slot, client_name=client_name, **extra
    )


def slot(restaurant, date, time="18:00") -> dict:
    return next(
        s for s in slots_for_day_uncached(restaurant=restaurant, date=date) if s["time"] == time
    )


def test_booking_takes_a_table_and_keeps_the_details(restaurant, tomorrow, host):
    booking = book(
        restaurant,
        tomorrow,
        client_name="  Anna   Petrova ",
        party_size=4,
        phone="+7 912 345-67-89",
        email="anna@example.com",
        notes="Window, please",
        source=Booking.Source.API,
        created_by=host,
    )
    booking.refresh_from_db()
    assert booking.client_name == "Anna Petrova"
    assert (booking.party_size, booking.phone, booking.status) == (4, "+79123456789", "confirmed")
    assert (booking.source, booking.created_by) == ("api", host)
    assert slot(restaurant, tomorrow) == {"time": "18:00", "booked": 1, "free": 4}


def test_slots_list_every_slot_of_the_day_in_order(restaurant, tomorrow):
    book(restaurant, tomorrow, "12:00")
    book(restaurant, tomorrow, "22:00")
    slots = slots_for_day_uncached(restaurant=restaurant, date=tomorrow)
    assert [s["time"] for s in slots] == restaurant.slot_times()
    assert slots[0] == {"time": "12:00", "booked": 1, "free": 4}
    assert slots[-1] == {"time": "22:00", "booked": 1, "free": 4}
    assert all(s["booked"] == 0 for s in slots[1:-1])


def test_full_slot_refuses_and_writes_nothing(restaurant, tomorrow):
    for n in range(5):
        book(restaurant, tomorrow, client_name=f"Guest {n}")
    with pytest.raises(SlotFull, match="18:00"):
        book(restaurant, tomorrow, client_name="One too many")
    assert Booking.objects.filter(restaurant=restaurant).count() == 5
    assert slot(restaurant, tomorrow) == {"time": "18:00", "booked": 5, "free": 0}


def test_override_sets_the_days_tables(restaurant, tomorrow):
    restaurant.table_overrides.create(date=tomorrow, table_count=1)
    book(restaurant, tomorrow)
    with pytest.raises(SlotFull):
        book(restaurant, tomorrow, client_name="Second")
    assert slot(restaurant, tomorrow) == {"time": "18:00", "booked": 1, "free": 0}


def test_override_of_zero_closes_the_day(restaurant, tomorrow):
    restaurant.table_overrides.create(date=tomorrow, table_count=0)
    with pytest.raises(SlotFull):
        book(restaurant, tomorrow)


@pytest.mark.parametrize(
    ("time_slot", "client_name", "extra", "field"),
    [
        ("18:30", "Anna", {}, "time_slot"),
        ("11:00", "Anna", {}, "time_slot"),
        ("23:00", "Anna", {}, "time_slot"),
        ("6pm", "Anna", {}, "time_slot"),
        ("18:00", "", {}, "client_name"),
        ("18:00", "   \t ", {}, "client_name"),
        ("18:00", "x" * 101, {}, "client_name"),
        ("18:00", "Anna", {"party_size": 0}, "party_size"),
        ("18:00", "Anna", {"party_size": 51}, "party_size"),
        ("18:00", "Anna", {"phone": "not a phone"}, "phone"),
        ("18:00", "Anna", {"phone": "123"}, "phone"),
        ("18:00", "Anna", {"email": "anna@"}, "email"),
        ("18:00", "Anna", {"notes": "n" * 1001}, "notes"),
    ],
)
def test_invalid_booking_names_the_field_and_writes_nothing(
    restaurant, tomorrow, time_slot, client_name, extra, field
):
    with pytest.raises(BookingInvalid) as exc:
        book(restaurant, tomorrow, time_slot, client_name, **extra)
    assert list(exc.value.message_dict) == [field]
    assert not Booking.objects.exists()
    assert not Guest.objects.filter(restaurant=restaurant).exists()


def test_name_of_exactly_100_characters_is_accepted(restaurant, tomorrow):
    assert len(book(restaurant, tomorrow, client_name="я" * 100).client_name) == 100


def test_past_date_is_refused(restaurant):
    with pytest.raises(BookingInvalid) as exc:
        book(restaurant, restaurant.today() - dt.timedelta(days=1))
    assert "date" in exc.value.message_dict


def test_far_future_is_refused(restaurant):
    with pytest.raises(BookingInvalid):
        book(restaurant, restaurant.today() + dt.timedelta(days=MAX_DAYS_AHEAD + 1))


def test_todays_slots_close_as_they_end_in_the_restaurants_time_zone(restaurant):
    # 15:30 UTC is 18:30 in Moscow.
    with time_machine.travel(dt.datetime(2030, 3, 1, 15, 30, tzinfo=dt.UTC), tick=False):
        today = dt.date(2030, 3, 1)
        with pytest.raises(BookingInvalid):
            book(restaurant, today, "17:00")
        assert book(restaurant, today, "18:00").pk  # a walk-in while the slot runs
        assert book(restaurant, today, "19:00").pk


def test_midnight_in_moscow_is_still_yesterday_in_london(db):
    from restaurants.models import Restaurant

    london = Restaurant.objects.create(name="London", time_zone="Europe/London")
    # 21:30 UTC on 1 March is 00:30 on 2 March in Moscow, still 21:30 on 1 March in London.
    with time_machine.travel(dt.datetime(2030, 3, 1, 21, 30, tzinfo=dt.UTC), tick=False):
        assert book(london, dt.date(2030, 3, 1), "22:00").pk
        moscow = Restaurant.objects.create(name="Moscow", time_zone="Europe/Moscow")
        with pytest.raises(BookingInvalid):
            book(moscow, dt.date(2030, 3, 1), "22:00")


@pytest.mark.parametrize("phone", ["+7 912 345-67-89", "89123456789", "8 (912) 345 67 89"])
def test_guest_is_linked_by_phone_across_formats(restaurant, tomorrow, phone):
    first = book(restaurant, tomorrow, "12:00", "Anna", phone="+79123456789")
    again = book(restaurant, tomorrow, "13:00", "Anna P.", phone=phone)
    assert again.guest_id == first.guest_id
    assert Guest.objects.get(pk=first.guest_id).phone == "+79123456789"


def test_guests_are_per_restaurant(restaurant, other_restaurant, tomorrow):
    a = book(restaurant, tomorrow, phone="89123456789")
    b = book(other_restaurant, tomorrow, phone="89123456789")
    assert a.guest.restaurant == restaurant
    assert b.guest.restaurant == other_restaurant


def test_without_phone_guest_is_linked_only_by_an_unambiguous_name(restaurant, tomorrow):
    assert book(restaurant, tomorrow, "12:00", "Anna").guest is None
    anna = Guest.objects.create(restaurant=restaurant, name="Anna", phone="+79120000001")
    assert book(restaurant, tomorrow, "13:00", "anna").guest == anna
    Guest.objects.create(restaurant=restaurant, name="Anna", phone="+79120000002")
    assert book(restaurant, tomorrow, "14:00", "Anna").guest is None


def test_a_name_is_matched_whole_whatever_its_case_never_as_a_pattern(restaurant, tomorrow):
    anna = Guest.objects.create(restaurant=restaurant, name="Anna", phone="+79120000001")
    odd = Guest.objects.create(restaurant=restaurant, name="Jo_n 100%", phone="+79120000002")
    assert book(restaurant, tomorrow, "12:00", "ANNA").guest == anna
    assert book(restaurant, tomorrow, "13:00", "A_na").guest is None
    assert book(restaurant, tomorrow, "14:00", "An%").guest is None
    assert book(restaurant, tomorrow, "15:00", "jo_n 100%").guest == odd
    assert book(restaurant, tomorrow, "16:00", "Jon 100").guest is None
    loaded = book(restaurant, tomorrow, "17:00", "Jo_N 100%").guest
    assert (loaded.pk, loaded.name, loaded.phone, loaded.tags) == (odd.pk, odd.name, odd.phone, [])


def test_a_booking_is_six_statements_under_the_lock(restaurant, tomorrow):
    """The lock, which also reads whether the floor is described (SQLite's transaction holds
    its own lock, and reads only that), one read of the slot's bookings and the day's tables,
    the guest lookup, the insert, its audit entry and its outbox event: nothing more runs per
    booking on the v1 floor."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    restaurant.table_overrides.create(date=tomorrow, table_count=1)
    ContentType.objects.get_for_model(Booking)  # the audit log's lookup, cached per process
    with CaptureQueriesContext(connection) as queries:
        book(restaurant, tomorrow)
    statements = [
        q["sql"] for q in queries if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert len(statements) == 6, "\n".join(s[:150] for s in statements)
    # The override of 1 table is read with the count: the slot is now full.
    with pytest.raises(SlotFull):
        book(restaurant, tomorrow, client_name="Пётр")
