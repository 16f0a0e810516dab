"""The guests' e-mails (Django's locmem backend): content in English and Russian, text and
HTML, the `.ics` hook, and who gets none."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation

from bookings.emails.reminders import reminders_due
from bookings.guests.services import guest_forget
from bookings.models import Booking, Guest
from bookings.public.links import booking_for_token, manage_url
from bookings.services import booking_cancel, booking_create, booking_update
from crm.outbox import services as outbox
from crm.outbox.models import Delivery, EventKind, OutboxEvent

pytestmark = pytest.mark.django_db(transaction=True)  # e-mails follow the commit


def book(restaurant, date, time_slot="18:00", **extra) -> Booking:
    extra.setdefault("client_name", "Анна")
    extra.setdefault("email", "anna@example.com")
    return booking_create(restaurant=restaurant, date=date, time_slot=time_slot, **extra)


def html_of(message) -> str:
    ((html, mime),) = message.alternatives
    assert mime == "text/html"
    return html


def test_a_confirmation_in_english(restaurant, tomorrow):
    book(restaurant, tomorrow, party_size=3, client_name="Anna", language="en")
    (message,) = mail.outbox
    assert message.to == ["anna@example.com"]
    assert message.subject == "Your table at Blue Door is booked"
    day = f"{tomorrow:%A, %B} {tomorrow.day}, {tomorrow.year}"
    for part in (message.body, html_of(message)):
        assert "Hello, Anna!" in part
        assert "Thank you! We have booked a table for you." in part
        assert day in part and "18:00" in part and "3" in part
    assert '<html lang="en">' in html_of(message)


def test_a_confirmation_in_russian(restaurant, tomorrow):
    book(restaurant, tomorrow, party_size=4, language="ru")
    (message,) = mail.outbox
    assert message.subject == "Ваш столик в Blue Door забронирован"
    months = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
    month = months.split()[tomorrow.month - 1]
    for part in (message.body, html_of(message)):
        assert "Здравствуйте, Анна!" in part
        assert "Спасибо! Мы забронировали для вас столик." in part
        assert f"{tomorrow.day} {month} {tomorrow.year}" in part
        assert "18:00" in part
    assert '<html lang="ru">' in html_of(message)


def test_the_language_is_the_requests_when_not_given(restaurant, tomorrow, host_api):
    host_api.post(
        "/bookings",
        {
            "restaurant_id": restaurant.pk,
            "date": str(tomorrow),
            "time_slot": "18:00",
            "client_name": "Анна",
            "email": "anna@example.com",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    translation.deactivate()  # the request left Russian active in this thread
    assert Booking.objects.get().language == "ru"
    assert mail.outbox[0].subject.startswith("Ваш столик")


def test_a_move_is_told_and_a_note_is_not(restaurant, tomorrow):
    booking = book(restaurant, tomorrow, language="en")
    booking_update(booking=booking, notes="window, please")
    assert len(mail.outbox) == 1
    booking_update(booking=booking, time_slot="20:00")
    change = mail.outbox[1]
    assert change.subject == "Your booking at Blue Door has changed"
    assert "20:00" in change.body and "18:00" not in change.body


def test_a_cancellation_in_both_languages(restaurant, tomorrow):
    english = book(restaurant, tomorrow, language="en")
    russian = book(restaurant, tomorrow, "19:00", language="ru", email="ivan@example.com")
    booking_cancel(booking=english)
    booking_cancel(booking=russian)
    by_address = {m.to[0]: m for m in mail.outbox[2:]}
    assert by_address["anna@example.com"].subject == "Your booking at Blue Door is cancelled"
    assert "We hope to see you another time." in by_address["anna@example.com"].body
    assert by_address["ivan@example.com"].subject == "Ваше бронирование в Blue Door отменено"
    assert "Надеемся увидеть вас в другой раз." in by_address["ivan@example.com"].body


def test_an_online_booking_carries_its_calendar_file_and_manage_link(
    restaurant, tomorrow, settings
):
    settings.SITE_URL = "https://crm.example.com/"
    booking = book(restaurant, tomorrow, language="en", source=Booking.Source.ONLINE)
    (message,) = mail.outbox
    ((name, content, mime),) = message.attachments
    assert name == "booking.ics" and mime.startswith("text/calendar")
    assert f"UID:booking-{booking.pk}@{restaurant.slug}" in content
    link = "https://crm.example.com" + manage_url(booking)
    assert link.startswith("https://crm.example.com/r/")
    assert link in message.body
    assert f'href="{link}"' in html_of(message)
    # The link opens the booking it was made for.
    assert booking_for_token(link.rstrip("/").rsplit("/", 1)[-1]) == booking
    booking_cancel(booking=booking)
    assert mail.outbox[1].attachments == []
    assert "/r/" not in mail.outbox[1].body


def test_a_booking_made_by_staff_has_the_calendar_file_and_no_manage_link(restaurant, tomorrow):
    book(restaurant, tomorrow, language="en", source=Booking.Source.PAGE)
    (message,) = mail.outbox
    ((name, _content, _mime),) = message.attachments
    assert name == "booking.ics"
    assert "/r/" not in message.body and "/r/" not in html_of(message)


def test_no_email_without_an_address(restaurant, tomorrow):
    booking = book(restaurant, tomorrow, email="")
    booking_update(booking=booking, time_slot="20:00")
    booking_cancel(booking=booking)
    assert mail.outbox == []
    assert not Delivery.objects.filter(target="email").exists()


def test_no_email_after_the_guest_is_forgotten(restaurant, tomorrow):
    booking = book(restaurant, tomorrow, phone="89123456789")
    assert len(mail.outbox) == 1
    guest_forget(guest=Guest.objects.get())
    booking.refresh_from_db()
    booking_update(booking=booking, time_slot="20:00")
    booking_cancel(booking=booking)
    assert len(mail.outbox) == 1


def test_a_reminder_goes_once_for_the_bookings_current_time(restaurant, tomorrow):
    restaurant.reminder_hours = 3
    restaurant.save()
    booking = book(restaurant, tomorrow, language="en")
    starts = booking.starts_at

    def sweep(at):
        reminders_due(now=at)
        # In-process, a due reminder is sent as it is recorded; the sweep would pick up a
        # delivery that had to wait.
        outbox.outbox_sweep(now=at + dt.timedelta(hours=1))

    sweep(starts - dt.timedelta(hours=4))  # too early
    assert [m.subject for m in mail.outbox[1:]] == []
    booking_update(booking=booking, time_slot="20:00")  # moved before its reminder
    sweep(starts - dt.timedelta(hours=2))  # two hours before the old time: none due
    sweep(starts + dt.timedelta(hours=0, minutes=30))  # 1.5 h before the new time
    sweep(starts + dt.timedelta(hours=1))  # again
    reminders = [m for m in mail.outbox if m.subject == "See you soon at Blue Door"]
    assert len(reminders) == 1
    assert "20:00" in reminders[0].body
    assert OutboxEvent.objects.filter(kind="booking.reminder").count() == 1


def test_a_reminder_for_a_booking_moved_after_it_was_recorded_is_not_sent(restaurant, tomorrow):
    restaurant.reminder_hours = 3
    restaurant.save()
    booking = book(restaurant, tomorrow, language="en")
    # A reminder recorded for an earlier time of the booking, sent after it moved.
    with transaction.atomic():
        reminder = outbox.event_record(
            kind=EventKind.BOOKING_REMINDER,
            restaurant_id=restaurant.pk,
            subject_id=booking.pk,
            payload={"starts_at": (booking.starts_at - dt.timedelta(hours=1)).isoformat()},
            dedupe_key="test",
        )
    delivery = Delivery.objects.get(event=reminder)
    assert (delivery.status, delivery.last_error) == (
        "skipped",
        "the visit moved, was cancelled or has begun",
    )
    assert not [m for m in mail.outbox if m.subject.startswith("See you soon")]
    assert timezone.now() < booking.starts_at
