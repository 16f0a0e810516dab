"""The team's rules: invitations, joining, roles and removal, whoever asks."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import make_user
from crm.tokens.selectors import token_is_live, user_token_version
from restaurants.models import Membership
from restaurants.team.models import Invitation
from restaurants.team.services import (
    invitation_accept,
    invitation_accept_new_user,
    invitation_create,
    membership_remove,
    membership_set_role,
)

BASE = "http://testserver"


def invite(restaurant, by, email="new@example.com", role="host"):
    """Invite (in a transactional test, so the mail goes on commit); the link's token."""
    invitation_create(restaurant=restaurant, email=email, role=role, by=by, base_url=BASE)
    body = mail.outbox[-1].body
    return re.search(r"/app/invitations/([\w-]+)/", body).group(1)


@pytest.mark.django_db(transaction=True)
def test_an_invitation_mails_a_link_that_makes_an_account_and_joins(restaurant, manager):
    token = invite(restaurant, manager, email="Ann@Example.COM")
    assert mail.outbox[-1].to == ["Ann@example.com"]
    assert restaurant.name in mail.outbox[-1].subject

    membership = invitation_accept_new_user(token=token, username="ann", password="long-pass-9x")

    assert membership.restaurant == restaurant and membership.role == "host"
    assert membership.user.email == "Ann@example.com"
    assert membership.user.check_password("long-pass-9x")
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == membership.user and not invitation.is_open()
    assert Invitation.objects.get().token_hash != token  # the database keeps a digest only


@pytest.mark.django_db(transaction=True)
def test_an_invitation_works_once(restaurant, manager, other_restaurant):
    token = invite(restaurant, manager)
    invitation_accept_new_user(token=token, username="ann", password="long-pass-9x")
    someone = make_user("someone")
    with pytest.raises(ValidationError) as refused:
        invitation_accept(token=token, user=someone)
    assert "token" in refused.value.message_dict
    assert not Membership.objects.filter(user=someone).exists()


@pytest.mark.django_db(transaction=True)
def test_an_invitation_expires_after_seven_days(restaurant, manager):
    token = invite(restaurant, manager)
    later = timezone.now() + dt.timedelta(days=7, minutes=1)
    with time_machine.travel(later), pytest.raises(ValidationError):
        invitation_accept_new_user(token=token, username="late", password="long-pass-9x")
    assert not Membership.objects.filter(user__username="late").exists()


