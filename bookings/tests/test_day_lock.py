"""A new booking locks its day (and its restaurant's row, shared): new bookings of other days go
on beside it, those of its day wait, and every other write to the restaurant waits for it as it
waits for them. On PostgreSQL, with real transactions in threads."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connections, transaction

from bookings.availability import lock_restaurant
from bookings.models import Booking
from bookings.services import booking_cancel, booking_create
from restaurants.models import Restaurant
from restaurants.services import restaurant_update_settings

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# How long a write that should go on is given, and how long one that should wait is watched.
DONE_WITHIN = 10
STILL_WAITING_AFTER = 0.5


class Holder:
    """A transaction in a thread of its own that takes a lock and keeps it until released."""

    def __init__(self, take: Callable[[], object]) -> None:
        self.taken, self.release = threading.Event(), threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self.run, args=(take,))
        self.thread.start()
        assert self.taken.wait(DONE_WITHIN), "the lock was not taken"

    def run(self, take: Callable[[], object]) -> None:
        try:
            with transaction.atomic():
                take()
                self.taken.set()
                self.release.wait(DONE_WITHIN * 3)
        except BaseException as exc:
            self.error = exc
            self.taken.set()
        finally:
            connections.close_all()

    def end(self) -> None:
        self.release.set()
        self.thread.join()
        assert self.error is None, self.error


class Write:
    """A write in a thread of its own, watched."""

    def __init__(self, write: Callable[[], object]) -> None:
        self.result: object = None
        self.thread = threading.Thread(target=self.run, args=(write,))
        self.thread.start()

    def run(self, write: Callable[[], object]) -> None:
        try:
            self.result = write()
        except BaseException as exc:
            self.result = exc
        finally:
            connections.close_all()

    def is_waiting(self) -> bool:
        self.thread.join(STILL_WAITING_AFTER)
        return self.thread.is_alive()

    def done(self) -> object:
        self.thread.join(DONE_WITHIN)
        assert not self.thread.is_alive(), "the write is still waiting"
        assert not isinstance(self.result, BaseException), self.result
        return self.result


def book(restaurant, day: dt.date, name: str = "Anna") -> Callable[[], Booking]:
    return lambda: booking_create(
        restaurant=restaurant, date=day, time_slot="19:00", client_name=name
    )


def test_a_booking_of_another_day_goes_on_while_one_day_is_being_booked(restaurant, tomorrow):
    other_day = tomorrow + dt.timedelta(days=1)
    holder = Holder(lambda: lock_restaurant(restaurant.pk, day=tomorrow))
    try:
        # By the restaurant's id too, as the API books.
        Write(book(restaurant.pk, other_day, "Boris")).done()
        Write(book(restaurant, other_day, "Vera")).done()
        same_day = Write(book(restaurant, tomorrow))
        assert same_day.is_waiting()
    finally:
        holder.end()
    assert same_day.done().date == tomorrow
    assert Booking.objects.count() == 3


def test_other_writes_wait_for_a_new_booking_and_it_for_them(restaurant, tomorrow):
    booking = booking_create(
        restaurant=restaurant, date=tomorrow, time_slot="18:00", client_name="Gleb"
    )
    # A booking being made: a cancel (the restaurant's exclusive lock) waits for it.
    holder = Holder(lambda: lock_restaurant(restaurant.pk, day=tomorrow + dt.timedelta(days=5)))
    try:
        cancel = Write(lambda: booking_cancel(booking=booking))
        assert cancel.is_waiting()
    finally:
        holder.end()
    assert cancel.done().status == Booking.Status.CANCELLED
    # …and so does a change of the restaurant's settings, which updates its row.
    holder = Holder(lambda: lock_restaurant(restaurant.pk, day=tomorrow + dt.timedelta(days=6)))
    try:
        settings_change = Write(
            lambda: restaurant_update_settings(
                restaurant=Restaurant.objects.get(pk=restaurant.pk), default_table_count=3
            )
        )
        assert settings_change.is_waiting()
    finally:
        holder.end()
    assert settings_change.done().default_table_count == 3
    # An exclusive write under way: a new booking of any day waits for it.
    holder = Holder(lambda: lock_restaurant(restaurant.pk))
    try:
        new = Write(book(restaurant, tomorrow + dt.timedelta(days=9)))
        assert new.is_waiting()
    finally:
        holder.end()
    new.done()


def test_a_write_holding_the_restaurant_may_book_inside_it(restaurant, tomorrow):
    """A booking made inside a transaction that holds the restaurant's exclusive lock takes the
    row's shared lock and the day's there without a deadlock; other new bookings wait."""

    def lock_and_book():
        lock_restaurant(restaurant.pk)
        return booking_create(
            restaurant=restaurant, date=tomorrow, time_slot="20:00", client_name="Waiting party"
        )

    holder = Holder(lock_and_book)
    try:
        new = Write(book(restaurant, tomorrow + dt.timedelta(days=3)))
        assert new.is_waiting()
    finally:
        holder.end()
    new.done()
    assert Booking.objects.count() == 2
