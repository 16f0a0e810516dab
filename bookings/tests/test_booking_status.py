from __future__ import annotations

import pytest

from bookings.availability import slots_for_day_uncached
from bookings.exceptions import BookingInvalid, SlotFull
from bookings.models import Booking
from bookings.selectors import bookings_for_day
from bookings.services import booking_cancel, booking_create, booking_set_status, booking_update

S = Booking.Status


def book(restaurant, date, time_slot="18:00", name="Anna") -> Booking:
    return booking_create(restaurant=restaurant, date=date, time_slot=time_slot, client_name=name)


def free(restaurant, date, time="18:00") -> int:
    return next(
        s["free"]
        for s in slots_for_day_uncached(restaurant=restaurant, date=date)
        if s["time"] == time
    )


def fill(restaurant, date, time_slot="18:00") -> list[Booking]:
    return [book(restaurant, date, time_slot, f"Guest {n}") for n in range(5)]


def test_cancelling_frees_the_table(restaurant, tomorrow):
    bookings = fill(restaurant, tomorrow)
    assert free(restaurant, tomorrow) == 0
    booking_cancel(booking=bookings[0])
    assert Booking.objects.get(pk=bookings[0].pk).status == S.CANCELLED
    assert free(restaurant, tomorrow) == 1
    assert book(restaurant, tomorrow, name="Walk-in").pk


def test_no_show_frees_the_table_and_seated_keeps_it(restaurant, service_day):
    a, b = book(restaurant, service_day), book(restaurant, service_day, name="Boris")
    booking_set_status(booking=a, status=S.SEATED)
    booking_set_status(booking=b, status=S.NO_SHOW)
    assert free(restaurant, service_day) == 4
    booking_set_status(booking=a, status=S.COMPLETED)
    assert free(restaurant, service_day) == 4


@pytest.mark.parametrize(
    ("start", "target"),
    [(S.COMPLETED, S.CANCELLED), (S.CANCELLED, S.SEATED), (S.CONFIRMED, S.COMPLETED)],
)
def test_status_change_out_of_order_is_refused(restaurant, tomorrow, start, target):
    booking = book(restaurant, tomorrow)
    Booking.objects.filter(pk=booking.pk).update(status=start)
    booking.refresh_from_db()
    with pytest.raises(BookingInvalid) as exc:
        booking_set_status(booking=booking, status=target)
    assert "status" in exc.value.message_dict
    assert Booking.objects.get(pk=booking.pk).status == start


def test_unknown_status_is_refused(restaurant, tomorrow):
    with pytest.raises(BookingInvalid):
        booking_set_status(booking=book(restaurant, tomorrow), status="eaten")


def test_reinstating_a_cancelled_booking_needs_a_free_table(restaurant, tomorrow):
    first, *_ = fill(restaurant, tomorrow)
    booking_cancel(booking=first)
    book(restaurant, tomorrow, name="Took the table")
    with pytest.raises(SlotFull):
        booking_set_status(booking=first, status=S.CONFIRMED)
    assert Booking.objects.get(pk=first.pk).status == S.CANCELLED


def test_moving_a_booking_needs_a_free_table_there(restaurant, tomorrow):
    fill(restaurant, tomorrow, "19:00")
    booking = book(restaurant, tomorrow, "18:00")
    with pytest.raises(SlotFull):
        booking_update(booking=booking, time_slot="19:00")
    booking_update(booking=booking, time_slot="20:00", party_size=6, notes="Birthday")
    booking.refresh_from_db()
    assert (booking.time_slot, booking.party_size, booking.notes) == ("20:00", 6, "Birthday")
    assert free(restaurant, tomorrow, "18:00") == 5
    assert free(restaurant, tomorrow, "20:00") == 4


def test_days_bookings_filter_by_status(restaurant, tomorrow):
    a, b = book(restaurant, tomorrow, "12:00"), book(restaurant, tomorrow, "13:00", "Boris")
    booking_cancel(booking=b)
    assert list(bookings_for_day(restaurant=restaurant, date=tomorrow)) == [a, b]
    active = bookings_for_day(restaurant=restaurant, date=tomorrow, statuses=["confirmed"])
    assert list(active) == [a]
