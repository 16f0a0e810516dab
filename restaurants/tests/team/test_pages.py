"""The Team page and the invitation link, through the pages."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from conftest import make_user, page_client_for
from restaurants.models import Membership
from restaurants.team.models import Invitation

pytestmark = pytest.mark.django_db(transaction=True)  # mails and revocations go on commit


def link_in_last_mail() -> str:
    return re.search(r"http://testserver(/app/invitations/[\w-]+/)", mail.outbox[-1].body).group(1)


def test_managers_see_their_team_with_roles_and_last_sign_in(manager_client, restaurant, host):
    response = manager_client.get("/app/team/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-member="host"' in page and 'data-member="manager"' in page
    assert "Last sign-in:" in page and "never" in page
    assert 'href="/app/team/"' in page  # the sidebar's link


def test_hosts_neither_see_the_link_nor_reach_the_page(host_client):
    assert 'href="/app/team/"' not in host_client.get("/app/bookings/").content.decode()
    assert host_client.get("/app/team/").status_code == 403
    assert (
        host_client.post("/app/team/invite/", {"email": "a@b.co", "role": "manager"}).status_code
        == 403
    )
    assert not Invitation.objects.exists()


def test_invite_accept_and_see_it_in_words(manager_client, restaurant):
    response = manager_client.post(
        "/app/team/invite/", {"email": "ann@example.com", "role": "host"}
    )
    assert response.status_code == 302
    page = manager_client.get("/app/team/").content.decode()
    assert "ann@example.com" in page and "manager invited ann@example.com as Host" in page

    guest = Client()
    link = link_in_last_mail()
    assert "Join Blue Door" in guest.get(link).content.decode()
    response = guest.post(
        link, {"username": "ann", "password1": "long-pass-9x", "password2": "long-pass-9x"}
    )
    assert response.status_code == 302 and response["Location"] == "/app/bookings/"
    assert guest.get("/app/bookings/").status_code == 200  # signed in, at the restaurant
    assert Membership.objects.get(user__username="ann").role == "host"
    assert guest.get(link).status_code == 404  # used

    history = manager_client.get("/app/team/").content.decode()
    assert "ann joined as Host" in history
    assert "ann@example.com accepted the invitation" in history


def test_bad_invitation_shows_the_error_beside_the_field(manager_client):
    response = manager_client.post("/app/team/invite/", {"email": "nope", "role": "host"})
    assert response.status_code == 200  # the form again, as Django answers
    assert 'data-field-error="email"' in response.content.decode()
    assert not Invitation.objects.exists()


def test_bad_new_account_shows_errors_and_keeps_the_link(manager_client):
    manager_client.post("/app/team/invite/", {"email": "ann@example.com", "role": "host"})
    link = link_in_last_mail()
    response = Client().post(link, {"username": "ann", "password1": "abc", "password2": "abd"})
    assert response.status_code == 200
    assert 'data-field-error="password2"' in response.content.decode()
    assert Invitation.objects.get().is_open()


def test_a_signed_in_user_joins_with_their_account(manager_client, restaurant, other_restaurant):
    other = make_user("other", restaurant=other_restaurant, role="manager")
    manager_client.post("/app/team/invite/", {"email": "o@example.com", "role": "manager"})
    client = page_client_for(other)
    response = client.post(link_in_last_mail())
    assert response.status_code == 302
    assert Membership.objects.get(user=other, restaurant=restaurant).role == "manager"


def test_an_unknown_link_says_it_does_not_work(client):
    response = client.get("/app/invitations/not-a-token/")
    assert response.status_code == 404
    assert "does not work" in response.content.decode()


def test_change_role_and_remove(manager_client, restaurant, host):
    membership = Membership.objects.get(user=host)
    host_client = page_client_for(host)
    assert host_client.get("/app/bookings/").status_code == 200

    manager_client.post(
        f"/app/team/members/{membership.pk}/role/", {f"m{membership.pk}-role": "manager"}
    )
    membership.refresh_from_db()
    assert membership.role == "manager"

    response = manager_client.post(f"/app/team/members/{membership.pk}/remove/")
    assert response.status_code == 302
    assert not Membership.objects.filter(user=host).exists()
    # The removed member's open session ends at once.
    assert host_client.get("/app/bookings/").status_code == 302
    history = manager_client.get("/app/team/").content.decode()
    assert "manager changed the role of host from Host to Manager" in history
    assert "manager removed host from the team" in history


def test_the_last_manager_is_kept_with_a_message(manager_client, manager):
    own = Membership.objects.get(user=manager)
    response = manager_client.post(f"/app/team/members/{own.pk}/remove/", follow=True)
    assert "last manager cannot be removed" in response.content.decode()
    response = manager_client.post(
        f"/app/team/members/{own.pk}/role/", {f"m{own.pk}-role": "host"}, follow=True
    )
    assert "last manager cannot be demoted" in response.content.decode()
    own.refresh_from_db()
    assert own.role == "manager"


def test_another_restaurants_team_answers_404(manager_client, other_restaurant):
    """Ids of another restaurant's members and invitations are as missing ones."""
    theirs = make_user("theirs", restaurant=other_restaurant, role="host")
    membership = Membership.objects.get(user=theirs)
    invitation = Invitation.objects.create(
        restaurant=other_restaurant, email="x@example.com", token_hash="x" * 64
    )
    assert manager_client.post(f"/app/team/members/{membership.pk}/remove/").status_code == 404
    assert (
        manager_client.post(
            f"/app/team/members/{membership.pk}/role/", {f"m{membership.pk}-role": "manager"}
        ).status_code
        == 404
    )
    assert (
        manager_client.post(f"/app/team/invitations/{invitation.pk}/withdraw/").status_code == 404
    )
    assert manager_client.post("/app/team/members/999999/remove/").status_code == 404
    page = manager_client.get("/app/team/").content.decode()
    assert "theirs" not in page and "x@example.com" not in page
    membership.refresh_from_db()
    assert membership.role == "host"
    assert Invitation.objects.get().is_open()


def test_withdrawn_invitation_link_stops_working(manager_client):
    manager_client.post("/app/team/invite/", {"email": "ann@example.com", "role": "host"})
    link = link_in_last_mail()
    invitation = Invitation.objects.get()
    manager_client.post(f"/app/team/invitations/{invitation.pk}/withdraw/")
    assert Client().get(link).status_code == 404
    assert (
        "withdrew the invitation to ann@example.com"
        in manager_client.get("/app/team/").content.decode()
    )


def test_the_team_page_in_russian(manager_client, host):
    page = manager_client.get("/app/team/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Команда" in page and "Пригласить сотрудника" in page and "Последний вход:" in page
    assert 'lang="ru"' in page


def test_a_host_cannot_raise_their_own_role(host_client, host, manager):
    own = Membership.objects.get(user=host)
    response = host_client.post(f"/app/team/members/{own.pk}/role/", {f"m{own.pk}-role": "manager"})
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.role == "host"