@pytest.mark.django_db(transaction=True)
def test_an_existing_account_joins_with_the_invitations_role(restaurant, manager, other_restaurant):
    elsewhere = make_user("elsewhere", restaurant=other_restaurant, role="manager")
    token = invite(restaurant, manager, email="e@example.com", role="manager")
    membership = invitation_accept(token=token, user=elsewhere)
    assert membership.role == "manager"
    assert set(elsewhere.memberships.values_list("restaurant_id", flat=True)) == {
        restaurant.pk,
        other_restaurant.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_a_bad_new_account_writes_nothing_and_names_the_field(restaurant, manager):
    token = invite(restaurant, manager)
    with pytest.raises(ValidationError) as refused:
        invitation_accept_new_user(token=token, username="ann", password="123")
    assert "password" in refused.value.message_dict
    make_user("taken")
    with pytest.raises(ValidationError) as taken:
        invitation_accept_new_user(token=token, username="Taken", password="long-pass-9x")
    assert "username" in taken.value.message_dict
    assert Invitation.objects.get().is_open()
    assert not Membership.objects.filter(restaurant=restaurant, role="host").exists()


@pytest.mark.django_db(transaction=True)
def test_a_new_invitation_to_the_same_address_replaces_the_waiting_one(restaurant, manager):
    first = invite(restaurant, manager)
    second = invite(restaurant, manager)
    with pytest.raises(ValidationError):
        invitation_accept_new_user(token=first, username="ann", password="long-pass-9x")
    invitation_accept_new_user(token=second, username="ann", password="long-pass-9x")


def test_bad_invitations_are_refused_naming_the_field(restaurant, manager):
    for email, role, field in [("not-an-address", "host", "email"), ("a@b.co", "owner", "role")]:
        with pytest.raises(ValidationError) as refused:
            invitation_create(
                restaurant=restaurant, email=email, role=role, by=manager, base_url=BASE
            )
        assert field in refused.value.message_dict
    make_user("member", restaurant=restaurant, email="member@example.com")
    with pytest.raises(ValidationError) as member:
        invitation_create(
            restaurant=restaurant,
            email="MEMBER@example.com",
            role="host",
            by=manager,
            base_url=BASE,
        )
    assert "email" in member.value.message_dict
    assert not Invitation.objects.exists()


def test_hosts_and_strangers_cannot_change_a_team(restaurant, host, other_restaurant):
    stranger = make_user("stranger", restaurant=other_restaurant, role="manager")
    manager = make_user("boss", restaurant=restaurant, role="manager")
    membership = Membership.objects.get(user=manager)
    for by in (host, stranger):
        with pytest.raises(PermissionDenied):
            invitation_create(
                restaurant=restaurant, email="x@example.com", role="host", by=by, base_url=BASE
            )
        with pytest.raises(PermissionDenied):
            membership_remove(membership=membership, by=by)
        with pytest.raises(PermissionDenied):
            membership_set_role(membership=membership, role="host", by=by)
    assert Membership.objects.filter(restaurant=restaurant).count() == 2


def test_the_last_manager_cannot_be_demoted_or_removed(restaurant, manager):
    own = Membership.objects.get(user=manager)
    with pytest.raises(ValidationError):
        membership_set_role(membership=own, role="host", by=manager)
    with pytest.raises(ValidationError):
        membership_remove(membership=own, by=manager)
    own.refresh_from_db()
    assert own.role == "manager"


def test_with_two_managers_one_may_step_down(restaurant, manager):
    make_user("second", restaurant=restaurant, role="manager")
    own = Membership.objects.get(user=manager)
    membership_set_role(membership=own, role="host", by=manager)
    own.refresh_from_db()
    assert own.role == "host"


def test_nobody_raises_their_own_role(restaurant, manager, other_restaurant):
    """A manager here who is a host elsewhere: the service refuses any self-promotion."""
    Membership.objects.create(user=manager, restaurant=other_restaurant, role="host")
    make_user("boss-there", restaurant=other_restaurant, role="manager")
    there = Membership.objects.get(user=manager, restaurant=other_restaurant)
    with pytest.raises(PermissionDenied):
        membership_set_role(membership=there, role="manager", by=manager)
    # And a co-manager who was demoted cannot undo it themselves.
    make_user("second", restaurant=restaurant, role="manager")
    own = Membership.objects.get(user=manager, restaurant=restaurant)
    membership_set_role(membership=own, role="host", by=manager)
    with pytest.raises(PermissionDenied):
        membership_set_role(membership=own, role="manager", by=manager)
    there.refresh_from_db()
    own.refresh_from_db()
    assert (there.role, own.role) == ("host", "host")


@pytest.mark.django_db(transaction=True)  # the revocation reaches the cache on commit
def test_removing_a_member_revokes_their_tokens_at_once(restaurant, manager, host):
    version = user_token_version(user_id=host.pk)
    assert token_is_live(user_id=host.pk, version=version)
    membership_remove(membership=Membership.objects.get(user=host), by=manager)
    assert not Membership.objects.filter(user=host).exists()
    assert not token_is_live(user_id=host.pk, version=version)


@pytest.mark.django_db(transaction=True)
def test_demoting_revokes_tokens_promoting_does_not(restaurant, manager, host):
    version = user_token_version(user_id=host.pk)
    membership = Membership.objects.get(user=host)
    membership_set_role(membership=membership, role="manager", by=manager)
    assert token_is_live(user_id=host.pk, version=version)
    membership_set_role(membership=membership, role="host", by=manager)
    assert not token_is_live(user_id=host.pk, version=version)
