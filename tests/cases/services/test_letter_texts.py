"""What the letters say per regime (issue 14, section 1): the acknowledgement states the regime
and the date of the answer the rules require, on the jurisdiction's calendar; the final
response states the referral rights of the case's regime with the deadline to refer (the
Financial Ombudsman Service within 6 months under the FCA, DISP 2.8.2; the settings' months
elsewhere), dated on the jurisdiction's calendar. English and Chinese."""

from datetime import UTC, date, datetime, timedelta

import pytest

from cases.enums import CaseState, Category
from cases.models import FinalResponseLetter
from cases.roles import TEAM_LEAD
from cases.services.letters import letter_issue
from cases.services.notifications import notification_queue, notification_render
from tests.factories.cases import SYSTEM, make_case
from tests.support.lifecycle import cite_evidence, path_to

pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    def set_to(moment):
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    return set_to


@pytest.fixture
def lead(staff, team):
    return staff(TEAM_LEAD, teams=[team], username="lena")


# --- the acknowledgement -------------------------------------------------------------------------


def acknowledgement(team, clock, *, received, **overrides):
    clock(received + timedelta(minutes=1))
    case = make_case(team=team, received_at=received, **overrides)
    email = notification_queue(
        case=case, kind="case.acknowledged", cause="intake", actor=SYSTEM, context={}
    )[0]
    return case, email


@pytest.mark.parametrize(
    ("overrides", "english", "chinese"),
    [
        (
            {"jurisdiction": "GB", "received": at(2026, 3, 2, 10)},
            [
                "complaint rules of the UK Financial Conduct Authority",
                "We will send you our final response by 27 April 2026, within eight weeks",
                "Financial Ombudsman Service",
            ],
            ["英国金融行为监管局", "2026年4月27日之前", "八周内"],
        ),
        (
            {
                "jurisdiction": "GB",
                "received": at(2026, 3, 2, 10),
                "category": Category.DEPOSIT_WITHDRAWAL,
            },
            [
                "concerns a payment service",
                "final response by 23 March 2026, within 15 business days",
                "by 22 April 2026 at the latest",
            ],
            ["支付服务", "2026年3月23日之前", "2026年4月22日之前"],
        ),
        (
            # Received at 18:00 in Berlin on New Year's Eve: 2 months end with 28 February.
            {"jurisdiction": "DE", "received": at(2025, 12, 31, 17)},
            [
                "EU rules for crypto-asset service providers (MiCA)",
                "We will give you our decision by 28 February 2026, within two months",
            ],
            ["MiCA", "2026年2月28日之前", "两个月内"],
        ),
        (
            # 23:30 on 1 March in New York is already 2 March in UTC: the days count from
            # 1 March, New York's day of receipt.
            {"jurisdiction": "US", "received": at(2026, 3, 2, 4, 30)},
            [
                "US Consumer Financial Protection Bureau",
                "We will respond by 16 March 2026.",
                "in progress",
                "final response by 30 April 2026 at the latest",
            ],
            ["美国消费者金融保护局", "2026年3月16日之前", "2026年4月30日之前"],
        ),
    ],
)
def test_the_acknowledgement_states_the_regime_and_its_deadline(
    team, clock, overrides, english, chinese
):
    received = overrides.pop("received")
    _case, email = acknowledgement(team, clock, received=received, **overrides)
    _subject, body = notification_render(email)
    for text in english:
        assert text in body, text
    _case, email = acknowledgement(
        team, clock, received=received, complainant_locale="zh-hans", **overrides
    )
    _subject, body = notification_render(email)
    for text in chinese:
        assert text in body, text
    assert "We will" not in body


def test_a_plain_query_is_told_no_regime(team, clock):
    _case, email = acknowledgement(
        team, clock, received=at(2026, 3, 2, 10), jurisdiction="GB", is_complaint=False
    )
    _subject, body = notification_render(email)
    assert "Financial Conduct Authority" not in body
    assert "final response" not in body


def test_stating_the_deadline_costs_no_query(team, clock, django_assert_num_queries):
    """The intake queues the acknowledgement with the case it holds: rendering the regime's
    paragraph reads the case row and the settings, nothing more."""
    _case, email = acknowledgement(team, clock, received=at(2026, 3, 2, 10), jurisdiction="GB")
    with django_assert_num_queries(0):
        _subject, body = notification_render(email)
    assert "27 April 2026" in body


# --- the final response per regime ---------------------------------------------------------------

# 23:30 UTC on 31 July 2026: already 1 August in London and Berlin, still 31 July in New York.
ISSUED = at(2026, 7, 31, 23, 30)


def final_response(team, lead, clock, **overrides):
    clock(at(2026, 7, 20, 10))
    case = make_case(
        team=team,
        received_at=at(2026, 7, 20, 9),
        state_path=path_to(CaseState.INVESTIGATING),
        **overrides,
    )
    clock(ISSUED)
    return letter_issue(
        case=case,
        actor=lead,
        outcome="not_upheld",
        reasons="The order filled at the quoted price.",
        evidence_ids=cite_evidence(case),
    )


@pytest.mark.parametrize(
    ("overrides", "deadline", "english", "chinese"),
    [
        (
            # The FCA's 6 months, whatever the settings say (DISP 2.8.2).
            {"jurisdiction": "GB"},
            date(2027, 2, 1),
            [
                "Date: 1 August 2026",
                "Your right to refer your complaint",
                "refer your complaint to the Financial Ombudsman Service, free of charge, within "
                "6 months of the date of this letter, that is by 1 February 2027",
                "https://www.financial-ombudsman.org.uk",
            ],
            ["日期：2026年8月1日", "2027年2月1日之前", "金融申诉专员", "您提交投诉的权利"],
        ),
        (
            {"jurisdiction": "DE"},
            date(2026, 11, 1),
            [
                "Date: 1 August 2026",
                "national competent authority for crypto-asset services",
                "within 3 months of the date of this letter, that is by 1 November 2026",
            ],
            ["日期：2026年8月1日", "2026年11月1日之前", "国家主管机关"],
        ),
        (
            {"jurisdiction": "US"},
            date(2026, 10, 31),
            [
                "Date: 31 July 2026",
                "Consumer Financial Protection Bureau at https://www.consumerfinance.gov/complaint/",
                "within 3 months of the date of this letter, that is by 31 October 2026",
                "The arbitration page of our customer portal",
            ],
            ["日期：2026年7月31日", "2026年10月31日之前", "美国消费者金融保护局"],
        ),
        (
            # A plain query: no regime, the arbitration bodies of the portal.
            {"jurisdiction": "GB", "is_complaint": False},
            date(2026, 11, 1),
            [
                "Date: 1 August 2026",
                "Your right to refer the dispute to arbitration",
                "independent arbitration body listed on the arbitration page of our portal "
                "within 3 months of the date of this letter, that is by 1 November 2026",
            ],
            ["日期：2026年8月1日", "2026年11月1日之前", "仲裁"],
        ),
    ],
)
def test_the_final_response_states_the_regime_referral_rights_and_deadline(
    team, lead, clock, settings, overrides, deadline, english, chinese
):
    settings.ARBITRATION_REFERRAL_MONTHS = 3
    letter = final_response(team, lead, clock, **overrides)
    assert letter.arbitration_deadline == deadline
    for text in english:
        assert text in letter.body, text
    letter = final_response(team, lead, clock, complainant_locale="zh-hans", **overrides)
    assert letter.arbitration_deadline == deadline
    for text in chinese:
        assert text in letter.body, text
    assert "Your right" not in letter.body
    assert FinalResponseLetter.objects.filter(locale="zh-hans").count() == 1
