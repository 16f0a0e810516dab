"""Find a booking across dates, and the day's run sheet."""

from __future__ import annotations

import datetime as dt

import pytest

from bookings.guests.services import guest_update
from bookings.models import Booking
from bookings.services import booking_create, booking_set_status
from restaurants.models import Table

SEARCH = "/app/bookings/search/"
RUN_SHEET = "/app/bookings/run-sheet/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def book(restaurant, date, time_slot="18:00", name="Anna", **extra) -> Booking:
    return booking_create(
        restaurant=restaurant, date=date, time_slot=time_slot, client_name=name, **extra
    )


def found(response) -> list[int]:
    html = response.content.decode()
    return [int(part.split('"')[0]) for part in html.split('data-result="')[1:]]


@pytest.fixture
def bookings(restaurant, tomorrow):
    later = tomorrow + dt.timedelta(days=20)
    return {
        "anna": book(restaurant, tomorrow, "18:00", "Anna Petrova", phone="+7 916 123-45-67"),
        "boris": book(restaurant, later, "19:00", "Борис Иванов", phone="89161112233"),
        "anna_later": book(restaurant, later, "20:00", "anna petrova"),
    }


def test_finds_by_name_across_dates_soonest_first(host_client, bookings):
    response = host_client.get(SEARCH, {"q": "petrova"}, **HTMX)
    assert response.status_code == 200
    assert found(response) == [bookings["anna"].pk, bookings["anna_later"].pk]
    # Each result links to its day's list, the booking picked out.
    anna = bookings["anna"]
    link = f"/app/bookings/?date={anna.date.isoformat()}&amp;booking={anna.pk}#booking-{anna.pk}"
    assert link in response.content.decode()


def test_finds_a_cyrillic_name_in_any_case(host_client, bookings):
    for query in ("борис", "Борис", "ИВАНОВ"):
        response = host_client.get(SEARCH, {"q": query}, **HTMX)
        assert found(response) == [bookings["boris"].pk], query


def test_finds_by_phone_digits_in_any_format(host_client, bookings):
    for query in ("123 45", "8 916 123-45-67", "+79161234567", "1112233"):
        response = host_client.get(SEARCH, {"q": query}, **HTMX)
        expected = bookings["boris"] if query == "1112233" else bookings["anna"]
        assert found(response) == [expected.pk], query


def test_finds_by_booking_number(host_client, bookings):
    boris = bookings["boris"]
    for query in (str(boris.pk), f"#{boris.pk}"):
        assert boris.pk in found(host_client.get(SEARCH, {"q": query}, **HTMX))


def test_past_bookings_come_after_the_coming_ones(host_client, restaurant, bookings):
    past = Booking.objects.create(
        restaurant=restaurant,
        date=restaurant.today() - dt.timedelta(days=3),
        time_slot="18:00",
        starts_at=bookings["anna"].starts_at - dt.timedelta(days=4),
        ends_at=bookings["anna"].ends_at - dt.timedelta(days=4),
        client_name="Anna Petrova",
        source="page",
        status="completed",
    )
    response = host_client.get(SEARCH, {"q": "anna"}, **HTMX)
    assert found(response) == [bookings["anna"].pk, bookings["anna_later"].pk, past.pk]


def test_nothing_found_says_so_and_an_empty_query_lists_nothing(host_client, bookings):
    response = host_client.get(SEARCH, {"q": "Zed"}, **HTMX)
    assert found(response) == []
    assert "No booking matches “Zed”." in response.content.decode()
    assert found(host_client.get(SEARCH, {"q": "   "}, **HTMX)) == []


def test_htmx_gets_the_results_alone_and_without_javascript_a_page(host_client, bookings):
    partial = host_client.get(SEARCH, {"q": "anna"}, **HTMX).content.decode()
    assert partial.lstrip().startswith('<div id="search-results"')
    page = host_client.get(SEARCH, {"q": "anna"}).content.decode()
    assert "<html" in page and 'id="booking-search"' in page and 'value="anna"' in page
    assert len(found(host_client.get(SEARCH, {"q": "anna"}))) == 2


def test_another_restaurants_bookings_are_never_found(
    host_client, bookings, other_restaurant, tomorrow
):
    theirs = book(other_restaurant, tomorrow, "18:00", "Anna Petrova", phone="+79161234567")
    for query in ("anna", "1234567", str(theirs.pk)):
        assert theirs.pk not in found(host_client.get(SEARCH, {"q": query}, **HTMX))


