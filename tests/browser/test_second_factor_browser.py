"""End to end in a real browser: a staff user enrols an authenticator app (the code computed
from the key the page shows), sees the recovery codes, signs out, and signs in again with the
password and a code."""

import base64

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.factories.cases import UserFactory
from tests.factories.portal import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def code_from(secret: str, *, drift: int = 0) -> str:
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{TOTP(key, drift=drift).token():06d}"


def sign_in_with_password(page):
    page.goto("/admin/login/")
    page.fill("#id_username", "sf-agent")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()


def test_enrol_a_second_factor_then_sign_in_with_it(new_page, settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    UserFactory(username="sf-agent", is_staff=True, is_superuser=True)
    page = new_page()

    sign_in_with_password(page)
    expect(page.get_by_role("heading", name="Set up your second factor")).to_be_visible()
    expect(page.locator(".second-factor-qr svg")).to_be_visible()
    secret = page.locator(".second-factor-secret").get_attribute("data-secret")
    page.get_by_label("Code").fill(code_from(secret))
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator(".second-factor-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have stored them").click()
    expect(page.locator("#user-tools")).to_contain_text("Second factor")

    page.locator("#logout-form button").click()
    sign_in_with_password(page)
    expect(page.get_by_role("heading", name="Second factor")).to_be_visible()
    # The enrolment spent this time step's code; the next step's is accepted.
    page.get_by_label("Code").fill(code_from(secret, drift=1))
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#user-tools")).to_contain_text("Second factor")
    page.goto("/admin/cases/case/")
    expect(page.locator("#changelist")).to_be_visible()
