"""The team API: managers read and change their own team; another restaurant's answers 404."""

from __future__ import annotations

import pytest
from django.core import mail

from conftest import api_client_for, make_user
from restaurants.models import Membership
from restaurants.team.models import Invitation

pytestmark = pytest.mark.django_db(transaction=True)  # mails and revocations go on commit


def test_a_manager_reads_the_team(manager_api, restaurant, host):
    response = manager_api.get(f"/restaurants/{restaurant.pk}/team")
    assert response.status_code == 200
    members = response.json()["members"]
    assert [(m["username"], m["role"]) for m in members] == [
        ("manager", "manager"),
        ("host", "host"),
    ]
    assert members[0]["last_login"] is not None  # signed in for the token
    assert response.json()["invitations"] == []


def test_invite_change_role_and_remove(manager_api, restaurant, host):
    invited = manager_api.post(
        f"/restaurants/{restaurant.pk}/invitations",
        {"email": "boris@example.com", "role": "manager"},
        format="json",
    )
    assert invited.status_code == 201 and invited.json()["role"] == "manager"
    assert mail.outbox[-1].to == ["boris@example.com"]
    assert "/app/invitations/" in mail.outbox[-1].body

    host_api = api_client_for(host)
    member = Membership.objects.get(user=host)
    changed = manager_api.patch(
        f"/restaurants/{restaurant.pk}/members/{member.pk}", {"role": "manager"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["role"] == "manager"

    removed = manager_api.delete(f"/restaurants/{restaurant.pk}/members/{member.pk}")
    assert removed.status_code == 204
    assert not Membership.objects.filter(user=host).exists()
    # The removed member's token stops working at once.
    assert host_api.get(f"/restaurants/{restaurant.pk}/settings").status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "nope", "role": "host"}, "email"),
        ({"email": "a@example.com", "role": "owner"}, "role"),
        ({"role": "host"}, "email"),
    ],
)
def test_bad_invitations_answer_400_naming_the_field(manager_api, restaurant, body, field):
    response = manager_api.post(f"/restaurants/{restaurant.pk}/invitations", body, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not Invitation.objects.exists()


def test_the_last_manager_stays(manager_api, restaurant, manager):
    own = Membership.objects.get(user=manager)
    url = f"/restaurants/{restaurant.pk}/members/{own.pk}"
    demote = manager_api.patch(url, {"role": "host"}, format="json")
    assert demote.status_code == 400 and "role" in demote.json()["errors"]
    assert manager_api.delete(url).status_code == 400
    own.refresh_from_db()
    assert own.role == "manager"


def test_hosts_are_refused(host_api, restaurant, manager):
    member = Membership.objects.get(user=manager)
    assert host_api.get(f"/restaurants/{restaurant.pk}/team").status_code == 403
    assert (
        host_api.patch(
            f"/restaurants/{restaurant.pk}/members/{member.pk}", {"role": "host"}, format="json"
        ).status_code
        == 403
    )
    assert (
        host_api.post(
            f"/restaurants/{restaurant.pk}/invitations",
            {"email": "a@example.com", "role": "manager"},
            format="json",
        ).status_code
        == 403
    )
    own = Membership.objects.get(restaurant=restaurant, role="host")
    assert (
        host_api.patch(
            f"/restaurants/{restaurant.pk}/members/{own.pk}", {"role": "manager"}, format="json"
        ).status_code
        == 403
    )  # nor raise their own role
    assert Membership.objects.get(pk=own.pk).role == "host"


def test_another_restaurants_team_is_as_missing(manager_api, restaurant, other_restaurant):
    theirs = Membership.objects.get(user=make_user("theirs", restaurant=other_restaurant))
    missing = manager_api.get("/restaurants/999999/team")
    foreign = manager_api.get(f"/restaurants/{other_restaurant.pk}/team")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    for url in (
        f"/restaurants/{other_restaurant.pk}/members/{theirs.pk}",
        f"/restaurants/{restaurant.pk}/members/{theirs.pk}",  # theirs, through our restaurant
    ):
        assert manager_api.patch(url, {"role": "manager"}, format="json").status_code == 404
        assert manager_api.delete(url).status_code == 404
    assert (
        manager_api.post(
            f"/restaurants/{other_restaurant.pk}/invitations",
            {"email": "x@example.com", "role": "host"},
            format="json",
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.role == "host" and not Invitation.objects.exists()


def test_bad_ids_answer_400(manager_api, restaurant):
    assert manager_api.get("/restaurants/abc/team").status_code == 400
    assert manager_api.delete(f"/restaurants/{restaurant.pk}/members/x").status_code == 400
