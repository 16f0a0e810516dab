from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from bookings.availability import tables_on
from restaurants.models import Restaurant


def grid(opening: str, closing: str, minutes: int) -> list[str]:
    return Restaurant(
        opening_time=dt.time.fromisoformat(opening),
        closing_time=dt.time.fromisoformat(closing),
        slot_minutes=minutes,
    ).slot_times()


def test_default_grid_is_noon_to_ten_pm_hourly():
    assert Restaurant().slot_times() == [f"{h}:00" for h in range(12, 23)]


def test_last_slot_ends_by_closing_time():
    assert grid("18:00", "20:00", 90) == ["18:00"]
    assert grid("18:00", "21:00", 90) == ["18:00", "19:30"]
    assert grid("09:15", "10:15", 30) == ["09:15", "09:45"]


def test_closing_at_midnight_means_end_of_day():
    assert grid("21:00", "00:00", 60) == ["21:00", "22:00", "23:00"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"closing_time": dt.time(11, 0)}, "closing_time"),
        ({"opening_time": dt.time(22, 30), "closing_time": dt.time(23, 0)}, "slot_minutes"),
        ({"slot_minutes": 47}, "slot_minutes"),
        ({"slot_minutes": 5}, "slot_minutes"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"default_table_count": 0}, "default_table_count"),
    ],
)
def test_invalid_settings_name_the_field(restaurant, changes, field):
    for name, value in changes.items():
        setattr(restaurant, name, value)
    with pytest.raises(ValidationError) as exc:
        restaurant.full_clean()
    assert field in exc.value.message_dict


def test_today_is_the_restaurants_own_date(db):
    vladivostok = Restaurant(time_zone="Asia/Vladivostok")  # UTC+10
    london = Restaurant(time_zone="Europe/London")
    with time_machine.travel(dt.datetime(2030, 3, 1, 20, 0, tzinfo=dt.UTC), tick=False):
        assert vladivostok.today() == dt.date(2030, 3, 2)
        assert london.today() == dt.date(2030, 3, 1)


def test_slot_ends_in_the_restaurants_time_zone():
    moscow = Restaurant(time_zone="Europe/Moscow")  # UTC+3
    day = dt.date(2030, 3, 1)
    # 15:30 UTC is 18:30 in Moscow: the 18:00 slot is running, the 17:00 one is over.
    with time_machine.travel(dt.datetime(2030, 3, 1, 15, 30, tzinfo=dt.UTC), tick=False):
        assert moscow.slot_has_ended(day, "17:00")
        assert not moscow.slot_has_ended(day, "18:00")
        assert not moscow.slot_has_ended(day, "19:00")


def test_table_count_override_wins_on_its_date(restaurant):
    day = dt.date(2030, 5, 9)
    restaurant.table_overrides.create(date=day, table_count=2)
    assert tables_on(restaurant=restaurant, date=day) == 2
    assert tables_on(restaurant=restaurant, date=day + dt.timedelta(days=1)) == 5
