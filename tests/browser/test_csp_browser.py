"""The Content-Security-Policy in a real browser (issue 11, Medium 10): the portal, the admin
case page, its lists, the live chat console and the API docs work under it, and Chromium
reports no violation (neither in the console nor as a securitypolicyviolation event)."""

import pytest
from playwright.sync_api import expect

from tests.factories.cases import UserFactory, make_case, make_team
from tests.factories.portal import PASSWORD, make_portal_user
from tests.support.browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# Playwright adds this before any page script; CSP does not apply to it.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def watched(new_page):
    page = new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.add_init_script(RECORD_VIOLATIONS)
    return page, console


def assert_no_violation(page, console):
    violations = page.evaluate("window.__csp")
    assert violations == [], violations
    assert not [m for m in console if "Content Security Policy" in m], console


def test_portal_pages_run_under_the_policy(new_page):
    alice = make_portal_user("alice")
    case = make_case(
        customer=alice,
        complainant_email=alice.email,
        complainant_account_id=alice.customer_profile.exchange_account_id,
    )
    page, console = watched(new_page)
    response = page.goto("/portal/sign-in/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    sign_in(page, "alice@example.com")
    page.goto(f"/portal/cases/{case.reference}/")
    expect(page.locator("h1")).to_contain_text(case.reference)
    assert_no_violation(page, console)
    # The language switch (a select that submits itself) works from the static script.
    page.select_option("#language", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    assert_no_violation(page, console)


def test_admin_case_page_lists_chat_console_and_api_docs_run_under_the_policy(new_page):
    team = make_team("complaints", "Complaints")
    case = make_case(team=team)
    UserFactory(username="boss", is_staff=True, is_superuser=True, password=PASSWORD)
    page, console = watched(new_page)
    page.goto("/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#user-tools")).to_be_visible()

    page.goto(f"/admin/cases/case/{case.pk}/change/")
    expect(page.locator("#case-extras")).to_be_visible()
    # Our admin style sheet applies (the former inline style attributes live there now).
    assert page.locator("#case-extras").evaluate("e => getComputedStyle(e).clear") == "both"
    page.goto("/admin/cases/case/")
    expect(page.locator("#result_list")).to_be_visible()
    page.goto("/admin/intake_channels/chatsession/")
    expect(page.locator("#chat-queue")).to_be_visible()
    page.wait_for_timeout(2500)  # one refresh of the queue by its static script
    assert_no_violation(page, console)

    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Complaints")
    assert_no_violation(page, console)
