"""However many clients book the same slot at once, the slot's tables are never exceeded."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from bookings.exceptions import SlotFull
from bookings.models import Booking
from bookings.services import booking_create

THREADS = 60


def race(restaurant, date, *, threads: int = THREADS) -> tuple[list[int], list[str]]:
    start = threading.Barrier(threads)
    booked: list[int] = []
    refused: list[str] = []

    def attempt(n: int) -> None:
        try:
            start.wait()
            booking = booking_create(
                restaurant=restaurant, date=date, time_slot="19:00", client_name=f"Guest {n}"
            )
            booked.append(booking.pk)
        except SlotFull:
            refused.append(f"Guest {n}")
        finally:
            connections.close_all()

    workers = [threading.Thread(target=attempt, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return booked, refused


@pytest.mark.django_db(transaction=True)
def test_sixty_concurrent_bookings_of_a_five_table_slot_leave_exactly_five(restaurant, tomorrow):
    booked, refused = race(restaurant, tomorrow)
    assert len(booked) == 5
    assert len(refused) == THREADS - 5
    assert Booking.objects.filter(date=tomorrow, time_slot="19:00").count() == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sixty_concurrent_bookings_on_postgresql(restaurant, tomorrow):
    assert connection.vendor == "postgresql"
    booked, refused = race(restaurant, tomorrow)
    assert sorted(booked) == sorted(
        Booking.objects.filter(date=tomorrow, time_slot="19:00").values_list("pk", flat=True)
    )
    assert (len(booked), len(refused)) == (5, THREADS - 5)
