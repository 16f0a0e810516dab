"""The guest pages as a host and a manager use them: list and search, profile, merge, forget,
the booking dialog's suggestions, tags on the day's bookings, and the CSV exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from bookings.models import Booking, Guest
from bookings.services import booking_create
from conftest import make_user


@pytest.fixture
def ivan(restaurant, tomorrow) -> Guest:
    return booking_create(
        restaurant=restaurant,
        date=tomorrow,
        time_slot="18:00",
        client_name="Ivan <b>Petrov</b>",
        phone="+79123456789",
    ).guest


def test_sidebar_leads_to_the_guests_page(host_client, ivan):
    html = host_client.get("/app/bookings/").content.decode()
    assert 'href="/app/guests/"' in html
    response = host_client.get("/app/guests/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-current="page">Guests<' in html
    # A name with markup is shown as text.
    assert "Ivan &lt;b&gt;Petrov&lt;/b&gt;" in html and "<b>Petrov</b>" not in html
    assert f'href="/app/guests/{ivan.pk}/"' in html


def test_search_as_you_type_answers_the_results_alone(host_client, restaurant, ivan):
    Guest.objects.create(restaurant=restaurant, name="Olga")
    response = host_client.get(
        "/app/guests/?q=912+345",
        headers={"HX-Request": "true", "HX-Target": "guest-results"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="guest-results"')
    assert "Petrov" in html and "Olga" not in html
    assert "<aside" not in html
    assert "HX-Target" in response["Vary"]


def test_the_list_is_paginated(host_client, restaurant):
    Guest.objects.bulk_create(
        Guest(restaurant=restaurant, name=f"Guest {i:03d}") for i in range(30)
    )
    first = host_client.get("/app/guests/").content.decode()
    assert "Guest 024" in first and "Guest 025" not in first
    assert "Page 1 of 2" in first and "page=2" in first
    second = host_client.get("/app/guests/?page=2").content.decode()
    assert "Guest 025" in second and "Guest 000" not in second
    assert host_client.get("/app/guests/?page=zzz").status_code == 200


def test_list_query_count_does_not_grow_with_guests(
    host_client, restaurant, tomorrow, django_assert_max_num_queries
):
    for i in range(20):
        booking_create(
            restaurant=restaurant,
            date=tomorrow,
            time_slot=f"{12 + i % 10}:00",
            client_name=f"G{i}",
            phone=f"+7912000{i:04d}",
        )
    with django_assert_max_num_queries(12) as few:
        host_client.get("/app/guests/")
    baseline = len(few.captured_queries)
    Guest.objects.bulk_create(Guest(restaurant=restaurant, name=f"X{i}") for i in range(5))
    with django_assert_max_num_queries(baseline):
        host_client.get("/app/guests/")


def test_profile_shows_history_and_saves_notes_and_tags(host_client, ivan, tomorrow):
    response = host_client.get(f"/app/guests/{ivan.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="history"' in html and tomorrow.isoformat() in html
    assert "Forget this guest" not in html  # managers only

    response = host_client.post(
        f"/app/guests/{ivan.pk}/",
        {
            "name": "Ivan Petrov",
            "phone": "+7 912 345-67-89",
            "email": "",
            "notes": "Allergic to nuts",
            "tags": ["VIP", "allergy"],
            "other_tags": "window seat, vip",
        },
    )
    assert response.status_code == 302
    ivan.refresh_from_db()
    assert (ivan.name, ivan.notes) == ("Ivan Petrov", "Allergic to nuts")
    assert ivan.tags == ["VIP", "allergy", "window seat"]


def test_profile_opens_each_booking_in_the_panel_and_refreshes_its_history(
    host_client, restaurant, ivan
):
    booking = ivan.bookings.get()
    html = host_client.get(f"/app/guests/{ivan.pk}/").content.decode()
    assert f'hx-get="/app/bookings/{booking.pk}/" hx-target="#booking-dialog-body"' in html
    assert 'id="booking-dialog"' in html and 'id="live-poll"' in html
    booking.status = Booking.Status.CANCELLED
    booking.save(update_fields=["status"])
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "guest-history"}
    part = host_client.get(f"/app/guests/{ivan.pk}/", **headers).content.decode()
    assert part.strip().startswith('<section id="guest-history"') and "<form" not in part
    assert f'data-booking="{booking.pk}" data-status="cancelled"' in part
    headers["HTTP_HX_TARGET"] = "guest-stats"
    part = host_client.get(f"/app/guests/{ivan.pk}/", **headers).content.decode()
    assert part.strip().startswith('<dl id="guest-stats"') and 'data-testid="visits"' in part


def test_profile_errors_appear_beside_the_field_and_save_nothing(host_client, ivan):
    response = host_client.post(
        f"/app/guests/{ivan.pk}/",
        {"name": "Ivan", "phone": "12", "email": "", "notes": "x", "other_tags": ""},
    )
    assert response.status_code == 200
    assert 'data-field-error="phone"' in response.content.decode()
    ivan.refresh_from_db()
    assert ivan.notes == ""
    response = host_client.post(
        f"/app/guests/{ivan.pk}/",
        {"name": "Ivan", "phone": "", "email": "", "notes": "", "other_tags": "x" * 31},
    )
    assert 'data-field-error="other_tags"' in response.content.decode()


def test_another_restaurants_guest_is_a_404_on_every_page(
    host_client, other_restaurant, tomorrow, manager_client
):
    foreign = booking_create(
        restaurant=other_restaurant,
        date=tomorrow,
        time_slot="18:00",
        client_name="Stranger",
        phone="+79990000000",
    ).guest
    for url in ("", "merge/", "forget/"):
        assert manager_client.get(f"/app/guests/{foreign.pk}/{url}").status_code == 404
        assert manager_client.post(f"/app/guests/{foreign.pk}/{url}").status_code == 404
    assert host_client.get("/app/guests/99999999999999999999/").status_code == 404
    assert "0 guests" in host_client.get("/app/guests/?q=Stranger").content.decode()
    suggestions = host_client.get("/app/guests/suggest/?phone=999").content.decode()
    assert "Stranger" not in suggestions
    assert Guest.objects.filter(pk=foreign.pk).exists()


def test_merge_and_forget_are_for_managers(host_client, restaurant, ivan):
    other = Guest.objects.create(restaurant=restaurant, name="Ivan P")
    assert host_client.get(f"/app/guests/{ivan.pk}/merge/").status_code == 403
    assert host_client.post(f"/app/guests/{ivan.pk}/merge/", {"other": other.pk}).status_code == 403
    assert host_client.post(f"/app/guests/{ivan.pk}/forget/").status_code == 403
    assert Guest.objects.count() == 2


def test_manager_merges_after_confirming(manager_client, restaurant, ivan, tomorrow):
    dup = booking_create(
        restaurant=restaurant,
        date=tomorrow,
        time_slot="19:00",
        client_name="Ivan P",
        phone="+79120000000",
    )
    page = manager_client.get(f"/app/guests/{ivan.pk}/merge/?q=Ivan+P").content.decode()
    assert f"?other={dup.guest_id}" in page
    confirm = manager_client.get(f"/app/guests/{ivan.pk}/merge/?other={dup.guest_id}")
    assert "Merge Ivan P" in confirm.content.decode()
    assert Guest.objects.filter(pk=dup.guest_id).exists()  # nothing happens before the POST
    response = manager_client.post(f"/app/guests/{ivan.pk}/merge/", {"other": dup.guest_id})
    assert response.status_code == 302
    dup.refresh_from_db()
    assert dup.guest_id == ivan.pk
    assert Guest.objects.count() == 1


def test_manager_forgets_after_confirming(manager_client, ivan):
    page = manager_client.get(f"/app/guests/{ivan.pk}/forget/").content.decode()
    assert "This cannot be undone." in page
    assert Guest.objects.filter(pk=ivan.pk).exists()
    response = manager_client.post(f"/app/guests/{ivan.pk}/forget/")
    assert response.status_code == 302 and response["Location"] == "/app/guests/"
    assert not Guest.objects.exists()


def test_booking_dialog_suggests_known_guests(host_client, ivan, tomorrow):
    dialog = host_client.get(
        f"/app/bookings/new/?date={tomorrow}&slot=18:00", headers={"HX-Request": "true"}
    ).content.decode()
    assert 'hx-get="/app/guests/suggest/"' in dialog and 'id="guest-suggestions"' in dialog
    html = host_client.get("/app/guests/suggest/?phone=8912345").content.decode()
    assert 'data-phone="+79123456789"' in html
    assert "Ivan &lt;b&gt;Petrov&lt;/b&gt;" in html
    assert (
        host_client.get("/app/guests/suggest/?client_name=iv")
        .content.decode()
        .count("data-guest-fill")
        == 1
    )
    assert "data-guest-fill" not in host_client.get("/app/guests/suggest/?phone=1").content.decode()


def test_guests_tags_show_on_their_bookings_without_a_query_each(
    host_client, restaurant, tomorrow, django_assert_max_num_queries
):
    for i in range(3):
        booking = booking_create(
            restaurant=restaurant,
            date=tomorrow,
            time_slot=f"1{i + 2}:00",
            client_name=f"G{i}",
            phone=f"+7912000000{i}",
        )
        booking.guest.tags = ["allergy", "VIP"]
        booking.guest.save()
    url = f"/app/bookings/?date={tomorrow}"
    headers = {"HX-Request": "true", "HX-Target": "day-bookings"}
    with django_assert_max_num_queries(20) as few:
        html = host_client.get(url, headers=headers).content.decode()
    assert html.count('data-testid="guest-tag"') == 6
    assert html.index(">VIP<") < html.index(">allergy<")  # VIP first
    booking_create(
        restaurant=restaurant,
        date=tomorrow,
        time_slot="18:00",
        client_name="G9",
        phone="+79990000009",
    ).guest.__class__.objects.filter(name="G9").update(tags=["VIP"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        host_client.get(url, headers=headers)


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_manager_exports_guests_and_bookings_from_the_page(manager_client, restaurant, tomorrow):
    booking_create(
        restaurant=restaurant,
        date=tomorrow,
        time_slot="18:00",
        client_name="Иван Петров",
        phone="+79123456789",
        notes="=HYPERLINK(1)",
    )
    page = manager_client.get("/app/guests/").content.decode()
    assert 'href="/app/guests/export/guests.csv"' in page
    response = manager_client.get("/app/guests/export/guests.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="guests-')
    rows = _rows(response)
    assert rows[0][:3] == ["id", "name", "phone"]
    assert rows[1][1:3] == ["Иван Петров", "+79123456789"]

    response = manager_client.get(f"/app/guests/export/bookings.csv?from={tomorrow}&to={tomorrow}")
    rows = _rows(response)
    assert [r[3] for r in rows[1:]] == ["Иван Петров"]
    assert rows[1][9] == "'=HYPERLINK(1)"
    bad = manager_client.get(f"/app/guests/export/bookings.csv?from={tomorrow}&to=2000-01-01")
    assert bad.status_code == 302
    assert "before the start" in manager_client.get(bad["Location"]).content.decode()


def test_hosts_may_not_export(host_client):
    assert host_client.get("/app/guests/export/guests.csv").status_code == 403
    assert host_client.get("/app/guests/export/bookings.csv").status_code == 403
    assert "export/guests.csv" not in host_client.get("/app/guests/").content.decode()


def test_a_user_without_restaurant_sees_no_guests(db):
    client = Client()
    client.force_login(make_user("loner"))
    assert client.get("/app/guests/").status_code == 403
    assert Booking.objects.count() == 0
