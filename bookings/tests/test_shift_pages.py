"""The host's shift on the pages: timeline, booking panel, walk-ins and the waitlist."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from bookings.models import Booking, WaitlistEntry
from bookings.services import (
    booking_create,
    booking_set_status,
    booking_update,
    booking_walk_in,
)
from bookings.tests.floors import describe_floor
from bookings.waitlist.services import waitlist_add

HTMX = {"HTTP_HX_REQUEST": "true"}
DAY = dt.date(2030, 6, 12)


@pytest.fixture
def evening(restaurant):
    """19:10 on DAY in the restaurant, the clock running."""
    with time_machine.travel(dt.datetime.combine(DAY, dt.time(19, 10), tzinfo=restaurant.tz)):
        yield DAY


def book(restaurant, date, time_slot="20:00", name="Anna", **extra) -> Booking:
    return booking_create(
        restaurant=restaurant, date=date, time_slot=time_slot, client_name=name, **extra
    )


# --- Timeline --------------------------------------------------------------------------------


def test_timeline_shows_tables_by_area_and_bars_with_name_size_status(
    evening, host_client, restaurant
):
    tables = describe_floor(restaurant)
    anna = book(restaurant, DAY, "20:00", party_size=4)
    walk_in = booking_walk_in(restaurant=restaurant, party_size=2, client_name="Boris")
    html = host_client.get("/app/timeline/", {"date": DAY.isoformat()}).content.decode()
    assert html.index(">hall<") < html.index(">terrace<")
    h4 = html.split(f'data-table="{tables["H4"].pk}"', 1)[1].split('class="tl-row', 1)[0]
    assert f'data-booking="{anna.pk}" data-status="confirmed"' in h4
    assert "Anna" in h4 and "· 4" in h4
    # 20:00 to 22:00 of a day from 12:00 to 23:00: from 8/11 of the span for 2/11 of it.
    assert "left: 72.727%; width: 18.182%" in h4
    h1 = html.split(f'data-table="{tables["H1"].pk}"', 1)[1].split('class="tl-row', 1)[0]
    assert f'data-booking="{walk_in.pk}" data-status="seated"' in h1
    assert 'data-testid="now-line"' in html
    # Free cells book that table at that time; taken and past ones are not offered.
    assert f'table={tables["H1"].pk}&amp;slot=21:00"' in html
    assert f'table={tables["H1"].pk}&amp;slot=19:00"' not in html
    assert f'table={tables["T6"].pk}&amp;slot=18:00"' not in html  # over
    assert f'table={tables["H4"].pk}&amp;slot=20:00"' not in h4
    assert f'table={tables["T6"].pk}&amp;slot=19:00"' in html  # running, and free


def test_timeline_of_another_day_has_no_now_line_and_cancelled_bookings_no_bar(
    evening, host_client, restaurant
):
    describe_floor(restaurant)
    later = DAY + dt.timedelta(days=1)
    gone = book(restaurant, later)
    booking_set_status(booking=gone, status="cancelled")
    html = host_client.get("/app/timeline/", {"date": later.isoformat()}).content.decode()
    assert 'data-testid="timeline"' in html
    assert 'data-testid="now-line"' not in html
    assert f'data-booking="{gone.pk}"' not in html


def test_timeline_shows_cancelled_and_no_shows_on_request_over_free_cells(
    evening, host_client, restaurant
):
    tables = describe_floor(restaurant)
    gone = book(restaurant, DAY, "20:00", name="Gone", party_size=4)
    booking_set_status(booking=gone, status="cancelled")
    absent = book(restaurant, DAY, "19:00", name="Absent", party_size=2)
    booking_set_status(booking=absent, status="no_show")
    kept = book(restaurant, DAY, "21:00", name="Kept", party_size=4)
    html = host_client.get("/app/timeline/", {"date": DAY.isoformat()}).content.decode()
    assert f'data-booking="{gone.pk}"' not in html and f'data-booking="{absent.pk}"' not in html
    toggle = html.split('data-testid="toggle-inactive"', 1)[0].rsplit("<a", 1)[1]
    assert f'href="/app/timeline/?date={DAY.isoformat()}&amp;inactive=show"' in toggle

    html = host_client.get(
        "/app/timeline/", {"date": DAY.isoformat(), "inactive": "show"}
    ).content.decode()
    assert "tl-with-inactive" in html and "Hide cancelled and no-shows" in html
    h4 = html.split(f'data-table="{tables["H4"].pk}"', 1)[1].split('class="tl-row', 1)[0]
    assert 'class="tl-bar status-cancelled tl-inactive"' in h4
    assert f'data-booking="{gone.pk}" data-status="cancelled"' in h4
    # Cancelled: its table is free at 20:00 to book again; the booking kept at 21:00 holds it.
    assert f'table={tables["H4"].pk}&amp;slot=20:00"' in h4
    assert f'table={tables["H4"].pk}&amp;slot=21:00"' not in h4
    assert f'data-booking="{kept.pk}" data-status="confirmed"' in h4
    assert 'class="tl-bar status-confirmed"' in h4
    h1 = html.split(f'data-table="{tables["H1"].pk}"', 1)[1].split('class="tl-row', 1)[0]
    assert f'data-booking="{absent.pk}" data-status="no_show"' in h1
    # The board's refresh, the other days and the date form keep the choice.
    assert f'hx-get="/app/timeline/?date={DAY.isoformat()}&amp;inactive=show"' in html
    assert f'?date={(DAY + dt.timedelta(days=1)).isoformat()}&amp;inactive=show" class' in html
    assert '<input type="hidden" name="inactive" value="show">' in html
    part = host_client.get(
        "/app/timeline/",
        {"date": DAY.isoformat(), "inactive": "show"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="timeline-board",
    ).content.decode()
    assert f'data-booking="{gone.pk}"' in part


def test_timeline_in_russian_keeps_css_numbers_with_a_dot(evening, host_client, restaurant):
    describe_floor(restaurant)
    book(restaurant, DAY, "20:00", party_size=4)
    host_client.cookies["django_language"] = "ru"
    html = host_client.get("/app/timeline/", {"date": DAY.isoformat()}).content.decode()
    assert "Таймлайн" in html
    assert "left: 72.727%" in html


def test_undescribed_floor_says_to_describe_it_and_lists_the_bookings(
    evening, host_client, restaurant
):
    anna = book(restaurant, DAY)
    html = host_client.get("/app/timeline/").content.decode()
    assert 'data-testid="undescribed-floor"' in html and "/app/settings/" in html
    assert f'data-booking="{anna.pk}"' in html
    assert f'href="/app/bookings/{anna.pk}/"' in html


def test_timeline_board_alone_for_htmx(evening, host_client, restaurant):
    describe_floor(restaurant)
    response = host_client.get(
        "/app/timeline/", {"date": DAY.isoformat()}, HTTP_HX_TARGET="timeline-board", **HTMX
    )
    html = response.content.decode()
    assert 'data-testid="timeline"' in html and "<html" not in html and "host-desk" not in html


def test_timeline_with_a_bad_date_shows_today(evening, host_client, restaurant):
    response = host_client.get("/app/timeline/", {"date": "2030-13-45"})
    assert response.status_code == 200
    assert "June 12, 2030" in response.content.decode()


def test_sidebar_links_the_timeline(host_client, restaurant):
    html = host_client.get("/app/bookings/").content.decode()
    assert 'href="/app/timeline/"' in html


def test_a_free_cell_opens_the_booking_dialog_with_that_table(evening, host_client, restaurant):
    tables = describe_floor(restaurant)
    response = host_client.get(
        "/app/bookings/new/",
        {"date": DAY.isoformat(), "slot": "21:00", "table": tables["H4"].pk},
        **HTMX,
    )
    html = response.content.decode()
    assert f'<option value="{tables["H4"].pk}" selected>' in html


# --- The booking panel -----------------------------------------------------------------------


def test_panel_shows_details_guest_history_and_the_days_actions(evening, host_client, restaurant):
    anna = book(restaurant, DAY, phone="+79123456789", notes="Window")
    anna.guest.tags = ["VIP"]
    anna.guest.notes = "Likes the corner"
    anna.guest.save()
    html = host_client.get(f"/app/bookings/{anna.pk}/", **HTMX).content.decode()
    assert 'data-testid="panel-name"' in html and "Anna" in html
    assert "Likes the corner" in html and "VIP" in html
    assert "0 visits" in html and "0 no-shows" in html
    actions = html.split('data-testid="panel-actions"', 1)[1].split("</div>", 1)[0]
    assert [a for a in ("seated", "no_show", "cancelled") if f'data-action="{a}"' in actions] == [
        "seated",
        "no_show",
        "cancelled",
    ]
    assert 'value="+79123456789"' in html and "Window" in html


def test_panel_of_a_later_booking_offers_only_cancel(evening, host_client, restaurant):
    later = book(restaurant, DAY + dt.timedelta(days=3))
    html = host_client.get(f"/app/bookings/{later.pk}/", **HTMX).content.decode()
    actions = html.split('data-testid="panel-actions"', 1)[1].split("</div>", 1)[0]
    assert 'data-action="cancelled"' in actions
    assert 'data-action="seated"' not in actions and 'data-action="no_show"' not in actions


def edit_form(booking, **changes) -> dict:
    data = {
        "client_name": booking.client_name,
        "phone": booking.phone,
        "email": booking.email,
        "party_size": booking.party_size,
        "date": booking.date.isoformat(),
        "time_slot": booking.time_slot,
        "notes": booking.notes,
    }
    return {**data, **changes}


def test_panel_moves_a_booking_to_another_table_and_time(evening, host_client, restaurant):
    tables = describe_floor(restaurant)
    anna = book(restaurant, DAY, "20:00", party_size=2)
    response = host_client.post(
        f"/app/bookings/{anna.pk}/edit/",
        edit_form(anna, time_slot="21:00", party_size=4, tables=[tables["T6"].pk]),
        **HTMX,
    )
    assert response.status_code == 200
    assert "bookings-changed" in json.loads(response["HX-Trigger"])
    anna.refresh_from_db()
    assert (anna.time_slot, anna.party_size, anna.table_names) == ("21:00", 4, "T6")
    html = response.content.decode()
    assert "time: 20:00 → 21:00" in html and "party size: 2 → 4" in html  # the history


def test_panel_move_that_does_not_fit_says_so_beside_the_field(evening, host_client, restaurant):
    tables = describe_floor(restaurant)
    book(restaurant, DAY, "21:00", name="Boris", party_size=6)  # T6 from 21:00
    anna = book(restaurant, DAY, "20:00", party_size=2)
    response = host_client.post(
        f"/app/bookings/{anna.pk}/edit/",
        edit_form(anna, time_slot="21:00", tables=[tables["T6"].pk]),
        **HTMX,
    )
    html = response.content.decode()
    assert 'data-field-error="tables"' in html and "taken" in html
    anna.refresh_from_db()
    assert (anna.time_slot, anna.table_names) == ("20:00", "H1")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"client_name": "  "}, "client_name"),
        ({"party_size": "0"}, "party_size"),
        ({"phone": "call me"}, "phone"),
        ({"time_slot": "25:00"}, "time_slot"),
        ({"date": "yesterday"}, "date"),
    ],
)
def test_panel_bad_input_shows_beside_the_field_and_writes_nothing(
    evening, host_client, restaurant, changes, field
):
    anna = book(restaurant, DAY)
    response = host_client.post(
        f"/app/bookings/{anna.pk}/edit/", edit_form(anna, **changes), **HTMX
    )
    assert response.status_code == 200
    assert f'data-field-error="{field}"' in response.content.decode()
    fresh = Booking.objects.get(pk=anna.pk)
    assert (fresh.client_name, fresh.party_size, fresh.time_slot) == ("Anna", 2, "20:00")


def test_panel_cancel_and_undo_while_the_table_is_free(evening, host_client, restaurant):
    anna = book(restaurant, DAY)
    url = f"/app/bookings/{anna.pk}/panel-status/"
    html = host_client.post(url, {"status": "cancelled"}, **HTMX).content.decode()
    assert 'data-status="cancelled"' in html and "Undo the cancel" in html
    html = host_client.post(url, {"status": "confirmed"}, **HTMX).content.decode()
    anna.refresh_from_db()
    assert anna.status == "confirmed"
    assert "status: Confirmed → Cancelled" in html and "status: Cancelled → Confirmed" in html


def test_panel_undo_refused_when_the_table_has_gone(evening, host_client, restaurant):
    anna = book(restaurant, DAY)
    booking_set_status(booking=anna, status="cancelled")
    for n in range(restaurant.default_table_count):
        book(restaurant, DAY, name=f"G{n}")
    html = host_client.post(
        f"/app/bookings/{anna.pk}/panel-status/", {"status": "confirmed"}, **HTMX
    ).content.decode()
    assert 'data-testid="panel-message"' in html and "No free tables" in html
    anna.refresh_from_db()
    assert anna.status == "cancelled"


def test_another_restaurants_booking_answers_404_in_the_panel(
    evening, host_client, restaurant, other_restaurant
):
    theirs = book(other_restaurant, DAY, name="Secret")
    assert host_client.get(f"/app/bookings/{theirs.pk}/").status_code == 404
    assert host_client.get("/app/bookings/999999/").status_code == 404
    response = host_client.post(f"/app/bookings/{theirs.pk}/edit/", edit_form(theirs))
    assert response.status_code == 404
    response = host_client.post(f"/app/bookings/{theirs.pk}/panel-status/", {"status": "cancelled"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "confirmed"


def test_an_open_panel_hears_204_until_its_booking_changes(evening, host_client, restaurant):
    anna = book(restaurant, DAY)
    html = host_client.get(f"/app/bookings/{anna.pk}/", **HTMX).content.decode()
    stamp = html.split('data-stamp="', 1)[1].split('"', 1)[0]
    assert f'data-panel-url="/app/bookings/{anna.pk}/"' in html
    panel = f"/app/bookings/{anna.pk}/"
    assert host_client.get(panel, {"stamp": stamp}, **HTMX).status_code == 204
    book(restaurant, DAY, "21:00", name="Boris")  # another booking: this panel is as it was
    assert host_client.get(panel, {"stamp": stamp}, **HTMX).status_code == 204
    booking_set_status(booking=anna, status="cancelled")  # as the API or another host would
    response = host_client.get(panel, {"stamp": stamp}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="cancelled"' in html and f'data-stamp="{stamp}"' not in html
    # A stamp that is not this panel's, or none, draws it; without htmx it is the page.
    assert host_client.get(panel, {"stamp": "<x>"}, **HTMX).status_code == 200
    assert host_client.get(panel, {"stamp": stamp}).status_code == 200


def test_the_live_poll_says_its_news_come_from_elsewhere(host_client, restaurant, tomorrow):
    host_client.get("/app/bookings/")
    response = host_client.get("/app/live/", {"v": "old"}, **HTMX)
    assert json.loads(response["HX-Trigger"])["bookings-changed"] == {"live": True}


def test_day_list_opens_the_panel(evening, host_client, restaurant):
    anna = book(restaurant, DAY)
    html = host_client.get("/app/bookings/", {"date": DAY.isoformat()}).content.decode()
    assert f'hx-get="/app/bookings/{anna.pk}/"' in html
    assert 'data-testid="host-desk"' in html and 'id="live-poll"' in html


# --- Walk-ins and the waitlist ---------------------------------------------------------------


def test_walk_in_from_the_desk_is_seated(evening, host_client, restaurant):
    describe_floor(restaurant)
    response = host_client.post("/app/walk-in/", {"party_size": "3", "client_name": ""}, **HTMX)
    events = json.loads(response["HX-Trigger"])
    assert "bookings-changed" in events
    assert events["show-message"]["message"].startswith("Seated: Walk-in, party of 3, at H4")
    booking = Booking.objects.get()
    assert (booking.status, booking.source) == ("seated", "walk_in")


def test_walk_in_when_nothing_fits_offers_the_waitlist_filled_in(evening, host_client, restaurant):
    for _ in range(restaurant.default_table_count):
        booking_walk_in(restaurant=restaurant, party_size=2)
    response = host_client.post("/app/walk-in/", {"party_size": "2", "client_name": "Olga"}, **HTMX)
    html = response.content.decode()
    assert 'data-testid="walk-in-error"' in html and "No free tables" in html
    assert 'open data-testid="waitlist-add"' in html
    assert 'name="name" value="Olga"' in html
    assert Booking.objects.count() == restaurant.default_table_count


@pytest.mark.parametrize("size", ["0", "x", "51", ""])
def test_walk_in_with_a_bad_party_size_shows_beside_the_field(
    evening, host_client, restaurant, size
):
    response = host_client.post("/app/walk-in/", {"party_size": size}, **HTMX)
    assert 'data-field-error="party_size"' in response.content.decode()
    assert not Booking.objects.exists()


def test_waitlist_add_seat_left_and_remove_on_the_desk(evening, host_client, restaurant):
    for _ in range(restaurant.default_table_count):
        booking_walk_in(restaurant=restaurant, party_size=2)
    response = host_client.post(
        "/app/waitlist/new/", {"name": "Olga", "phone": "", "party_size": "2", "notes": ""}, **HTMX
    )
    assert "quoted 50 min" in json.loads(response["HX-Trigger"])["show-message"]["message"]
    entry = WaitlistEntry.objects.get()
    html = response.content.decode()
    assert f'data-entry="{entry.pk}"' in html and "quoted 50 min" in html
    # No table yet: seating is refused and the party still waits.
    response = host_client.post(f"/app/waitlist/{entry.pk}/seat/", **HTMX)
    assert json.loads(response["HX-Trigger"])["show-message"]["level"] == "error"
    with time_machine.travel(dt.datetime.combine(DAY, dt.time(20, 1), tzinfo=restaurant.tz)):
        response = host_client.post(f"/app/waitlist/{entry.pk}/seat/", **HTMX)
    entry.refresh_from_db()
    assert entry.status == "seated" and entry.booking.source == "walk_in"
    other = waitlist_add(restaurant=restaurant, name="Pyotr", party_size=2)
    host_client.post(f"/app/waitlist/{other.pk}/left/", **HTMX)
    assert WaitlistEntry.objects.get(pk=other.pk).status == "left"
    host_client.post(f"/app/waitlist/{other.pk}/remove/", **HTMX)
    assert not WaitlistEntry.objects.filter(pk=other.pk).exists()


def test_waitlist_bad_input_shows_beside_the_field(evening, host_client, restaurant):
    response = host_client.post(
        "/app/waitlist/new/", {"name": "", "phone": "call me", "party_size": "2"}, **HTMX
    )
    assert 'data-field-error="name"' in response.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_another_restaurants_waitlist_entry_answers_404(
    evening, host_client, restaurant, other_restaurant
):
    theirs = waitlist_add(restaurant=other_restaurant, name="Secret", party_size=2)
    for action in ("seat", "left", "remove"):
        assert host_client.post(f"/app/waitlist/{theirs.pk}/{action}/").status_code == 404
    assert WaitlistEntry.objects.get(pk=theirs.pk).status == "waiting"
    assert host_client.post("/app/waitlist/999999/seat/").status_code == 404


# --- Live updates ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the version moves after the commit
def test_live_poll_answers_204_until_something_changes(host_client, restaurant, tomorrow):
    html = host_client.get("/app/bookings/").content.decode()
    version = html.split('data-version="', 1)[1].split('"', 1)[0]
    assert version
    assert host_client.get("/app/live/", {"v": version}, **HTMX).status_code == 204
    book(restaurant, tomorrow)  # as the API or another host would
    response = host_client.get("/app/live/", {"v": version}, **HTMX)
    assert response.status_code == 200
    assert "bookings-changed" in json.loads(response["HX-Trigger"])
    new = response.content.decode().split('data-version="', 1)[1].split('"', 1)[0]
    assert new != version
    assert host_client.get("/app/live/", {"v": new}, **HTMX).status_code == 204


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", [{"notes": "window"}, {"party_size": 3}, {"client_name": "Ann"}])
def test_live_poll_hears_a_change_that_moves_nothing(host_client, restaurant, tomorrow, change):
    """A name, a party's size or notes changed, on a floor without tables: no move, but the
    open pages show them, so they hear of it."""
    anna = book(restaurant, tomorrow)
    html = host_client.get("/app/bookings/").content.decode()
    version = html.split('data-version="', 1)[1].split('"', 1)[0]
    booking_update(booking=anna, **change)
    assert host_client.get("/app/live/", {"v": version}, **HTMX).status_code == 200


def test_live_poll_reads_no_database_beyond_the_session(
    host_client, restaurant, django_assert_max_num_queries
):
    host_client.get("/app/bookings/")
    with django_assert_max_num_queries(2):  # the session and its user
        host_client.get("/app/live/", {"v": "old"}, **HTMX)


def test_live_poll_signed_out_is_401(client):
    assert client.get("/app/live/").status_code == 401


def test_timeline_escapes_what_guests_type(evening, host_client, restaurant):
    describe_floor(restaurant)
    book(restaurant, DAY, name='<b>Eve</b> "x"')
    html = host_client.get("/app/timeline/").content.decode()
    assert "<b>Eve</b>" not in html
    assert "&lt;b&gt;Eve&lt;/b&gt; &quot;x&quot;" in html


def test_timeline_page_queries_do_not_grow_with_bookings(
    evening, host_client, restaurant, django_assert_max_num_queries
):
    describe_floor(restaurant)
    for n, time in enumerate(["19:00", "20:00", "21:00", "22:00"]):
        book(restaurant, DAY, time, name=f"Guest {n}")
    host_client.get("/app/timeline/")
    with django_assert_max_num_queries(14):
        host_client.get("/app/timeline/")
