""" "What happens next and by when" on the customer's case page: the next step, and the dates
they will hear from us — our first reply, the regulator's final-response deadline — on their
jurisdiction's calendar, in their language; a missed deadline said plainly with where to turn."""

from __future__ import annotations

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from cases.enums import CaseState, Category, Priority
from tests.factories.cases import make_case
from tests.support.lifecycle import path_to

pytestmark = pytest.mark.django_db

MONTHS_ZH = "{d.year}年{d.month}月{d.day}日"


@pytest.fixture
def alice(portal_user):
    return portal_user("alice")


@pytest.fixture
def own(team, alice):
    def make(*, jurisdiction="GB", hours_ago=2.0, state=CaseState.RECEIVED, **overrides):
        return make_case(
            team=team,
            customer=alice,
            complainant_email=alice.email,
            complainant_account_id=alice.customer_profile.exchange_account_id,
            jurisdiction=jurisdiction,
            received_at=timezone.now() - timedelta(hours=hours_ago),
            state_path=path_to(state),
            **overrides,
        )

    return make


def block(client, case, language="en") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(f"/portal/cases/{case.reference}/")
    assert response.status_code == 200
    html = response.content.decode()
    if 'id="next-steps"' not in html:
        return ""
    part = html[html.index('id="next-steps"') :]
    # Up to the next heading of the page (the block has one of its own).
    part = part[: part.index("<h2", part.index("</h2>"))]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part)).replace("&#x27;", "'")


def local_day(case, zone: str) -> date:
    return case.received_at.astimezone(ZoneInfo(zone)).date()


def english(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def test_uk_complaint_first_reply_and_final_response_date(client, alice, own):
    case = own(priority=Priority.P3)
    client.force_login(alice)
    words = block(client, case)
    final = local_day(case, "Europe/London") + timedelta(days=56)

    assert "What happens next and by when" in words
    assert "We have received your complaint and will review it." in words
    assert re.search(r"You will hear from us by \d+ \w+ \d{4}, \d\d:\d\d (GMT|BST)\.", words)
    assert (
        f"We will send you our final response by {english(final)} at the latest "
        "(UK FCA rules)." in words
    )


def test_the_same_in_chinese(client, alice, own):
    case = own(priority=Priority.P3)
    client.force_login(alice)
    words = block(client, case, "zh-hans")
    final = local_day(case, "Europe/London") + timedelta(days=56)

    assert "接下来会发生什么、何时发生" in words
    assert "我们已收到您的投诉，将进行审核。" in words
    assert re.search(r"我们将于 \d{4}年\d+月\d+日 \d\d:\d\d (GMT|BST) 前与您联系。", words)
    assert f"我们最迟将于 {MONTHS_ZH.format(d=final)} 向您发送最终答复（英国 FCA 规则）。" in words


def test_eu_customer_gets_the_mica_decision_date(client, alice, own):
    case = own(jurisdiction="DE")
    client.force_login(alice)
    decision = local_day(case, "Europe/Berlin") + relativedelta(months=2)
    assert (
        f"We will send you our decision by {english(decision)} at the latest (EU MiCA rules)."
        in block(client, case)
    )
    assert f"{MONTHS_ZH.format(d=decision)} 向您发送我们的决定（欧盟 MiCA 规则）" in block(
        client, case, "zh-hans"
    )


def test_us_customer_gets_the_cfpb_response_date_first(client, alice, own):
    case = own(jurisdiction="US")
    client.force_login(alice)
    words = block(client, case)
    response = local_day(case, "America/New_York") + timedelta(days=15)
    assert (
        f"By {english(response)} at the latest, we will send you our response, or tell you "
        "that your complaint is still in progress and when to expect our final response "
        "(US CFPB rules)." in words
    )
    # The 60-day limit applies once an "in progress" reply went out: one date at a time.
    assert "final response by" not in words


def test_payment_services_under_the_fca(client, alice, own):
    case = own(category=Category.DEPOSIT_WITHDRAWAL)
    client.force_login(alice)
    words = block(client, case)
    assert re.search(
        r"We will send you our final response by \d+ \w+ \d{4} at the latest\. If, "
        r"exceptionally, we cannot, we will write to you by then to explain why and to tell you "
        r"when you will receive it \(UK FCA rules\)\.",
        words,
    )


def test_a_missed_deadline_is_said_plainly_with_where_to_turn(client, alice, own):
    case = own(hours_ago=24 * 60, state=CaseState.INVESTIGATING)
    client.force_login(alice)
    words = block(client, case)
    due = local_day(case, "Europe/London") + timedelta(days=56)
    assert (
        f"Our answer was due by {english(due)} (UK FCA rules) and is late; we are sorry. You "
        "may refer your complaint to the Financial Ombudsman Service "
        "(https://www.financial-ombudsman.org.uk) now." in words
    )
    assert "We aimed to reply to you by" in words


def test_waiting_for_the_customer_pauses_our_reply_target(client, alice, own):
    case = own(state=CaseState.AWAITING_CUSTOMER)
    client.force_login(alice)
    words = block(client, case)
    assert "our own reply target is paused until you do" in words
    assert "You will hear from us" not in words
    assert "at the latest (UK FCA rules)" in words


def test_a_query_has_our_own_target_only(client, alice, own):
    case = own(is_complaint=False, priority=Priority.P3)
    client.force_login(alice)
    words = block(client, case)
    assert "UK FCA rules" not in words
    assert "We aim to resolve your case by" in words


def test_nothing_ahead_on_a_finished_case(client, alice, own):
    case = own(state=CaseState.WITHDRAWN)
    client.force_login(alice)
    assert block(client, case) == ""
