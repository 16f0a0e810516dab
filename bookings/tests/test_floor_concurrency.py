"""Sixty clients book one described floor at once, on PostgreSQL: no table ever holds two
active visits that overlap, and every client gets a booking or a clear refusal.

Mixed party sizes and start times make visits of different lengths overlap across slots, and
a few clients move or cancel bookings while the others book. The invariants are checked in
SQL, over what the database holds, not over what the clients were told.
"""

from __future__ import annotations

import random
import threading

import pytest
from django.db import connection, connections

from bookings.exceptions import SlotFull
from bookings.models import Booking
from bookings.services import booking_cancel, booking_create, booking_update
from restaurants.models import Table, VisitLength

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLIENTS = 60

OVERLAPS = """
    SELECT a.booking_id, b.booking_id, a.table_id
    FROM bookings_bookingtable a
    JOIN bookings_bookingtable b
      ON a.table_id = b.table_id AND a.id < b.id
     AND a.active AND b.active
     AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
"""
# Active bookings whose tables seat fewer guests than the party.
TOO_SMALL = """
    SELECT b.id FROM bookings_booking b
    JOIN bookings_bookingtable bt ON bt.booking_id = b.id
    JOIN restaurants_table t ON t.id = bt.table_id
    WHERE b.status IN ('confirmed', 'seated', 'completed')
    GROUP BY b.id, b.party_size HAVING SUM(t.max_seats) < b.party_size
"""
# Active bookings that hold no table, or rows out of step with their booking.
UNSEATED_OR_STALE = """
    SELECT b.id FROM bookings_booking b
    LEFT JOIN bookings_bookingtable bt ON bt.booking_id = b.id
    WHERE (b.status IN ('confirmed', 'seated', 'completed') AND bt.id IS NULL)
       OR (bt.id IS NOT NULL AND (bt.starts_at <> b.starts_at OR bt.ends_at <> b.ends_at
           OR bt.active <> (b.status IN ('confirmed', 'seated', 'completed'))))
"""


def rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.fixture
def described(restaurant):
    """Ten tables in two combinable groups and a bar, three visit lengths."""
    for n in range(1, 5):
        Table.objects.create(
            restaurant=restaurant, name=f"A{n}", max_seats=2, combination_group="a", position=n
        )
    for n in range(1, 4):
        Table.objects.create(
            restaurant=restaurant,
            name=f"B{n}",
            min_seats=2,
            max_seats=4,
            combination_group="b",
            position=10 + n,
        )
    for n in range(1, 4):
        Table.objects.create(restaurant=restaurant, name=f"Bar{n}", max_seats=1, position=20 + n)
    VisitLength.objects.create(restaurant=restaurant, up_to_party=2, minutes=90)
    VisitLength.objects.create(restaurant=restaurant, up_to_party=4, minutes=120)
    VisitLength.objects.create(restaurant=restaurant, up_to_party=None, minutes=150)
    return restaurant


def test_sixty_clients_never_double_book_a_table(described, tomorrow):
    restaurant = described
    rng = random.Random(60)
    early = [
        booking_create(
            restaurant=restaurant, date=tomorrow, time_slot="18:00", client_name=f"Early {n}"
        )
        for n in range(4)
    ]
    start = threading.Barrier(CLIENTS)
    outcomes: list[object] = [None] * CLIENTS

    def client(index: int) -> None:
        try:
            start.wait()
            if index < 4:  # a move onto the busiest hour
                booking = Booking.objects.select_related("restaurant").get(pk=early[index].pk)
                outcomes[index] = booking_update(booking=booking, time_slot="19:00", party_size=3)
            elif index < 6:  # a cancel frees tables for the others
                booking = Booking.objects.select_related("restaurant").get(pk=early[index - 2].pk)
                outcomes[index] = booking_cancel(booking=booking)
            else:
                outcomes[index] = booking_create(
                    restaurant=restaurant,
                    date=tomorrow,
                    time_slot=rng.choice(["18:00", "19:00", "19:00", "20:00"]),
                    client_name=f"Guest {index}",
                    party_size=rng.choice([1, 2, 2, 3, 4, 5, 6, 8]),
                )
        except SlotFull as refused:
            outcomes[index] = refused
        except BaseException as exc:
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    unexpected = [o for o in outcomes if not isinstance(o, Booking | SlotFull)]
    assert not unexpected, unexpected
    booked = [o for o in outcomes[6:] if isinstance(o, Booking)]
    assert booked, "the floor had room for some of them"
    assert any(isinstance(o, SlotFull) for o in outcomes), "and not for all of them"
    assert rows(OVERLAPS) == []
    assert rows(TOO_SMALL) == []
    assert rows(UNSEATED_OR_STALE) == []
