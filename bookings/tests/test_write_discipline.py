"""A change is decided on the booking's row as committed, never on the caller's copy of it."""

from __future__ import annotations

import pytest

from bookings.exceptions import SlotFull
from bookings.models import Booking
from bookings.services import booking_cancel, booking_create, booking_set_status, booking_update


def book(restaurant, date, time_slot="19:00", name="Anna") -> Booking:
    return booking_create(restaurant=restaurant, date=date, time_slot=time_slot, client_name=name)


def stale_copy(booking: Booking) -> Booking:
    return Booking.objects.select_related("restaurant").get(pk=booking.pk)


def test_an_edit_from_a_stale_copy_does_not_write_back_its_status(restaurant, tomorrow):
    booking = book(restaurant, tomorrow)
    stale = stale_copy(booking)
    booking_cancel(booking=booking)
    booking_update(booking=stale, notes="Window, please")
    booking.refresh_from_db()
    assert (booking.status, booking.notes) == (Booking.Status.CANCELLED, "Window, please")
    assert stale.status == Booking.Status.CANCELLED  # the caller's copy is brought up to date


def test_a_move_from_a_stale_copy_of_a_cancelled_booking_checks_the_slot(restaurant, tomorrow):
    for n in range(5):
        book(restaurant, tomorrow, "19:00", f"Regular {n}")
    booking = booking_cancel(booking=book(restaurant, tomorrow, "20:00"))
    stale = stale_copy(booking)
    booking_set_status(booking=booking, status=Booking.Status.CONFIRMED)
    with pytest.raises(SlotFull):
        booking_update(booking=stale, time_slot="19:00")
    booking.refresh_from_db()
    assert (booking.time_slot, booking.status) == ("20:00", Booking.Status.CONFIRMED)


def test_a_reinstatement_from_a_stale_copy_checks_the_slot_it_was_moved_to(restaurant, tomorrow):
    for n in range(5):
        book(restaurant, tomorrow, "19:00", f"Regular {n}")
    booking = booking_cancel(booking=book(restaurant, tomorrow, "20:00"))
    stale = stale_copy(booking)
    booking_update(booking=booking, time_slot="19:00")  # a cancelled booking moves freely
    with pytest.raises(SlotFull):
        booking_set_status(booking=stale, status=Booking.Status.CONFIRMED)
    booking.refresh_from_db()
    assert (booking.time_slot, booking.status) == ("19:00", Booking.Status.CANCELLED)


def test_an_edit_writes_only_the_fields_it_changes(restaurant, tomorrow):
    booking = book(restaurant, tomorrow)
    Booking.objects.filter(pk=booking.pk).update(client_name="Anna Petrova")
    booking_update(booking=booking, notes="Birthday")
    booking.refresh_from_db()
    assert (booking.client_name, booking.notes) == ("Anna Petrova", "Birthday")


def test_an_admin_notes_save_changes_only_the_notes(admin_client, restaurant, tomorrow):
    booking = book(restaurant, tomorrow)
    url = f"/admin/bookings/booking/{booking.pk}/change/"
    assert admin_client.get(url).status_code == 200  # the form is opened…
    booking_cancel(booking=stale_copy(booking))  # …a host cancels meanwhile…
    response = admin_client.post(url, {"notes": "Called to confirm", "_save": "Save"})
    assert response.status_code == 302  # …and the admin saves the notes
    booking.refresh_from_db()
    assert (booking.status, booking.notes) == (Booking.Status.CANCELLED, "Called to confirm")