def test_odd_queries_answer_without_error(host_client, bookings):
    for query in ("%", "_", "'; drop", "9" * 40, "#", "a" * 500):
        assert host_client.get(SEARCH, {"q": query}, **HTMX).status_code == 200


def test_search_needs_sign_in(client, db):
    response = client.get(SEARCH, {"q": "anna"})
    assert response.status_code == 302


def test_the_day_page_picks_out_the_booking_it_is_sent_to(host_client, bookings):
    anna = bookings["anna"]
    html = host_client.get(
        "/app/bookings/", {"date": anna.date.isoformat(), "booking": anna.pk}
    ).content.decode()
    row = html.split(f'id="booking-{anna.pk}"')[1].split(">")[0]
    assert "data-highlight" in row
    assert html.count("data-highlight") == 1
    assert (
        "data-highlight"
        not in host_client.get("/app/bookings/", {"date": anna.date.isoformat(), "booking": "x"})
        .content.decode()
        .split("day-bookings-title")[1]
    )


# The run sheet


@pytest.fixture
def evening(restaurant, tomorrow):
    for position, (name, seats) in enumerate((("W1", 2), ("W2", 4), ("W3", 4))):
        Table.objects.create(
            restaurant=restaurant, name=name, max_seats=seats, area="hall", position=position
        )
    anna = book(
        restaurant,
        tomorrow,
        "19:00",
        "Anna Petrova",
        phone="+79161234567",
        party_size=2,
        notes="Window please",
    )
    guest_update(guest=anna.guest, tags=["VIP", "allergy"], notes="Nut allergy")
    boris = book(restaurant, tomorrow, "18:00", "Boris", party_size=4, phone="+79160000001")
    gone = book(restaurant, tomorrow, "20:00", "Cancelled Carl", party_size=3)
    booking_set_status(booking=gone, status="cancelled")
    return {"anna": anna, "boris": boris, "gone": gone}


def test_run_sheet_lists_the_days_bookings_in_time_order(host_client, evening, tomorrow):
    response = host_client.get(RUN_SHEET, {"date": tomorrow.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr ")[1:]
    assert [r.split('data-booking="')[1].split('"')[0] for r in rows] == [
        str(evening["boris"].pk),
        str(evening["anna"].pk),
    ]
    anna = rows[1]
    for text in ("19:00", "Anna Petrova", "+79161234567", "Window please", "Nut allergy"):
        assert text in anna, text
    assert 'data-testid="run-sheet-tables">W' in anna
    assert ">2<" in anna  # the party
    assert anna.count('data-testid="run-sheet-tag"') == 2
    assert "Cancelled Carl" not in html
    assert "2 bookings, 6 guests" in html
    assert "1 cancelled or missed, not listed" in html


def test_run_sheet_has_no_navigation_buttons_or_forms(host_client, evening, tomorrow):
    html = host_client.get(RUN_SHEET, {"date": tomorrow.isoformat()}).content.decode()
    for markup in ("<nav", "<button", "<form", "<aside", 'class="btn', "<script"):
        assert markup not in html, markup


def test_run_sheet_is_linked_from_the_days_list(host_client, tomorrow):
    html = host_client.get("/app/bookings/", {"date": tomorrow.isoformat()}).content.decode()
    assert f'href="{RUN_SHEET}?date={tomorrow.isoformat()}"' in html


def test_run_sheet_in_russian(host_client, evening, tomorrow):
    host_client.cookies["django_language"] = "ru"
    html = host_client.get(RUN_SHEET, {"date": tomorrow.isoformat()}).content.decode()
    assert "Лист на смену" in html
    assert "2 брони, 6 гостей" in html
    assert "Anna Petrova" in html


def test_run_sheet_of_an_empty_day_and_a_bad_date(host_client, restaurant, tomorrow):
    html = host_client.get(RUN_SHEET, {"date": tomorrow.isoformat()}).content.decode()
    assert 'data-testid="run-sheet-empty"' in html
    today = restaurant.today()
    response = host_client.get(RUN_SHEET, {"date": "2025-13-40"})
    assert response.status_code == 200
    assert today.strftime("%Y") in response.content.decode()


def test_run_sheet_shows_only_the_current_restaurant(
    host_client, evening, other_restaurant, tomorrow
):
    book(other_restaurant, tomorrow, "18:00", "Their Guest")
    html = host_client.get(RUN_SHEET, {"date": tomorrow.isoformat()}).content.decode()
    assert "Their Guest" not in html
