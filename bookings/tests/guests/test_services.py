"""The guest book's core: linking bookings to guests, history counts, search, edits, merge and
forget."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry

from bookings.exceptions import BookingInvalid
from bookings.guests.selectors import guest_suggestions, guests_with_history
from bookings.guests.services import clean_tags, guest_forget, guest_merge, guest_update
from bookings.models import Booking, Guest
from bookings.services import booking_create, booking_set_status, booking_update


def book(restaurant, date, name="Ivan", time_slot="18:00", **extra) -> Booking:
    return booking_create(
        restaurant=restaurant, date=date, time_slot=time_slot, client_name=name, **extra
    )


@pytest.fixture
def ru_restaurant(restaurant):
    restaurant.country = "RU"
    restaurant.save()
    return restaurant


# --- Linking ---------------------------------------------------------------------------------


def test_one_guest_for_a_phone_in_any_format(ru_restaurant, tomorrow):
    a = book(ru_restaurant, tomorrow, "Ivan", phone="+7 912 345-67-89")
    b = book(ru_restaurant, tomorrow, "Ivan P.", "19:00", phone="89123456789")
    c = book(ru_restaurant, tomorrow, "Ваня", "20:00", phone="8 (912) 345 67 89")
    assert a.guest_id == b.guest_id == c.guest_id
    guest = Guest.objects.get()
    assert (guest.phone, guest.name) == ("+79123456789", "Ivan")
    assert b.phone == "+79123456789"


def test_a_phone_links_to_the_guest_of_this_restaurant_only(
    ru_restaurant, other_restaurant, tomorrow
):
    mine = book(ru_restaurant, tomorrow, phone="+79123456789")
    theirs = book(other_restaurant, tomorrow, phone="+79123456789")
    assert mine.guest_id != theirs.guest_id
    assert mine.guest.restaurant == ru_restaurant
    assert theirs.guest.restaurant == other_restaurant


def test_without_a_phone_links_by_name_only_when_unambiguous(ru_restaurant, tomorrow):
    known = book(ru_restaurant, tomorrow, "Olga", phone="+79120000001").guest
    assert book(ru_restaurant, tomorrow, "olga", "19:00").guest == known
    assert book(ru_restaurant, tomorrow, "Nobody", "20:00").guest is None
    assert Guest.objects.count() == 1
    book(ru_restaurant, tomorrow, "Olga", "21:00", phone="+79120000002")  # a second Olga
    assert book(ru_restaurant, tomorrow, "Olga", "22:00").guest is None


def test_changing_a_bookings_phone_moves_it_to_that_guest(ru_restaurant, tomorrow):
    booking = book(ru_restaurant, tomorrow, phone="+79120000001")
    first = booking.guest
    booking_update(booking=booking, phone="8 912 000-00-02")
    assert booking.guest != first
    assert booking.guest.phone == "+79120000002"


# --- History ---------------------------------------------------------------------------------


def test_history_counts_visits_no_shows_cancellations_last_and_next(ru_restaurant):
    with time_machine.travel(dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)):
        today = ru_restaurant.today()
        phone = "+79123456789"
        visits = [book(ru_restaurant, today + dt.timedelta(days=d), phone=phone) for d in (0, 1, 2)]
        missed = book(ru_restaurant, today + dt.timedelta(days=3), phone=phone)
        dropped = book(ru_restaurant, today + dt.timedelta(days=4), phone=phone)
        upcoming = book(ru_restaurant, today + dt.timedelta(days=10), phone=phone)
        later = book(ru_restaurant, today + dt.timedelta(days=20), phone=phone)
    # Each status on the booking's own day, as a host sets it.
    for booking, steps in [
        (visits[0], ["seated", "completed"]),
        (visits[1], ["seated"]),
        (visits[2], ["seated"]),
        (missed, ["no_show"]),
        (dropped, ["cancelled"]),
    ]:
        on_the_day = dt.datetime.combine(booking.date, dt.time(9, 0), tzinfo=dt.UTC)
        with time_machine.travel(on_the_day):
            for status in steps:
                booking_set_status(booking=booking, status=status)
    with time_machine.travel(dt.datetime(2025, 3, 6, 9, 0, tzinfo=dt.UTC)):
        guest = guests_with_history(restaurant=ru_restaurant).get()
    assert (guest.visits, guest.no_shows, guest.cancellations) == (3, 1, 1)
    assert guest.bookings_total == 7
    assert guest.last_visit == visits[2].date
    assert guest.next_visit == upcoming.date
    assert later.date > guest.next_visit


def test_a_guest_without_bookings_has_zeros_and_no_dates(ru_restaurant):
    Guest.objects.create(restaurant=ru_restaurant, name="New")
    guest = guests_with_history(restaurant=ru_restaurant).get()
    assert (guest.visits, guest.no_shows, guest.cancellations) == (0, 0, 0)
    assert (guest.last_visit, guest.next_visit) == (None, None)


def test_the_guest_list_costs_one_query_however_many_guests(
    ru_restaurant, tomorrow, django_assert_num_queries
):
    def read() -> list:
        return [
            (g.name, g.visits, g.no_shows, g.next_visit, g.tags)
            for g in guests_with_history(restaurant=ru_restaurant)
        ]

    book(ru_restaurant, tomorrow, "A", phone="+79120000001")
    with django_assert_num_queries(1):
        assert len(read()) == 1
    for i in range(2, 30):
        book(ru_restaurant, tomorrow, f"G{i}", f"{12 + i % 10}:00", phone=f"+7912000{i:04d}")
    with django_assert_num_queries(1):
        assert len(read()) == 29


# --- Search ----------------------------------------------------------------------------------


@pytest.fixture
def guests(ru_restaurant, other_restaurant):
    Guest.objects.create(
        restaurant=ru_restaurant,
        name="Ivan Petrov",
        phone="+79123456789",
        email="ivan@example.com",
        tags=["VIP"],
    )
    Guest.objects.create(
        restaurant=ru_restaurant, name="Olga", phone="+79990001122", tags=["allergy", "regular"]
    )
    Guest.objects.create(restaurant=ru_restaurant, name="Анна", email="anna@mail.ru")
    Guest.objects.create(restaurant=other_restaurant, name="Ivan Elsewhere", phone="+79123456789")


@pytest.mark.parametrize(
    ("search", "names"),
    [
        ("ivan", ["Ivan Petrov"]),
        ("petr", ["Ivan Petrov"]),
        ("Анна", ["Анна"]),
        ("+7 912 345-67-89", ["Ivan Petrov"]),
        ("89123456789", ["Ivan Petrov"]),
        ("345-67", ["Ivan Petrov"]),
        ("8 912 345", ["Ivan Petrov"]),
        ("+7 912", ["Ivan Petrov"]),
        ("912", ["Ivan Petrov"]),
        ("1122", ["Olga"]),
        ("mail.ru", ["Анна"]),
        ("example", ["Ivan Petrov"]),
        ("vip", ["Ivan Petrov"]),
        ("allerg", ["Olga"]),
        ("nobody", []),
        ("", ["Ivan Petrov", "Olga", "Анна"]),
    ],
)
def test_search_by_name_phone_in_any_format_email_and_tag(ru_restaurant, guests, search, names):
    found = [g.name for g in guests_with_history(restaurant=ru_restaurant, search=search)]
    assert sorted(found) == sorted(names)


def test_filter_by_tag_is_whole_and_case_blind(ru_restaurant, guests):
    assert [g.name for g in guests_with_history(restaurant=ru_restaurant, tag="vip")] == [
        "Ivan Petrov"
    ]
    assert [g.name for g in guests_with_history(restaurant=ru_restaurant, tag="allergy")] == [
        "Olga"
    ]
    assert not guests_with_history(restaurant=ru_restaurant, tag="aller").exists()


def test_suggestions_need_two_letters_or_three_digits(ru_restaurant, guests):
    assert guest_suggestions(restaurant=ru_restaurant, query="I") == []
    assert guest_suggestions(restaurant=ru_restaurant, query="91") == []
    assert [g.name for g in guest_suggestions(restaurant=ru_restaurant, query="912")] == [
        "Ivan Petrov"
    ]
    assert [g.name for g in guest_suggestions(restaurant=ru_restaurant, query="ol")] == ["Olga"]


# --- Edits and tags --------------------------------------------------------------------------


def test_tags_are_trimmed_deduplicated_and_take_the_vocabularys_spelling():
    assert clean_tags([" vip ", "VIP", "Allergy", "  window   seat ", ""]) == [
        "VIP",
        "allergy",
        "window seat",
    ]


@pytest.mark.parametrize(
    "tags",
    [
        "VIP",
        [1, 2],
        ["x" * 31],
        [f"t{i}" for i in range(11)],
        ["a|b"],
        ["a,b"],
    ],
)
def test_bad_tags_are_refused(tags):
    with pytest.raises(BookingInvalid) as exc:
        clean_tags(tags)
    assert exc.value.field == "tags"


def test_guest_update_normalizes_and_validates(ru_restaurant):
    guest = Guest.objects.create(restaurant=ru_restaurant, name="Ivan")
    guest_update(guest=guest, phone="8 912 345 67 89", notes="  nuts!  ", tags=["vip", "birthday"])
    guest.refresh_from_db()
    assert (guest.phone, guest.notes, guest.tags) == ("+79123456789", "nuts!", ["VIP", "birthday"])
    assert guest.tag_index == "|vip|birthday|"
    for field, value in [("name", "  "), ("email", "nope"), ("phone", "12"), ("notes", "x" * 2001)]:
        with pytest.raises(BookingInvalid) as exc:
            guest_update(guest=guest, **{field: value})
        assert exc.value.field == field
    guest.refresh_from_db()
    assert guest.name == "Ivan"


def test_a_phone_of_another_guest_is_refused(ru_restaurant):
    Guest.objects.create(restaurant=ru_restaurant, name="A", phone="+79123456789")
    b = Guest.objects.create(restaurant=ru_restaurant, name="B")
    with pytest.raises(BookingInvalid, match="Merge"):
        guest_update(guest=b, phone="89123456789")
    b.refresh_from_db()
    assert b.phone == ""


# --- Merge -----------------------------------------------------------------------------------


def test_merge_moves_bookings_and_keeps_what_the_target_lacks(ru_restaurant, tomorrow):
    into = book(ru_restaurant, tomorrow, "Ivan", phone="+79120000001").guest
    guest_update(guest=into, notes="Window", tags=["VIP"])
    dup_booking = book(ru_restaurant, tomorrow, "Ivan", "19:00")  # linked by name
    assert dup_booking.guest == into
    other = Guest.objects.create(
        restaurant=ru_restaurant,
        name="I. Petrov",
        phone="+79120000002",
        email="ivan@example.com",
        notes="Nuts",
        tags=["allergy", "vip"],
    )
    moved = [
        book(ru_restaurant, tomorrow, "I. Petrov", t, phone="+79120000002")
        for t in ("20:00", "21:00")
    ]
    merged = guest_merge(into=into, other=other)
    assert not Guest.objects.filter(pk=other.pk).exists()
    assert {b.guest_id for b in Booking.objects.filter(pk__in=[m.pk for m in moved])} == {into.pk}
    assert merged.bookings.count() == 4
    assert merged.email == "ivan@example.com"
    assert merged.phone == "+79120000001"  # its own phone stays
    assert merged.notes == "Window\n\nNuts"
    assert merged.tags == ["VIP", "allergy"]
    assert guests_with_history(restaurant=ru_restaurant).get(pk=into.pk).bookings_total == 4


def test_merge_takes_the_phone_when_the_target_has_none(ru_restaurant, tomorrow):
    into = Guest.objects.create(restaurant=ru_restaurant, name="Ivan")
    other = book(ru_restaurant, tomorrow, "Ivan P", phone="+79120000002").guest
    merged = guest_merge(into=into, other=other)
    assert merged.phone == "+79120000002"
    assert book(ru_restaurant, tomorrow, "x", "19:00", phone="89120000002").guest == merged


def test_merge_refuses_itself_and_another_restaurants_guest(ru_restaurant, other_restaurant):
    a = Guest.objects.create(restaurant=ru_restaurant, name="A")
    foreign = Guest.objects.create(restaurant=other_restaurant, name="F")
    for other in (a, foreign):
        with pytest.raises(BookingInvalid) as exc:
            guest_merge(into=a, other=other)
        assert exc.value.field == "other_id"
    assert Guest.objects.count() == 2


# --- Forget ----------------------------------------------------------------------------------


def test_forget_anonymizes_past_bookings_and_deletes_the_guest(ru_restaurant):
    with time_machine.travel(dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)):
        today = ru_restaurant.today()
        past = book(
            ru_restaurant, today, "Ivan", phone="+79123456789", email="i@example.com", notes="nuts"
        )
        cancelled = book(ru_restaurant, today + dt.timedelta(days=9), "Ivan", phone="+79123456789")
        booking_set_status(booking=cancelled, status="cancelled")
        upcoming = book(ru_restaurant, today + dt.timedelta(days=10), "Ivan", phone="+79123456789")
        stranger = book(ru_restaurant, today, "Olga", "19:00", phone="+79990000000")
    guest = past.guest
    with time_machine.travel(dt.datetime(2025, 3, 5, 9, 0, tzinfo=dt.UTC)):
        assert guest_forget(guest=Guest.objects.select_related("restaurant").get(pk=guest.pk)) == 2
    assert not Guest.objects.filter(pk=guest.pk).exists()
    for b in (past, cancelled):
        b.refresh_from_db()
        assert (b.client_name, b.phone, b.email, b.notes, b.guest) == (
            "Forgotten guest",
            "",
            "",
            "",
            None,
        )
        assert b.party_size == 2 and b.date
    past.refresh_from_db()
    assert past.date == today
    upcoming.refresh_from_db()
    assert (upcoming.client_name, upcoming.guest) == ("Ivan", None)
    stranger.refresh_from_db()
    assert stranger.client_name == "Olga" and stranger.guest is not None
    # The audit trail held the old values: its entries about them are gone too.
    assert not LogEntry.objects.get_for_object(past).exists()
    assert not LogEntry.objects.get_for_object(guest).exists()
    assert "+79123456789" not in str(
        list(LogEntry.objects.exclude(object_pk=str(upcoming.pk)).values_list("changes", flat=True))
    )
