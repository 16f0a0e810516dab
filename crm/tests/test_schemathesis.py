"""The API against its own OpenAPI schema, fuzzed by schemathesis with a real token.

Every operation gets generated valid and invalid requests; each answer must not be a server
error and must match what the schema promises (status code, content type, body, headers).
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from werkzeug.test import Client

from conftest import PASSWORD, make_user
from crm.wsgi import application

# Enough to reach every branch of our small API; small enough for two cores in a minute or two.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "100"))


@pytest.fixture(autouse=True)
def _keep_the_test_connection(db):
    """As Django's test client does: a request must not close the test's database connection.

    schemathesis calls the WSGI application itself, which would close it when a request ends.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def known_objects(_keep_the_test_connection) -> str:
    """Restaurants and bookings with small ids (sequences start at 1), so that the small ids
    schemathesis favours find real objects and reach past the 404s. The manager manages the
    first, is a host at the second (403 on settings) and has nothing to do with the third.
    Returns the manager's username."""
    from bookings.services import booking_create
    from restaurants.models import Membership, Restaurant

    # Whatever the migrations made goes first, so the ids begin at 1 (the test is
    # transactional: everything is flushed after it).
    Restaurant.objects.all().delete()
    mine, hosted, other = (
        Restaurant.objects.create(name=name, default_table_count=5, time_zone="Europe/Moscow")
        for name in ("Blue Door", "Hosted", "Elsewhere")
    )
    manager = make_user("st-manager", restaurant=mine, role=Membership.Role.MANAGER)
    Membership.objects.create(user=manager, restaurant=hosted, role=Membership.Role.HOST)
    day = mine.today() + dt.timedelta(days=1)
    for time_slot in ("12:00", "13:00", "18:00", "18:00", "19:00"):
        booking_create(restaurant=mine, date=day, time_slot=time_slot, client_name="Guest")
    booking_create(restaurant=hosted, date=day, time_slot="18:00", client_name="Hosted")
    booking_create(restaurant=other, date=day, time_slot="18:00", client_name="Else")
    return manager.username


@pytest.fixture
def token(known_objects: str) -> str:
    """A real access token of the manager, from `POST /auth/login` on the same application."""
    response = Client(application).post(
        "/auth/login", json={"username": known_objects, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return response.json["access_token"]


# Loaded from the running application, as a client would; serving it needs no database.
schema = schemathesis.openapi.from_wsgi("/api/schema?format=json", application)
schema.config.generation.update(
    # Every request carries the real token (below); a missing or broken one is tested in
    # crm/tests/test_authentication.py and test_bad_input.py.
    with_security_parameters=False,
    # Unknown query parameters are ignored, as HTTP APIs commonly do: not a refusal to test.
    allow_extra_parameters=False,
)


@schema.parametrize()
@pytest.mark.django_db(reset_sequences=True)
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_api_answers_every_generated_request_as_its_schema_says(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        # A schema-valid request may still be refused by a rule the schema cannot state (a
        # past date, a slot off the restaurant's grid): that 400 is documented, not a bug.
        excluded_checks=[positive_data_acceptance],
    )
