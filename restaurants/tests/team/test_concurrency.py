"""Team changes that meet on PostgreSQL: the restaurant's row lock lets one through at a time,
so two managers removing or demoting each other at once never leave the restaurant without one,
and an invitation accepted twice at once makes one member."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from bookings.tests.test_concurrency import at_once
from conftest import make_user
from restaurants.models import Membership
from restaurants.team.services import (
    invitation_accept,
    invitation_create,
    membership_remove,
    membership_set_role,
)

ROUNDS = 10

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


REFUSED = "refused"


def attempt(call):
    """The call's result, or REFUSED when a team rule refused it, or the one acting was no
    longer a manager by the time the restaurant's lock was theirs."""

    def run():
        try:
            return call()
        except (ValidationError, PermissionDenied):
            return REFUSED

    return run


def test_two_managers_removing_each_other_leave_one(restaurant):
    for n in range(ROUNDS):
        first = make_user(f"first{n}", restaurant=restaurant, role="manager")
        second = make_user(f"second{n}", restaurant=restaurant, role="manager")
        one, two = (Membership.objects.get(user=u) for u in (first, second))
        results = at_once(
            attempt(lambda one=one, second=second: membership_remove(membership=one, by=second)),
            attempt(lambda two=two, first=first: membership_remove(membership=two, by=first)),
        )
        assert results.count(REFUSED) == 1, results
        managers = Membership.objects.filter(restaurant=restaurant, role="manager")
        assert managers.count() == 1
        managers.delete()


def test_two_managers_demoting_each_other_leave_one(restaurant):
    for n in range(ROUNDS):
        first = make_user(f"first{n}", restaurant=restaurant, role="manager")
        second = make_user(f"second{n}", restaurant=restaurant, role="manager")
        one, two = (Membership.objects.get(user=u) for u in (first, second))
        at_once(
            attempt(lambda m=one, by=second: membership_set_role(membership=m, role="host", by=by)),
            attempt(lambda m=two, by=first: membership_set_role(membership=m, role="host", by=by)),
        )
        managers = Membership.objects.filter(restaurant=restaurant, role="manager")
        assert managers.count() == 1
        Membership.objects.filter(restaurant=restaurant).delete()


def test_an_invitation_accepted_twice_at_once_makes_one_member(restaurant, manager):
    for n in range(ROUNDS):
        invitation_create(
            restaurant=restaurant,
            email=f"new{n}@example.com",
            role="host",
            by=manager,
            base_url="http://testserver",
        )
        token = re.search(r"/app/invitations/([\w-]+)/", mail.outbox[-1].body).group(1)
        a, b = make_user(f"a{n}"), make_user(f"b{n}")
        results = at_once(
            attempt(lambda t=token, u=a: invitation_accept(token=t, user=u)),
            attempt(lambda t=token, u=b: invitation_accept(token=t, user=u)),
        )
        assert sum(isinstance(r, Membership) for r in results) == 1, results
        joined = Membership.objects.filter(restaurant=restaurant, user__in=[a, b])
        assert joined.count() == 1
