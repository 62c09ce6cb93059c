"""End to end in a real browser at 1366 px: a handler prepares an offer on the case page and
submits it for approval; an approver finds it in "Offers awaiting my approval" from the admin
home, reads it on one page and approves it with a reason. Nothing overflows the window."""

import pytest
from playwright.sync_api import expect

from cases.enums import CaseState, OfferState
from cases.models import ResolutionOffer
from cases.roles import APPROVER, CASE_HANDLER
from tests.factories.cases import make_case, make_staff, make_team
from tests.factories.portal import PASSWORD
from tests.support.lifecycle import path_to

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

WIDTH = 1366


def admin_sign_in(page, username):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#user-tools")).to_be_visible()


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_a_handler_composes_an_offer_and_an_approver_approves_it(new_page):
    team = make_team("complaints", "Complaints")
    handler = make_staff(CASE_HANDLER, teams=[team], username="hana")
    make_staff(APPROVER, username="arno")
    case = make_case(
        team=team, assignee=handler, state_path=path_to(CaseState.RESPONSIBILITY_DETERMINED)
    )

    page = new_page()
    admin_sign_in(page, "hana")
    page.goto(f"/admin/cases/case/{case.pk}/change/")
    page.locator("#prepare-offer").click()
    expect(page.get_by_role("heading", name="Prepare an offer")).to_be_visible()
    fits(page)
    page.get_by_label("Message to the customer").fill(
        "Our engine stalled: we refund the loss your order suffered."
    )
    page.get_by_label("Outcome").select_option("upheld")
    page.locator("#id_form-0-kind").select_option("refund")
    page.locator("#id_form-0-asset").select_option("USDT")
    page.locator("#id_form-0-amount").fill("2500.25")
    page.get_by_label("Justification").fill(
        "No earlier case compares: the first stall of the new matching engine."
    )
    page.get_by_role("button", name="Save and submit for approval").click()

    panel = page.locator("#offer-v1")
    expect(panel).to_contain_text("Awaiting approval")
    expect(panel).to_contain_text("2,500.25 USDT")
    expect(panel).to_contain_text("2,500.25 USD")
    fits(page)

    approver_page = new_page()
    admin_sign_in(approver_page, "arno")
    approver_page.locator("#approval-queue-link").click()
    expect(approver_page.locator("#approval-queue")).to_contain_text(case.reference)
    fits(approver_page)
    approver_page.locator("#approval-queue tbody a").first.click()
    expect(approver_page.locator("#offer-v1")).to_contain_text("2,500.25 USDT")
    fits(approver_page)
    approver_page.get_by_label("Approve", exact=True).check()
    approver_page.get_by_label("Reason").fill("The stall is in the engine's log.")
    approver_page.get_by_role("button", name="Record my decision").click()
    expect(approver_page.locator(".messagelist")).to_contain_text("fully approved")
    expect(approver_page.locator("#approval-queue")).not_to_contain_text(case.reference)

    assert ResolutionOffer.objects.get(case=case).state == OfferState.APPROVED
    page.reload()
    expect(page.locator("#offer-v1")).to_contain_text("Approved, ready to send")
    expect(page.locator('[data-offer-button="send"]')).to_be_visible()
