"""The portal inbox and the anti-phishing code in headless Chromium (issue 14): alice signs in,
sees the unread badge, opens the inbox, opens a notification (the badge drops), marks the rest
read, then sets an anti-phishing code, is told clearly when it is wrong, and the next email
shows it."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from cases.models import CustomerProfile, Notification
from cases.services.notifications import notification_queue
from tests.factories.cases import SYSTEM, make_case
from tests.factories.portal import make_portal_user
from tests.support.browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def own_case(user, subject):
    return make_case(
        customer=user,
        subject=subject,
        complainant_email=user.email,
        complainant_account_id=user.customer_profile.exchange_account_id,
    )


def test_inbox_badge_and_anti_phishing_code(new_page):
    alice = make_portal_user("alice")
    deposit = own_case(alice, "Deposit missing")
    trade = own_case(alice, "Order not filled")
    notification_queue(
        case=deposit,
        kind="case.info_requested",
        cause="q1",
        actor=SYSTEM,
        context={"body": "Which network did you use?"},
    )
    notification_queue(
        case=trade, kind="case.offer_expired", cause="e1", actor=SYSTEM, context={"version": 1}
    )
    notification_queue(
        case=trade,
        kind="case.deadline_extended",
        cause="d1",
        actor=SYSTEM,
        context={"expected_date": "2027-03-01", "reasons": "We wait for the bank's answer."},
    )

    page = new_page()
    sign_in(page, "alice@example.com")
    badge = page.locator("#unread-badge")
    expect(badge).to_have_text("3")

    page.get_by_role("link", name="Inbox").click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    items = page.locator(".inbox-item")
    expect(items).to_have_count(3)
    expect(page.locator(".inbox-item.unread")).to_have_count(3)
    # Newest first, each a sentence with its case.
    expect(items.first).to_contain_text("We need more time for your complaint")
    expect(items.first).to_contain_text(f"About your case {trade.reference}: Order not filled")

    page.get_by_role("button", name="We need information from you").click()
    expect(page.get_by_role("heading", name="We need information from you")).to_be_visible()
    expect(page.locator("#notification-body")).to_contain_text("Which network did you use?")
    expect(badge).to_have_text("2")

    page.get_by_role("link", name="Back to the inbox").click()
    expect(page.locator(".inbox-item.unread")).to_have_count(2)
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.locator(".messages")).to_contain_text("2 notifications marked as read.")
    expect(page.locator("#unread-badge")).to_have_count(0)
    expect(page.locator(".inbox-item.unread")).to_have_count(0)

    # The anti-phishing code.
    page.get_by_role("link", name="Security").click()
    expect(page.get_by_text("Every email we send you shows this code.")).to_be_visible()
    page.get_by_label("Your anti-phishing code").fill("no way!")
    page.get_by_role("button", name="Set the code").click()
    expect(page.locator(".errorlist")).to_contain_text(
        "Use 4 to 20 letters (A-Z, a-z) and digits (0-9)"
    )
    page.get_by_label("Your anti-phishing code").fill("Blue42Moon")
    page.get_by_role("button", name="Set the code").click()
    expect(page.locator(".messages")).to_contain_text("Your anti-phishing code is saved.")
    expect(page.locator("#current-code")).to_contain_text("Blue42Moon")
    assert CustomerProfile.objects.get(user=alice).anti_phishing_code == "Blue42Moon"

    # The next email shows it at the top (delivered at once: eager tasks, after commit).
    notification_queue(
        case=deposit, kind="case.message", cause="m1", actor=SYSTEM, context={"body": "Hi."}
    )
    email = Notification.objects.get(case=deposit, kind="case.message", channel="email")
    assert email.status == "sent"
    assert mail.outbox[-1].body.startswith("Your anti-phishing code: Blue42Moon\n")

    page.get_by_role("button", name="Remove the code").click()
    expect(page.locator(".messages")).to_contain_text("Your anti-phishing code is removed.")
    assert CustomerProfile.objects.get(user=alice).anti_phishing_code == ""
