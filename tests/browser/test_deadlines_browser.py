"""Deadlines in a real browser (issue 14): the customer reads "What happens next and by when"
in English, switches to Chinese and reads the same date in Chinese; a team lead's case list at
1366 px shows the "Next deadline" badge without scrolling sideways."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.enums import Priority
from cases.roles import TEAM_LEAD
from tests.factories.cases import make_case, make_staff, make_team
from tests.factories.portal import PASSWORD, make_portal_user
from tests.support.browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_the_customer_reads_the_final_response_date_in_both_languages(new_page):
    alice = make_portal_user("alice")
    case = make_case(
        team=make_team("complaints", "Complaints"),
        customer=alice,
        complainant_email=alice.email,
        complainant_account_id=alice.customer_profile.exchange_account_id,
        jurisdiction="GB",
        received_at=timezone.now() - timedelta(hours=3),
    )
    final = case.received_at.astimezone(ZoneInfo("Europe/London")).date() + timedelta(days=56)
    page = new_page()
    sign_in(page, alice.email)
    page.goto(f"/portal/cases/{case.reference}/")
    block = page.locator("#next-steps")
    expect(block.get_by_role("heading")).to_have_text("What happens next and by when")
    expect(block).to_contain_text(
        f"We will send you our final response by {final.day} {final:%B} {final.year} at the "
        "latest (UK FCA rules)."
    )
    page.select_option("#language", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    day = f"{final.year}年{final.month}月{final.day}日"
    expect(block).to_contain_text(f"我们最迟将于 {day} 向您发送最终答复（英国 FCA 规则）。")


def test_the_badge_is_in_view_at_1366_pixels(new_page):
    team = make_team("complaints", "Complaints")
    make_staff(TEAM_LEAD, teams=[team], username="lead-browser")
    # P2: first response within 4 hours, due 5 and a half hours ago.
    make_case(team=team, priority=Priority.P2, received_at=timezone.now() - timedelta(hours=9.5))
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/admin/login/")
    page.fill("#id_username", "lead-browser")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#user-tools")).to_be_visible()
    page.goto("/admin/cases/case/")
    badge = page.locator(".cx-deadline-overdue").first
    expect(badge).to_have_text("Overdue by 5 hours")
    box = badge.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 1366
