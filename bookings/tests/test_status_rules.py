"""Status rules: seated, completed and no-show only on the booking's own day (in the
restaurant's time zone), completed only after seated, a later booking only cancelled."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from bookings.exceptions import BookingInvalid
from bookings.models import Booking
from bookings.services import booking_create, booking_set_status

S = Booking.Status


def book(restaurant, date, time_slot="18:00", name="Anna") -> Booking:
    return booking_create(restaurant=restaurant, date=date, time_slot=time_slot, client_name=name)


def test_a_later_booking_offers_only_cancel(restaurant, service_day):
    booking = book(restaurant, service_day + dt.timedelta(days=1))
    assert booking.allowed_statuses() == [S.CANCELLED]
    booking_set_status(booking=booking, status=S.CANCELLED)
    # Undoing the cancel is allowed before the day too.
    assert booking.allowed_statuses() == [S.CONFIRMED]


def test_todays_booking_offers_seated_no_show_and_cancel(restaurant, service_day):
    booking = book(restaurant, service_day)
    assert booking.allowed_statuses() == [S.SEATED, S.NO_SHOW, S.CANCELLED]
    booking_set_status(booking=booking, status=S.SEATED)
    assert booking.allowed_statuses() == [S.CONFIRMED, S.COMPLETED, S.CANCELLED]


@pytest.mark.parametrize("status", [S.SEATED, S.NO_SHOW])
def test_seating_or_no_show_before_the_day_is_refused(restaurant, service_day, status):
    booking = book(restaurant, service_day + dt.timedelta(days=2))
    with pytest.raises(BookingInvalid) as exc:
        booking_set_status(booking=booking, status=status)
    assert "own day" in str(exc.value)
    assert Booking.objects.get(pk=booking.pk).status == S.CONFIRMED


def test_completed_needs_seated_first(restaurant, service_day):
    booking = book(restaurant, service_day)
    with pytest.raises(BookingInvalid) as exc:
        booking_set_status(booking=booking, status=S.COMPLETED)
    assert str(exc.value) == "A confirmed booking cannot become completed."


def test_the_day_is_the_restaurants_not_the_servers(restaurant):
    # 22:30 UTC on 1 March is 01:30 on 2 March in Moscow: a booking of 2 March is today's.
    with time_machine.travel(dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.UTC)):
        booking = book(restaurant, dt.date(2030, 3, 2), "22:00")
    with time_machine.travel(dt.datetime(2030, 3, 1, 22, 30, tzinfo=dt.UTC)):
        assert restaurant.today() == dt.date(2030, 3, 2)
        booking_set_status(booking=booking, status=S.SEATED)
    assert Booking.objects.get(pk=booking.pk).status == S.SEATED


def test_a_past_days_booking_no_longer_changes(restaurant):
    with time_machine.travel(dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.UTC)):
        booking = book(restaurant, dt.date(2030, 3, 1))
    with time_machine.travel(dt.datetime(2030, 3, 2, 9, 0, tzinfo=dt.UTC)):
        assert booking.allowed_statuses() == []
        with pytest.raises(BookingInvalid) as exc:
            booking_set_status(booking=booking, status=S.NO_SHOW)
    assert "passed" in str(exc.value)


def test_api_refuses_seating_a_later_booking_with_400_and_a_clear_detail(
    service_day, host_api, restaurant
):
    booking = book(restaurant, service_day + dt.timedelta(days=1))
    response = host_api.post(f"/bookings/{booking.pk}/status", {"status": "seated"}, format="json")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("status: Seated, completed and no-show are for the booking's own day")
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED


def test_day_page_offers_a_later_booking_only_cancel(service_day, host_client, restaurant):
    booking = book(restaurant, service_day + dt.timedelta(days=1))
    html = host_client.get("/app/bookings/", {"date": booking.date.isoformat()}).content.decode()
    row = html.split(f'data-booking="{booking.pk}"', 1)[1].split("</li>", 1)[0]
    assert 'data-action="cancelled"' in row
    assert 'data-action="seated"' not in row and 'data-action="no_show"' not in row
