"""Settings → Webhooks in a real browser: a manager adds an endpoint with the keyboard and sees
its secret once; a mistake is shown beside its field; on a phone, in Russian, nothing scrolls
sideways."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import expect

from conftest import sign_in
from crm.webhooks.models import WebhookEndpoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _language_reset():
    """The live server's Russian answers must not leave Russian active for later tests."""
    yield
    translation.deactivate()


def test_a_manager_adds_an_endpoint_with_the_keyboard(page, manager, restaurant):
    sign_in(page, "manager")
    page.goto("/app/settings/")
    page.get_by_role("link", name="Webhooks for partners").click()
    page.wait_for_url("**/app/settings/webhooks/")
    page.get_by_label("URL").fill("http://pos.example.com/hook")
    page.get_by_label("URL").press("Enter")
    expect(page.locator('[data-field-error="url"]')).to_contain_text("https://")
    assert not WebhookEndpoint.objects.exists()
    page.get_by_label("URL").fill("https://pos.example.com/hook")
    page.get_by_label("Booking status changed").uncheck()
    page.get_by_label("Description").focus()
    page.keyboard.type("POS")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the focused "Add endpoint" button
    secret = page.get_by_test_id("new-secret")
    expect(secret).to_be_visible()
    endpoint = WebhookEndpoint.objects.get()
    expect(secret).to_contain_text(endpoint.secret)
    assert "booking.status_changed" not in endpoint.events
    assert endpoint.description == "POS"
    page.reload()
    expect(page.get_by_test_id("new-secret")).to_have_count(0)
    expect(page.get_by_test_id("endpoint")).to_contain_text("https://pos.example.com/hook")


def test_the_webhooks_page_in_russian_on_a_phone(page, manager, restaurant):
    WebhookEndpoint.objects.create(
        restaurant=restaurant,
        url="https://a-rather-long-partner-host-name.example.com/webhooks/restaurant-crm/bookings",
        events=["booking.created", "booking.changed", "booking.cancelled"],
    )
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "manager")
    page.get_by_role("button", name="Русский").click()
    page.goto("/app/settings/webhooks/")
    expect(page.get_by_role("heading", name="Вебхуки", exact=True)).to_be_visible()
    page.get_by_role("button", name="Добавить адрес").click()
    expect(page.locator('[data-field-error="url"]')).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
