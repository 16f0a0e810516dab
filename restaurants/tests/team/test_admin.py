"""The team in Django admin: managers see and change only their restaurants' teams."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from conftest import make_user, page_client_for
from restaurants.models import Membership
from restaurants.team.models import Invitation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def theirs(other_restaurant):
    return Membership.objects.get(user=make_user("theirs", restaurant=other_restaurant))


def test_a_manager_lists_only_their_restaurants_members(manager, host, theirs):
    client = page_client_for(manager)
    page = client.get(reverse("admin:restaurants_membership_changelist")).content.decode()
    assert ">host<" in page and ">manager<" in page
    assert "theirs" not in page


def test_a_manager_changes_a_role_through_the_rules(manager, host):
    client = page_client_for(manager)
    membership = Membership.objects.get(user=host)
    url = reverse("admin:restaurants_membership_change", args=[membership.pk])
    assert client.post(url, {"role": "manager"}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == "manager"

    own = Membership.objects.get(user=manager)
    membership.role = "host"
    membership.save()
    response = client.post(
        reverse("admin:restaurants_membership_change", args=[own.pk]), {"role": "host"}
    )
    assert response.status_code == 200 and "last manager" in response.content.decode()
    own.refresh_from_db()
    assert own.role == "manager"


def test_another_restaurants_member_is_out_of_reach(manager, theirs):
    client = page_client_for(manager)
    change = reverse("admin:restaurants_membership_change", args=[theirs.pk])
    delete = reverse("admin:restaurants_membership_delete", args=[theirs.pk])
    assert client.get(change).status_code == 302  # "does not exist", to the index
    client.post(change, {"role": "manager"})
    client.post(delete, {"post": "yes"})
    theirs.refresh_from_db()
    assert theirs.role == "host"


def test_removing_in_admin_keeps_the_last_manager(manager, host, restaurant):
    client = page_client_for(manager)
    own = Membership.objects.get(user=manager)
    assert (
        client.post(
            reverse("admin:restaurants_membership_delete", args=[own.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    membership = Membership.objects.get(user=host)
    client.post(
        reverse("admin:restaurants_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    team = Membership.objects.filter(restaurant=restaurant)
    assert list(team.values_list("user__username", flat=True)) == ["manager"]


def test_a_manager_invites_from_admin_to_their_restaurant_only(
    manager, restaurant, other_restaurant
):
    client = page_client_for(manager)
    add = reverse("admin:restaurants_invitation_add")
    response = client.post(
        add, {"restaurant": other_restaurant.pk, "email": "x@example.com", "role": "host"}
    )
    assert response.status_code == 200  # not a choice for them
    assert not Invitation.objects.exists()
    response = client.post(
        add, {"restaurant": restaurant.pk, "email": "x@example.com", "role": "host"}
    )
    assert response.status_code == 302
    assert Invitation.objects.get().restaurant == restaurant
    assert mail.outbox[-1].to == ["x@example.com"]


def test_hosts_have_no_team_admin(host):
    client = page_client_for(host)
    assert client.get(reverse("admin:restaurants_membership_changelist")).status_code == 302


@pytest.mark.parametrize("query", ["restaurant=abc", "user=abc", "user=1.5&restaurant=-"])
def test_a_bad_initial_value_in_the_add_address_is_ignored(query, restaurant):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client = page_client_for(root)
    response = client.get(reverse("admin:restaurants_membership_add") + "?" + query)
    assert response.status_code == 200  # the empty form, not a 500
    # A good one is still taken.
    good = client.get(reverse("admin:restaurants_membership_add") + f"?restaurant={restaurant.pk}")
    assert good.status_code == 200
    assert f'value="{restaurant.pk}" selected' in good.content.decode()
