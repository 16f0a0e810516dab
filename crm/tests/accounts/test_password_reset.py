"""Password reset by e-mail: the pages (Django's views and tokens) and the API's
`POST /auth/password-reset`."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from conftest import api_client_for, make_user

NEW = "brand-new-pass-42"


def reset_link() -> str:
    return re.search(r"http://testserver(/app/password-reset/\S+/)", mail.outbox[-1].body).group(1)


def test_the_sign_in_page_links_to_the_reset(client, db):
    assert 'href="/app/password-reset/"' in client.get("/app/login/").content.decode()


@pytest.mark.django_db(transaction=True)  # the new password revokes tokens on commit
def test_a_reset_password_signs_in_and_ends_old_tokens(client):
    user = make_user("ann", email="ann@example.com")
    old_api = api_client_for(user)
    response = client.post("/app/password-reset/", {"email": "ANN@example.com"})
    assert response.status_code == 302 and response["Location"] == "/app/password-reset/sent/"
    assert mail.outbox[-1].to == ["ann@example.com"]

    link = client.get(reset_link(), follow=True)  # Django swaps the token for a session key
    form_url = link.redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == "/app/password-reset/done/"

    fresh = Client()
    signed_in = fresh.post("/app/login/", {"username": "ann", "password": NEW})
    assert signed_in.status_code == 302
    assert old_api.get("/restaurants/1/settings").status_code == 401
    assert client.get(form_url).context["validlink"] is False  # the link worked once


def test_a_mismatched_new_password_is_refused_beside_the_field(client, db):
    make_user("ann", email="ann@example.com")
    client.post("/app/password-reset/", {"email": "ann@example.com"})
    form_url = client.get(reset_link(), follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW + "x"})
    assert response.status_code == 200
    assert 'data-field-error="new_password2"' in response.content.decode()


def test_an_unknown_address_gets_the_same_page_and_no_mail(client, db):
    response = client.post("/app/password-reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302 and response["Location"] == "/app/password-reset/sent/"
    assert mail.outbox == []


def test_the_api_answers_the_same_whether_or_not_the_address_exists(db):
    make_user("ann", email="ann@example.com")
    api = APIClient()
    known = api.post("/auth/password-reset", {"email": "ann@example.com"}, format="json")
    unknown = api.post("/auth/password-reset", {"email": "bob@example.com"}, format="json")
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    assert "/app/password-reset/" in mail.outbox[0].body


@pytest.mark.parametrize("body", [{}, {"email": "not-an-address"}, {"email": ""}])
def test_the_api_refuses_a_bad_address_naming_the_field(db, body):
    response = APIClient().post("/auth/password-reset", body, format="json")
    assert response.status_code == 400
    assert "email" in response.json()["errors"]
    assert mail.outbox == []


def test_too_many_requests_from_one_address_are_refused(db, settings):
    settings.PASSWORD_RESET_LIMIT_PER_HOUR = 2
    make_user("ann", email="ann@example.com")
    api = APIClient()
    answers = [
        api.post("/auth/password-reset", {"email": "ann@example.com"}, format="json").status_code
        for _ in range(3)
    ]
    assert answers == [202, 202, 429]
    assert len(mail.outbox) == 2
    assert Client().post("/app/password-reset/", {"email": "ann@example.com"}).status_code == 429
