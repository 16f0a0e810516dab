from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking
from bookings.services import booking_create


@pytest.mark.django_db(transaction=True)
def test_status_change_in_admin_is_audited_with_who_and_what(admin_client, restaurant, tomorrow):
    booking = booking_create(
        restaurant=restaurant, date=tomorrow, time_slot="18:00", client_name="Anna"
    )
    admin_client.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": "mark_cancelled", "_selected_action": [booking.pk]},
    )
    entry = LogEntry.objects.get_for_object(booking).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor.username == "admin"
    assert entry.changes_dict["status"] == ["confirmed", "cancelled"]
    # The log is readable in admin.
    page = admin_client.get(reverse("admin:auditlog_logentry_changelist"))
    assert page.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_settings_change_in_admin_is_audited(admin_client, restaurant):
    url = reverse("admin:restaurants_restaurant_change", args=[restaurant.pk])
    form = {
        "name": "Blue Door",
        "default_table_count": 9,
        "country": "RU",
        "time_zone": "Europe/Moscow",
        "opening_time": "12:00",
        "closing_time": "23:00",
        "slot_minutes": 60,
        "host_choice": "",
        "greeting_text": "",
        "info_text": "",
        "table_overrides-TOTAL_FORMS": 0,
        "table_overrides-INITIAL_FORMS": 0,
        "tables-TOTAL_FORMS": 0,
        "tables-INITIAL_FORMS": 0,
        "visit_lengths-TOTAL_FORMS": 0,
        "visit_lengths-INITIAL_FORMS": 0,
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
        "slug": restaurant.slug,
        "online_min_notice_minutes": 120,
        "online_days_ahead": 60,
        "online_max_party": 8,
        "online_change_cutoff_minutes": 120,
    }
    assert admin_client.post(url, form).status_code == 302
    entry = LogEntry.objects.get_for_object(restaurant).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor.username == "admin"
    assert entry.changes_dict["default_table_count"] == [5, 9]


def test_booking_without_a_request_is_audited_without_an_actor(restaurant, tomorrow):
    booking = booking_create(
        restaurant=restaurant, date=tomorrow, time_slot="18:00", client_name="Anna"
    )
    entry = LogEntry.objects.get_for_object(booking).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor is None
    assert Booking.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_api_changes_are_audited_with_the_token_user(host_api, host, restaurant, tomorrow):
    response = host_api.post(
        "/bookings",
        {
            "restaurant_id": restaurant.pk,
            "date": tomorrow.isoformat(),
            "time_slot": "18:00",
            "client_name": "Anna",
        },
        format="json",
    )
    booking = Booking.objects.get(pk=response.json()["booking_id"])
    host_api.post(f"/bookings/{booking.pk}/cancel")
    entries = LogEntry.objects.get_for_object(booking).order_by("timestamp")
    assert [(e.action, e.actor) for e in entries] == [
        (LogEntry.Action.CREATE, host),
        (LogEntry.Action.UPDATE, host),
    ]


def test_a_new_bookings_audit_entry_is_the_one_save_records(restaurant, tomorrow):
    """The booking core writes a new booking's row itself (crm.sql.insert), sending save()'s
    signals: its audit entry records every field as Booking.objects.create's does."""
    made = booking_create(
        restaurant=restaurant,
        date=tomorrow,
        time_slot="18:00",
        client_name="Anna",
        phone="89123456789",
        email="anna@example.com",
        notes="Window",
        party_size=3,
    )
    saved = Booking.objects.create(
        restaurant=restaurant,
        guest=made.guest,
        date=tomorrow,
        time_slot="19:00",
        starts_at=made.starts_at,
        ends_at=made.ends_at,
        client_name="Anna",
        party_size=3,
        phone=made.phone,
        email="anna@example.com",
        notes="Window",
        source=made.source,
        language=made.language,
    )
    ours, theirs = (LogEntry.objects.get_for_object(b).get() for b in (made, saved))
    assert (ours.action, ours.object_repr) == (LogEntry.Action.CREATE, str(made))
    ours_changes, theirs_changes = ours.changes_dict, theirs.changes_dict
    assert ours_changes.keys() == theirs_changes.keys()
    for field in ours_changes.keys() - {"id", "time_slot"}:
        assert ours_changes[field] == theirs_changes[field], field
    assert (ours_changes["id"], theirs_changes["id"]) == ([None, made.pk], [None, saved.pk])
    made.refresh_from_db()
    assert made.created_at is not None and made.updated_at >= made.created_at


def new_booking(restaurant, date, name: str, visit, **extra) -> Booking:
    """A booking not saved yet, its visit a moment (what the audit log records, not a real one)."""
    return Booking(
        restaurant=restaurant,
        date=date,
        time_slot="18:00",
        client_name=name,
        starts_at=visit,
        ends_at=visit,
        **extra,
    )


@pytest.mark.django_db(transaction=True)
def test_a_new_bookings_entry_is_the_one_auditlog_writes(host, restaurant, tomorrow):
    """crm.audit writes a new booking's entry itself: field for field what auditlog's own
    receiver writes for the same row, actor and address included."""
    from auditlog.context import set_actor

    from crm import audit

    def entry_for(booking) -> dict:
        entry = LogEntry.objects.get_for_object(booking).get()
        values = {
            field.attname: getattr(entry, field.attname)
            for field in LogEntry._meta.concrete_fields
            if field.name not in ("id", "timestamp")
        }
        values["changes"] = {
            name: change
            for name, change in entry.changes_dict.items()
            if name not in ("id", "client_name")
        }
        values.pop("object_pk"), values.pop("object_id"), values.pop("object_repr")
        return values

    visit = timezone.now()

    def booking(name: str) -> Booking:
        return new_booking(restaurant, tomorrow, name, visit, created_by=host)

    with set_actor(host, remote_addr="10.1.2.3"):
        ours = booking("Anna")
        audit.insert_logged(ours)
        theirs = booking("Boris")
        theirs.save()  # auditlog's receiver writes this one
    written, expected = entry_for(ours), entry_for(theirs)
    assert written == expected
    assert written["actor_id"] == host.pk and written["remote_addr"] == "10.1.2.3"
    ours_entry = LogEntry.objects.get_for_object(ours).get()
    assert ours_entry.object_id == ours.pk and ours_entry.object_repr == str(ours)
    assert ours_entry.changes_dict["client_name"] == [None, "Anna"]


@pytest.mark.django_db(transaction=True)
def test_no_entry_when_the_log_is_turned_off(restaurant, tomorrow):
    from auditlog.context import disable_auditlog

    from crm import audit

    with disable_auditlog():
        booking = new_booking(restaurant, tomorrow, "Anna", timezone.now())
        audit.insert_logged(booking)
    assert booking.pk is not None
    assert not LogEntry.objects.get_for_object(booking).exists()
