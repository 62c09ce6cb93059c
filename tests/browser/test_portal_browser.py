"""End to end in a real browser: file a complaint with an attachment, see the reference,
reply, switch to Chinese; two users never see each other's cases; live chat both ways and
its conversion into a case."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case, EvidenceKind
from cases.services.assignment import case_assign
from cases.services.lifecycle import case_transition
from channels.models import ChatSession
from complaints_site.common.actors import SystemActor
from tests.factories.cases import UserFactory, make_team
from tests.factories.portal import PASSWORD, make_portal_user
from tests.support.browser import sign_in
from tests.support.portal import png_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def file_complaint(page, subject, tmp_path):
    shot = tmp_path / "screenshot.png"
    shot.write_bytes(png_bytes())
    page.get_by_role("link", name="New complaint", exact=True).click()
    page.get_by_label("What is it about?").select_option("deposit_withdrawal")
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("What happened?").fill("My deposit of 0.5 BTC has not arrived.")
    page.get_by_label("Related transaction or order ids").fill("tx-777")
    page.locator("#id_attachments").set_input_files(str(shot))
    page.get_by_role("button", name="Send complaint").click()
    expect(page.locator(".messages")).to_contain_text("registered under the reference")
    return page.locator("#case-reference").inner_text()


def test_file_a_complaint_reply_and_switch_to_chinese(new_page, tmp_path):
    make_portal_user("alice")
    page = new_page()
    sign_in(page, "alice@example.com")
    reference = file_complaint(page, "Deposit missing", tmp_path)
    case = Case.objects.get(reference=reference)
    assert case.customer.username == "alice"
    assert case.evidence.count() == 1
    expect(page.get_by_role("link", name="screenshot.png")).to_be_visible()

    page.get_by_label("Your message").fill("I also attach the bank statement.")
    page.get_by_role("button", name="Send message").click()
    expect(page.locator(".messages")).to_contain_text("Your message was sent.")
    expect(page.locator(".msg.inbound").last).to_contain_text("I also attach the bank statement.")

    page.select_option("#language", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("#case-status")).to_have_text("已受理")
    expect(page.get_by_text("充值 / 提现")).to_be_visible()


def test_two_users_never_see_each_others_cases(new_page, tmp_path):
    make_portal_user("alice")
    make_portal_user("bob")
    alice = new_page()
    sign_in(alice, "alice@example.com")
    reference = file_complaint(alice, "Alice only", tmp_path)

    bob = new_page()
    sign_in(bob, "bob@example.com")
    expect(bob.get_by_text("You have no cases yet.")).to_be_visible()
    expect(bob.get_by_text(reference)).to_have_count(0)
    response = bob.goto(f"/portal/cases/{reference}/")
    assert response.status == 404
    expect(bob.get_by_text("Alice only")).to_have_count(0)


def test_live_chat_both_ways_and_into_a_case(new_page):
    make_portal_user("alice")
    UserFactory(username="agent", is_staff=True, is_superuser=True)

    agent = new_page()
    agent.goto("/admin/login/")
    agent.fill("#id_username", "agent")
    agent.fill("#id_password", PASSWORD)
    agent.locator("input[type=submit]").click()
    agent.goto("/admin/intake_channels/chatsession/")
    expect(agent.locator("#chat-queue")).to_be_visible()

    user = new_page()
    sign_in(user, "alice@example.com")
    user.get_by_role("link", name="Live chat").click()
    user.get_by_label("Topic").fill("Withdrawal stuck")
    user.get_by_role("button", name="Start chat").click()
    expect(user.locator("#chat-status")).to_have_attribute("data-status", "waiting")
    session = ChatSession.objects.get(customer__username="alice")

    # The console refreshes by itself; the new chat appears without a reload.
    agent.get_by_role("link", name=f"#{session.pk}").click(timeout=5_000)
    agent.locator("#chat-accept").click()
    expect(user.locator("#chat-status")).to_have_attribute("data-status", "active", timeout=4_000)

    user.locator("#chat-body").fill("My withdrawal wd-991 is pending for two days.")
    user.locator("#chat-send").click()
    expect(agent.locator("#chatlog")).to_contain_text("wd-991 is pending", timeout=4_000)

    agent.locator("#chat-body").fill("I can see it. Let me open a case for you.")
    agent.locator("#chat-send").click()
    expect(user.locator("#chatlog")).to_contain_text("open a case for you", timeout=4_000)

    agent.select_option("#convert-category", "deposit_withdrawal")
    agent.locator("#chat-convert").click()
    expect(agent.locator(".messagelist")).to_contain_text("opened from this chat")
    session.refresh_from_db()
    case = Case.objects.get(pk=session.case_id)
    assert case.customer.username == "alice"
    transcript = case.evidence.get(kind=EvidenceKind.CHAT_TRANSCRIPT)
    text = transcript.file.open("rb").read().decode()
    assert "wd-991 is pending" in text
    assert "open a case for you" in text
    expect(user.locator("#chat-case")).to_have_text(re.compile(case.reference), timeout=4_000)


def test_answer_a_request_for_information(new_page, tmp_path):
    make_portal_user("alice")
    page = new_page()
    sign_in(page, "alice@example.com")
    reference = file_complaint(page, "Withdrawal stuck", tmp_path)
    case = Case.objects.get(reference=reference)
    team = make_team("support-b", "Support B")
    actor = SystemActor("tests")
    case = case_assign(case=case, actor=actor, reason="r", team=team)
    for name, inputs in (
        ("start_assessment", {}),
        ("accept", {}),
        ("request_info", {"info_request": "Which address did you withdraw to?"}),
    ):
        case = case_transition(case=case, transition=name, actor=actor, reason="r", **inputs)

    page.reload()
    box = page.locator("#info-request")
    expect(box).to_contain_text("Which address did you withdraw to?")
    expect(page.locator("#case-status")).to_have_text("Waiting for you")

    page.get_by_label("Your message").fill("To bc1qexampleaddress.")
    page.get_by_role("button", name="Send message").click()
    expect(page.locator(".messages")).to_contain_text("Your message was sent.")
    expect(page.locator("#info-request")).to_have_count(0)
    case.refresh_from_db()
    assert case.state == "investigating"
