"""Manage links: signed, refused when tampered; changes and cancels through the core until the
restaurant's cutoff, then whom to call; the .ics file."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from bookings.models import Booking
from bookings.public import links
from bookings.public.services import online_booking_create
from bookings.services import booking_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(online, day) -> Booking:
    return online_booking_create(
        restaurant=online,
        date=day,
        time_slot="19:00",
        party_size=2,
        client_name="Anna Petrova",
        phone="+7 912 345-67-89",
    )


def test_the_link_shows_the_booking(client, booking):
    response = client.get(links.manage_url(booking))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Anna Petrova" in body and "19:00" in body
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature
        lambda token: str(int(token.split(":")[0]) + 1) + ":" + token.split(":", 1)[1],  # the id
        lambda token: token.split(":")[0],  # no signature at all
        lambda token: "x" + token,
    ],
)
def test_a_tampered_link_is_refused_like_a_missing_booking(client, booking, online, day, tamper):
    # Another guest's booking whose id the tampered link might name.
    online_booking_create(
        restaurant=online,
        date=day,
        time_slot="20:00",
        party_size=2,
        client_name="B",
        phone="+79120000000",
    )
    token = tamper(links.manage_token(booking))
    assert client.get(f"/r/manage/{token}/").status_code == 404
    assert client.post(f"/r/manage/{token}/cancel/").status_code == 404
    assert client.get(f"/r/manage/{token}/booking.ics").status_code == 404
    assert Booking.objects.filter(status=Booking.Status.CANCELLED).count() == 0


def test_a_booking_made_by_the_staff_has_no_manage_link(client, online, day):
    staff_booking = booking_create(
        restaurant=online, date=day, time_slot="19:00", client_name="Phone call"
    )
    token = links.manage_token(staff_booking)
    assert client.get(f"/r/manage/{token}/").status_code == 404


def test_the_guest_moves_then_cancels(client, booking, day):
    url = links.manage_url(booking)
    later = day + dt.timedelta(days=1)
    form = client.get(url, {"change": 1, "party": 4, "date": later.isoformat(), "time": "20:00"})
    assert "Confirm the change" in form.content.decode()
    response = client.post(
        f"{url}change/", {"party_size": 4, "date": later.isoformat(), "time_slot": "20:00"}
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.date, booking.time_slot, booking.party_size) == (later, "20:00", 4)
    assert "Your booking was changed." in client.get(response["Location"]).content.decode()

    response = client.post(f"{url}cancel/")
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert "Your booking was cancelled." in client.get(response["Location"]).content.decode()


def test_a_move_to_a_full_time_is_refused_and_changes_nothing(client, booking, online, day):
    for n in range(5):
        booking_create(restaurant=online, date=day, time_slot="21:00", client_name=f"G{n}")
    response = client.post(
        f"{links.manage_url(booking)}change/",
        {"party_size": 2, "date": day.isoformat(), "time_slot": "21:00"},
    )
    assert response.status_code == 409
    booking.refresh_from_db()
    assert booking.time_slot == "19:00"


def test_a_move_above_the_online_party_limit_is_refused(client, booking, day):
    response = client.post(
        f"{links.manage_url(booking)}change/",
        {"party_size": 7, "date": day.isoformat(), "time_slot": "19:00"},
    )
    assert response.status_code == 400
    assert "Online we book up to 6 guests." in response.content.decode()
    booking.refresh_from_db()
    assert booking.party_size == 2


def test_after_the_cutoff_it_says_whom_to_call_and_refuses_changes(
    client, booking, online, day, time_machine
):
    # The cutoff is 2 hours: at 17:30 on the day a 19:00 booking can no longer be changed.
    time_machine.move_to(dt.datetime.combine(day, dt.time(17, 30), tzinfo=online.tz))
    url = links.manage_url(booking)
    page = client.get(url).content.decode()
    assert "can no longer be changed online" in page
    assert "+7 495 123-45-67" in page
    assert "Cancel the booking" not in page
    response = client.post(f"{url}cancel/")
    assert response.status_code == 409
    response = client.post(
        f"{url}change/", {"party_size": 3, "date": day.isoformat(), "time_slot": "21:00"}
    )
    assert response.status_code == 409
    assert "+7 495 123-45-67" in response.content.decode()
    booking.refresh_from_db()
    assert (booking.status, booking.party_size) == (Booking.Status.CONFIRMED, 2)


def test_just_before_the_cutoff_the_guest_still_cancels(client, booking, online, day, time_machine):
    time_machine.move_to(dt.datetime.combine(day, dt.time(16, 59), tzinfo=online.tz))
    assert client.post(f"{links.manage_url(booking)}cancel/").status_code == 302


def test_the_calendar_file_holds_the_visit(client, booking, online):
    response = client.get(f"{links.manage_url(booking)}booking.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == booking.starts_at
    assert event.decoded("dtend") == booking.ends_at
    assert "Blue Door" in str(event["summary"])
    assert str(event["url"]).endswith(links.manage_url(booking))
    assert str(event["uid"]) == f"booking-{booking.pk}@blue-door"


def test_a_post_from_another_site_is_refused(client, booking):
    url = f"{links.manage_url(booking)}cancel/"
    response = client.post(url, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert client.post(url, HTTP_ORIGIN="http://testserver").status_code == 302
