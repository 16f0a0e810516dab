from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def online(restaurant):
    """The shared restaurant, booking online: 5 tables, 12:00–23:00, hourly slots."""
    restaurant.online_booking = True
    restaurant.slug = "blue-door"
    restaurant.public_phone = "+7 495 123-45-67"
    restaurant.online_policy_text = "Tables are held for 15 minutes."
    restaurant.online_min_notice_minutes = 60
    restaurant.online_change_cutoff_minutes = 120
    restaurant.online_max_party = 6
    restaurant.save()
    return restaurant


@pytest.fixture
def day(online) -> dt.date:
    """A day well inside the online window."""
    return online.today() + dt.timedelta(days=3)


@pytest.fixture(autouse=True)
def _no_fill_minimum(settings):
    # The minimum time to fill the form has a test of its own; others send at once.
    settings.PUBLIC_FORM_MIN_SECONDS = 0
