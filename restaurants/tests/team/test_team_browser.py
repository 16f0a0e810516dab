"""A restaurant's team in a real browser (headless Chromium): sign-up to the first booking,
removal, password reset and two-factor sign-in."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect
from rest_framework.test import APIClient

from bookings.models import Booking
from conftest import PASSWORD, api_client_for, sign_in
from crm.accounts.services import totp_confirm, totp_start
from restaurants.models import Membership, Restaurant
from restaurants.team.models import Invitation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-new-pass-77"


def link_in_last_mail(path: str) -> str:
    return re.search(rf"https?://[^/\s]+({path}\S*)", mail.outbox[-1].body).group(1)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_restaurant_signs_up_confirms_invites_a_host_who_books(page, settings, tmp_path):
    settings.SIGNUP_OPEN = True
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto("/app/login/")
    page.get_by_role("link", name="Open your restaurant").click()
    page.get_by_label("Username").fill("olga")
    page.get_by_label("E-mail").fill("olga@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_label("Restaurant name").fill("Pelmeni & Co")
    page.get_by_label("Time zone").select_option("Europe/Moscow")
    page.get_by_label("Tables").fill("6")
    assert no_sideways_scroll(page)
    page.get_by_role("button", name="Open the restaurant").click()
    page.wait_for_url("**/app/bookings/")
    expect(page.get_by_test_id("unconfirmed")).to_be_visible()
    restaurant = Restaurant.objects.get(name="Pelmeni & Co")
    assert not restaurant.confirmed

    page.goto(link_in_last_mail("/app/signup/confirm/"))
    expect(page.get_by_test_id("messages")).to_contain_text("takes bookings now")
    expect(page.get_by_test_id("unconfirmed")).to_have_count(0)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Team").click()
    page.get_by_label("E-mail").fill("host@example.com")
    page.get_by_label("Role", exact=True).select_option("host")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_test_id("invitations")).to_contain_text("host@example.com")
    expect(page.get_by_test_id("team-history")).to_contain_text(
        "olga invited host@example.com as Host"
    )
    assert no_sideways_scroll(page)
    page.get_by_role("button", name="Sign out", exact=True).click()

    page.goto(link_in_last_mail("/app/invitations/"))
    expect(page.get_by_role("heading", name="Join Pelmeni & Co")).to_be_visible()
    page.get_by_label("Username").fill("ivan")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Set password and join").click()
    page.wait_for_url("**/app/bookings/")
    expect(page.get_by_test_id("restaurant-name")).to_have_text("Pelmeni & Co")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Team")).to_have_count(0)  # hosts have no team page

    day = restaurant.today() + dt.timedelta(days=1)
    page.goto(f"/app/bookings/?date={day.isoformat()}")
    page.locator('#slot-list [data-slot="18:00"]').get_by_role(
        "link", name="Book a table at 18:00"
    ).click()
    dialog = page.locator("#booking-dialog")
    dialog.get_by_label("Guest name").fill("Anna")
    dialog.get_by_role("button", name="Book", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(page.locator('#slot-list [data-slot="18:00"]')).to_have_attribute("data-booked", "1")
    booking = Booking.objects.get()
    assert (booking.restaurant, booking.created_by.username) == (restaurant, "ivan")

    # The team page as its manager sees it, for the README.
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "olga", PASSWORD)
    page.goto("/app/team/")
    expect(page.get_by_test_id("members")).to_contain_text("ivan")
    target = tmp_path / "screenshot-team.png"
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        target = Path(settings.BASE_DIR) / "docs" / "screenshot-team.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


def test_a_removed_hosts_open_page_and_token_stop_at_once(page, manager, host, restaurant):
    token = api_client_for(host)
    assert token.get(f"/restaurants/{restaurant.pk}/settings").status_code == 200
    sign_in(page)  # the host, on the bookings page

    manager_context = page.context.browser.new_context(base_url=page.errors.origin)
    manager_page = manager_context.new_page()
    sign_in(manager_page, "manager")
    manager_page.goto("/app/team/")
    manager_page.get_by_role("button", name="Remove host").click()
    expect(manager_page.get_by_test_id("messages")).to_contain_text("no longer on the team")
    manager_context.close()

    page.reload()
    expect(page).to_have_url(re.compile(r"/app/login/"))
    assert token.get(f"/restaurants/{restaurant.pk}/settings").status_code == 401
    assert not Membership.objects.filter(user=host).exists()


def test_a_reset_password_signs_in(page, host):
    host.email = "host@example.com"
    host.save()
    page.goto("/app/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("host@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_test_id("reset-sent")).to_be_visible()

    page.goto(link_in_last_mail("/app/password-reset/"))
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_role("heading", name="Password saved")).to_be_visible()
    sign_in(page, "host", NEW_PASSWORD)
    expect(page.get_by_test_id("restaurant-name")).to_have_text("Blue Door")


def test_two_factor_sign_in_asks_for_the_code_on_the_page_and_in_the_api(page, host):
    from django_otp.oath import TOTP

    device = totp_start(user=host)

    def code() -> str:
        return f"{TOTP(device.bin_key, step=device.step, digits=device.digits).token():06d}"

    totp_confirm(user=host, code=code())

    page.goto("/app/login/")
    page.get_by_label("Username").fill("host")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/app/login/code/")
    page.goto("/app/bookings/")
    expect(page).to_have_url(re.compile(r"/app/login/"))  # not signed in without the code

    page.goto("/app/login/code/")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator('[data-field-error="code"]')).to_be_visible()

    later = dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=60)
    with time_machine.travel(later):
        page.get_by_label("Code").fill(code())
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/app/bookings/")
        expect(page.get_by_test_id("restaurant-name")).to_have_text("Blue Door")

    api = APIClient()
    refused = api.post("/auth/login", {"username": "host", "password": PASSWORD}, format="json")
    assert refused.status_code == 401 and refused.json()["code"] == "otp_required"
    with time_machine.travel(later + dt.timedelta(seconds=60)):
        signed_in = api.post(
            "/auth/login",
            {"username": "host", "password": PASSWORD, "otp": code()},
            format="json",
        )
    assert signed_in.status_code == 200
    assert Invitation.objects.count() == 0
