"""`python manage.py demo`: a demo restaurant filled through the services, idempotent, and
never on a production setup unless forced."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import Count

from bookings.demo import DEMO_NAME
from bookings.models import Booking, BookingTable, Guest, WaitlistEntry
from restaurants.models import Membership, Restaurant, Table, VisitLength
from restaurants.services import bootstrap

# An evening under way, in the demo's time zone: some of today's bookings are over, some
# seated, some still to come.
EVENING = dt.datetime(2030, 6, 12, 19, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Moscow"))


@pytest.fixture
def evening(settings):
    settings.TIME_ZONE = "Europe/Moscow"
    with time_machine.travel(EVENING, tick=False):
        yield EVENING.date()


def run_demo(settings, *args: str) -> None:
    settings.DEBUG = True
    call_command("demo", *args)


def test_refuses_without_debug_and_writes_nothing(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("demo")
    assert not Restaurant.objects.filter(name=DEMO_NAME).exists()
    assert not Booking.objects.exists()


def test_force_runs_without_debug(db, settings, evening):
    settings.DEBUG = False
    call_command("demo", "--force")
    assert Booking.objects.filter(restaurant__name=DEMO_NAME).count() > 50


def test_fills_a_described_floor_and_a_week_in_every_status(db, settings, evening):
    bootstrap()
    run_demo(settings)
    demo = Restaurant.objects.get(name=DEMO_NAME)

    tables = Table.objects.filter(restaurant=demo)
    assert set(tables.values_list("area", flat=True)) == {"hall", "terrace", "bar"}
    groups = Counter(t.combination_group for t in tables if t.combination_group)
    assert groups and all(n >= 2 for n in groups.values())
    assert VisitLength.objects.filter(restaurant=demo).count() == 3

    bookings = Booking.objects.filter(restaurant=demo)
    days = sorted(set(bookings.values_list("date", flat=True)))
    assert days == [evening + dt.timedelta(days=n) for n in range(-3, 4)]
    today = bookings.filter(date=evening)
    assert set(today.values_list("status", flat=True)) == set(Booking.Status.values)
    past = bookings.filter(date__lt=evening)
    assert set(past.values_list("status", flat=True)) == {"completed", "no_show", "cancelled"}
    future = bookings.filter(date__gt=evening)
    assert set(future.values_list("status", flat=True)) == {"confirmed", "cancelled"}

    assert set(bookings.values_list("source", flat=True)) == {"page", "api", "assistant"}

    # Every booking that holds a table holds one of the floor for its visit; freed ones none.
    for booking in bookings.prefetch_related("held_tables"):
        held = [row for row in booking.held_tables.all() if row.active]
        assert bool(held) == booking.is_active, booking
        assert booking.ends_at > booking.starts_at

    guests = Guest.objects.filter(restaurant=demo)
    assert guests.exclude(tags=[]).count() >= 8
    assert guests.exclude(notes="").count() >= 5
    visits = guests.annotate(n=Count("bookings"))
    assert max(g.n for g in visits) >= 5  # a guest with a history

    # The first run's admin works there, as a manager, and restaurant 1 is left alone.
    assert Membership.objects.filter(
        user__username=settings.ADMIN_USERNAME, restaurant=demo, role="manager"
    ).exists()
    assert not Booking.objects.filter(restaurant_id=1).exists()


def test_todays_waitlist_has_parties_waiting_with_a_quote(db, settings, evening):
    run_demo(settings)
    demo = Restaurant.objects.get(name=DEMO_NAME)
    waiting = list(WaitlistEntry.objects.filter(restaurant=demo, date=evening))
    assert [(w.name, w.party_size, w.status) for w in waiting] == [
        ("Morozov", 4, "waiting"),
        ("Lena", 2, "waiting"),
    ]
    assert waiting[0].phone.startswith("+7912")


def test_running_twice_adds_nothing_and_keeps_what_was_changed(db, settings, evening):
    run_demo(settings)
    demo = Restaurant.objects.get(name=DEMO_NAME)
    demo.greeting_text = "Changed since"
    demo.save(update_fields=["greeting_text"])
    counts = (
        Restaurant.objects.count(),
        Table.objects.count(),
        VisitLength.objects.count(),
        Guest.objects.count(),
        Booking.objects.count(),
        BookingTable.objects.count(),
        WaitlistEntry.objects.count(),
    )
    run_demo(settings)
    assert (
        Restaurant.objects.count(),
        Table.objects.count(),
        VisitLength.objects.count(),
        Guest.objects.count(),
        Booking.objects.count(),
        BookingTable.objects.count(),
        WaitlistEntry.objects.count(),
    ) == counts
    demo.refresh_from_db()
    assert demo.greeting_text == "Changed since"


def test_if_empty_leaves_a_database_with_data_alone(db, settings, evening, restaurant):
    Guest.objects.create(restaurant=restaurant, name="Someone", phone="+79160000000")
    run_demo(settings, "--if-empty")
    assert not Restaurant.objects.filter(name=DEMO_NAME).exists()


def test_if_empty_fills_a_first_run_database(db, settings, evening):
    bootstrap()
    run_demo(settings, "--if-empty")
    assert Booking.objects.filter(restaurant__name=DEMO_NAME).count() > 50


def make_run(tmp_path, **env: str) -> list[str]:
    """The commands `make run` gives Python, with a stand-in for the virtualenv's python that
    writes down its arguments (and DEBUG) instead of running them."""
    import os
    import shutil
    import subprocess
    from pathlib import Path

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    log = tmp_path / "calls"
    python = tmp_path / "python"
    python.write_text(f'#!/bin/sh\necho "DEBUG=$DEBUG $*" >> {log}\n')
    python.chmod(0o755)
    stamp = tmp_path / "installed"
    stamp.touch()
    environ = {k: v for k, v in os.environ.items() if k not in ("DEMO", "DEBUG")}
    subprocess.run(
        ["make", "--no-print-directory", "run", f"BIN={tmp_path}", f"INSTALLED={stamp}"],
        cwd=Path(__file__).resolve().parents[2],
        env={**environ, **env},
        check=True,
        capture_output=True,
    )
    return log.read_text().splitlines()


def test_make_run_fills_the_demo_on_an_empty_database_in_development(tmp_path):
    calls = make_run(tmp_path)
    assert calls[0].endswith("manage.py migrate --noinput")
    assert calls[1] == "DEBUG=true manage.py demo --if-empty"
    assert calls[2].startswith("DEBUG=true manage.py runserver")


@pytest.mark.parametrize("env", [{"DEMO": "0"}, {"DEBUG": "false"}])
def test_make_run_without_the_demo(tmp_path, env):
    calls = make_run(tmp_path, **env)
    assert len(calls) == 2
    assert not any("demo" in call for call in calls)
