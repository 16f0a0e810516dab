from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import api_client_for


def test_a_known_callers_cached_read_makes_no_query(host, restaurant, tomorrow):
    client = api_client_for(host)
    url = f"/bookings/{restaurant.pk}/{tomorrow.isoformat()}"
    assert client.get(url).status_code == 200  # looks the user up, fills the slot cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(queries) == 0


def test_a_changed_user_is_looked_up_again(host, restaurant, tomorrow):
    client = api_client_for(host)
    url = f"/bookings/{restaurant.pk}/{tomorrow.isoformat()}"
    client.get(url)
    host.first_name = "Renamed"
    host.save()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == 1


def test_a_token_used_before_still_expires(host, restaurant, tomorrow):
    import datetime as dt

    import time_machine
    from django.conf import settings

    client = api_client_for(host)
    url = f"/bookings/{restaurant.pk}/{tomorrow.isoformat()}"
    assert client.get(url).status_code == 200  # validated once, now remembered
    later = dt.datetime.now(dt.UTC) + settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]
    with time_machine.travel(later + dt.timedelta(seconds=5)):
        response = client.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
