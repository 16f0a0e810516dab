from __future__ import annotations

import pytest


def test_pages_carry_a_csp_that_allows_only_our_own_scripts(client, host):
    client.force_login(host)
    response = client.get("/app/bookings/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"].split()[0] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    # No inline script at all on the page; any that ever appears must carry the nonce.
    assert "<script>" not in response.text


def test_sign_in_page_carries_the_csp(client, db):
    assert "script-src 'self'" in client.get("/app/login/")["Content-Security-Policy"]


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/api/docs", "/admin/login/"])
def test_docs_and_admin_run_under_the_csp(page, path):
    """The `page` fixture fails on any console error, CSP refusals included."""
    page.goto(path)
    if path == "/api/docs":
        page.get_by_text("/auth/login").first.wait_for()
    else:
        assert page.get_by_label("Username").is_visible()


def test_api_answers_carry_a_policy_that_allows_nothing(client, db):
    """JSON runs no script: its fixed policy forbids every source and every framing."""
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    docs = client.get("/api/docs")
    assert "script-src 'self'" in docs["Content-Security-Policy"]
