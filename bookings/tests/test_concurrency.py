"""Writes of one booking that meet: whatever their interleaving, no slot is overbooked and every
change answered 2xx holds.

Each test runs its writes in threads released together by a barrier, round after round, on
PostgreSQL (real row locks, real concurrent transactions), through the API, the admin and the
assistant's tool as a client reaches them. After each round it checks the invariants: no slot
holds more active bookings than it has tables, and what was answered 2xx is the final state
(unless a later answered change replaced it, which each test spells out).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

import pytest
from django.db import connections
from django.test import Client
from rest_framework.test import APIClient

from assistant.tools import create_booking
from bookings.models import Booking
from bookings.services import booking_cancel, booking_create
from conftest import api_login, make_user

ROUNDS = 20

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(*calls: Callable[[], object]) -> list[object]:
    """Run the calls in threads released together; their results in the order given."""
    start = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            start.wait()
            results[index] = call()
        except BaseException as exc:  # reported by the assertion below
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    crashed = [r for r in results if isinstance(r, BaseException)]
    assert not crashed, crashed
    return results


def assert_never_overbooked(restaurant, date) -> None:
    for slot in restaurant.slot_times():
        active = Booking.objects.filter(
            restaurant=restaurant, date=date, time_slot=slot, status__in=Booking.ACTIVE_STATUSES
        ).count()
        assert active <= restaurant.default_table_count, f"{slot}: {active} active bookings"


def book(restaurant, date, time_slot: str, name: str = "Guest") -> Booking:
    return booking_create(restaurant=restaurant, date=date, time_slot=time_slot, client_name=name)


def fill(restaurant, date, time_slot: str, count: int) -> None:
    for n in range(count):
        book(restaurant, date, time_slot, f"Regular {n}")


@pytest.fixture
def token(host) -> str:
    return api_login(APIClient(), host.get_username())["access_token"]


@pytest.fixture
def api(token) -> Callable[..., tuple[int, dict]]:
    """`api("patch", "/bookings/1", {...})` in any thread: the status and the JSON answer."""

    def call(method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        response = getattr(client, method)(path, body, format="json")
        return response.status_code, response.json()

    return call


def fresh_day(restaurant) -> None:
    Booking.objects.filter(restaurant=restaurant).delete()


def test_a_move_and_reinstatements_never_overbook_a_full_slot(restaurant, tomorrow, api):
    """A cancelled booking moved into a full slot while it is reinstated where it was."""
    for _ in range(ROUNDS):
        fresh_day(restaurant)
        fill(restaurant, tomorrow, "19:00", 5)
        x = booking_cancel(booking=book(restaurant, tomorrow, "20:00", "X"))
        path = f"/bookings/{x.pk}"
        move, *reinstates = at_once(
            partial(api, "patch", path, {"time_slot": "19:00"}),
            *[partial(api, "post", f"{path}/status", {"status": "confirmed"})] * 4,
        )
        assert_never_overbooked(restaurant, tomorrow)
        x.refresh_from_db()
        if move[0] == 200:
            assert x.time_slot == "19:00"
        else:
            assert move[0] == 409, move
        if any(code == 200 for code, _ in reinstates):
            assert x.status == Booking.Status.CONFIRMED
        assert {code for code, _ in reinstates} <= {200, 409}
        # Both cannot hold: a confirmed X at 19:00 would be the sixth booking on five tables.
        assert not (x.time_slot == "19:00" and x.is_active)


def test_an_answered_cancel_is_not_undone_by_edits(restaurant, tomorrow, api):
    for _ in range(ROUNDS):
        fresh_day(restaurant)
        x = book(restaurant, tomorrow, "19:00", "X")
        path = f"/bookings/{x.pk}"
        cancel, *edits = at_once(
            partial(api, "post", f"{path}/cancel"),
            *[partial(api, "patch", path, {"notes": f"note {n}"}) for n in range(4)],
        )
        assert cancel[0] == 200, cancel
        assert all(code == 200 for code, _ in edits), edits
        x.refresh_from_db()
        assert x.status == Booking.Status.CANCELLED
        assert x.notes in {body["notes"] for _, body in edits}


def test_two_moves_into_the_last_table_seat_one(restaurant, tomorrow, api):
    for _ in range(ROUNDS):
        fresh_day(restaurant)
        fill(restaurant, tomorrow, "19:00", 4)
        movers = [book(restaurant, tomorrow, "20:00", name) for name in ("X", "Y")]
        answers = at_once(
            *[lambda b=b: api("patch", f"/bookings/{b.pk}", {"time_slot": "19:00"}) for b in movers]
        )
        assert sorted(code for code, _ in answers) == [200, 409], answers
        assert_never_overbooked(restaurant, tomorrow)
        moved = next(b for b, (code, _) in zip(movers, answers, strict=True) if code == 200)
        stayed = next(b for b, (code, _) in zip(movers, answers, strict=True) if code == 409)
        moved.refresh_from_db()
        stayed.refresh_from_db()
        assert (moved.time_slot, stayed.time_slot) == ("19:00", "20:00")


def test_a_status_change_and_a_cancel_end_cancelled(restaurant, tomorrow, api):
    """Seated then cancelled is allowed, cancelled then seated is not: the cancel always holds."""
    for _ in range(ROUNDS):
        fresh_day(restaurant)
        x = book(restaurant, tomorrow, "19:00", "X")
        path = f"/bookings/{x.pk}"
        seat, cancel = at_once(
            partial(api, "post", f"{path}/status", {"status": "seated"}),
            partial(api, "post", f"{path}/cancel"),
        )
        assert cancel[0] == 200, cancel
        assert seat[0] in (200, 400), seat
        x.refresh_from_db()
        assert x.status == Booking.Status.CANCELLED


def test_a_reinstatement_and_a_new_booking_take_the_last_table_once(restaurant, tomorrow, api):
    for _ in range(ROUNDS):
        fresh_day(restaurant)
        fill(restaurant, tomorrow, "19:00", 4)
        x = booking_cancel(booking=book(restaurant, tomorrow, "19:00", "X"))
        reinstate, new = at_once(
            partial(api, "post", f"/bookings/{x.pk}/status", {"status": "confirmed"}),
            partial(
                api,
                "post",
                "/bookings",
                {
                    "restaurant_id": restaurant.pk,
                    "date": tomorrow.isoformat(),
                    "time_slot": "19:00",
                    "client_name": "Newcomer",
                },
            ),
        )
        assert reinstate[0] in (200, 409) and new[0] in (201, 409), (reinstate, new)
        assert (reinstate[0] == 200) != (new[0] == 201), (reinstate, new)
        assert_never_overbooked(restaurant, tomorrow)


def test_an_admin_save_does_not_undo_an_api_cancel(restaurant, tomorrow, api):
    staff = make_user("owner", is_staff=True, is_superuser=True)
    admins = []
    for _ in range(4):
        client = Client()
        client.force_login(staff)
        admins.append(client)
    for _ in range(ROUNDS):
        fresh_day(restaurant)
        x = book(restaurant, tomorrow, "19:00", "X")
        url = f"/admin/bookings/booking/{x.pk}/change/"
        cancel, *saves = at_once(
            partial(api, "post", f"/bookings/{x.pk}/cancel"),
            *[
                partial(c.post, url, {"notes": f"admin note {n}", "_save": "Save"})
                for n, c in enumerate(admins)
            ],
        )
        assert cancel[0] == 200, cancel
        assert [s.status_code for s in saves] == [302] * 4
        x.refresh_from_db()
        assert x.status == Booking.Status.CANCELLED
        assert x.notes.startswith("admin note ")


def test_the_assistant_and_the_api_booking_the_last_table_book_it_once(restaurant, tomorrow, api):
    for _ in range(ROUNDS):
        fresh_day(restaurant)
        fill(restaurant, tomorrow, "19:00", 4)
        body = {"date": tomorrow.isoformat(), "time_slot": "19:00", "client_name": "Anna"}
        by_assistant, by_api = at_once(
            partial(create_booking, restaurant=restaurant, arguments=body, user=None),
            partial(api, "post", "/bookings", {"restaurant_id": restaurant.pk, **body}),
        )
        assistant_booked = by_assistant.get("status") == "ok"
        api_booked = by_api[0] == 201
        assert assistant_booked != api_booked, (by_assistant, by_api)
        assert by_api[0] in (201, 409), by_api
        assert (
            Booking.objects.filter(date=tomorrow, time_slot="19:00", client_name="Anna").count()
            == 1
        )
        assert_never_overbooked(restaurant, tomorrow)
