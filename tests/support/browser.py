"""Steps the browser tests share."""

from playwright.sync_api import expect

from tests.factories.portal import PASSWORD


def sign_in(page, email):
    page.goto("/portal/sign-in/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My cases")).to_be_visible()
