"""The customer's case page lists the letters we sent (issue 14, section 1): the regulators'
letters with their text as sent, and the final response; in the customer's language; only on
their own case; a flat query budget."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.enums import CaseState, Category, LetterKind
from cases.models import RegulatoryLetter
from cases.roles import TEAM_LEAD
from cases.services.regulatory_letters import letter_today, regulatory_letter_issue
from tests.factories.cases import make_case
from tests.support.lifecycle import path_to

pytestmark = pytest.mark.django_db

REASONS = "The receiving bank has not yet confirmed where the withdrawal went."


@pytest.fixture
def lead(staff, team):
    return staff(TEAM_LEAD, teams=[team], username="lena")


@pytest.fixture
def alice(portal_user):
    return portal_user("alice")


def own(user, team, state=CaseState.INVESTIGATING, **overrides):
    """An FCA payment-services complaint of `user`, received two days ago."""
    return make_case(
        team=team,
        customer=user,
        complainant_email=user.email,
        complainant_account_id=user.customer_profile.exchange_account_id,
        jurisdiction="GB",
        category=Category.DEPOSIT_WITHDRAWAL,
        received_at=timezone.now() - timedelta(days=2),
        state_path=path_to(state),
        **overrides,
    )


def hold(case, lead, n=0):
    return regulatory_letter_issue(
        case=case,
        actor=lead,
        kind=LetterKind.HOLDING_REPLY,
        reasons=f"{REASONS} ({n})",
        expected_by=letter_today(case) + timedelta(days=7 + n),
    )


def page(client, case):
    response = client.get(f"/portal/cases/{case.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_customer_reads_the_holding_reply_on_the_case_page(client, alice, lead, team):
    case = own(alice, team)
    client.force_login(alice)
    assert 'id="letters"' not in page(client, case)
    letter = hold(case, lead)
    html = page(client, case)
    assert 'id="letters"' in html
    assert f'id="letter-{letter.pk}"' in html
    assert "Holding reply" in html
    assert f"final response by {letter.expected_by:%Y-%m-%d}" in html
    assert REASONS in html
    assert letter.sha256 in html


def test_the_summary_resolution_and_the_final_response_are_listed(client, alice, team):
    accepted = own(alice, team, state=CaseState.RESOLUTION_ACCEPTED)
    answered = own(alice, team, state=CaseState.FINAL_RESPONSE)
    client.force_login(alice)
    html = page(client, accepted)
    summary = RegulatoryLetter.objects.get(case=accepted)
    assert summary.kind == LetterKind.SUMMARY_RESOLUTION
    assert "Summary resolution communication" in html
    assert "we now consider it resolved" in html
    html = page(client, answered)
    assert 'data-kind="final_response"' in html
    assert f'href="/portal/cases/{answered.reference}/letter/"' in html


def test_in_chinese_for_a_chinese_customer(client, portal_user, lead, team):
    chen = portal_user("chen")
    chen.customer_profile.locale = "zh-hans"
    chen.customer_profile.save()
    case = own(chen, team, complainant_locale="zh-hans")
    hold(case, lead)
    client.force_login(chen)
    response = client.get(f"/portal/cases/{case.reference}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert "我们给您的函件" in html
    assert "暂缓答复函" in html
    assert "我们需要更多时间的原因" in html  # the letter itself


def test_another_customers_letters_are_not_shown(client, alice, portal_user, lead, team):
    bob = portal_user("bob")
    bobs = own(bob, team)
    hold(bobs, lead)
    client.force_login(alice)
    assert client.get(f"/portal/cases/{bobs.reference}/").status_code == 404


def test_case_page_budget_is_flat(client, alice, lead, team, django_assert_max_num_queries):
    few, many = own(alice, team), own(alice, team)
    hold(few, lead)
    for n in range(6):
        hold(many, lead, n)
    client.force_login(alice)
    page(client, few)
    counts = []
    for case in (few, many):
        with django_assert_max_num_queries(12) as captured:
            page(client, case)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    assert page(client, many).count('class="card sent-letter"') == 6


def test_the_notifications_read_in_the_language_of_the_page(client, alice, lead, team):
    """alice's mail went out in English; reading her case page in Chinese shows what we told
    her in Chinese too, as her inbox does."""
    case = own(alice, team)
    hold(case, lead)
    client.force_login(alice)
    english = page(client, case)
    assert "We need more time for your complaint" in english
    chinese = client.get(f"/portal/cases/{case.reference}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = chinese.content.decode()
    assert "We need more time for your complaint" not in html
    assert "我们给您的函件" in html
