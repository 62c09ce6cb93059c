"""The regulators' letters (issue 14, section 1; docs/clocks.md "Letters"): the holding reply
(FCA payment services, the CFPB's "in progress"), the delay notice (MiCA, the FCA's 8-week
letter) and the FCA's summary resolution communication. Each is written in the customer's
language, dated on the jurisdiction's calendar, stored once with the SHA-256 of its text; the
clocks it answers stop, the date the customer was told goes on the final-response clock, and
the events and the customer's notifications are written once."""

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from cases.enums import CaseEventType, CaseState, Category, ClockKind, LetterKind
from cases.models import Case, CaseClock, CaseEvent, Notification, RegulatoryLetter
from cases.policies.recusal import RELATED_PARTY, Conflict
from cases.roles import CASE_HANDLER, TEAM_LEAD
from cases.services.notifications import notification_render
from cases.services.recusal import recusal_record
from cases.services.regulatory_letters import regulatory_letter_issue
from complaints_site.common.actors import SystemActor
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from tests.factories.cases import SYSTEM, make_case
from tests.support.lifecycle import path_to, run_step

pytestmark = pytest.mark.django_db

REASONS = "We are waiting for the receiving bank to confirm where your withdrawal went."
REASONS_ZH = "我们正在等待收款银行确认您的提现去向。"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """Set `django.utils.timezone.now` (what the services and models call) to a fixed moment."""

    def set_to(moment):
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    return set_to


@pytest.fixture
def lead(staff, team):
    return staff(TEAM_LEAD, teams=[team], username="lena")


def complaint(team, clock, *, received, state=CaseState.INVESTIGATING, **overrides):
    """A complaint received at `received` (UTC), walked to `state` an hour later."""
    clock(received + timedelta(hours=1))
    return make_case(team=team, received_at=received, state_path=path_to(state), **overrides)


def psd(team, clock, **overrides):
    """FCA payment services (England): received Monday 2 March 2026, 10:00 London. Response
    or holding reply due at the end of Monday 23 March (15 business days), final response at
    the end of Wednesday 22 April (35; Easter skipped)."""
    fields = {"jurisdiction": "GB", "category": Category.DEPOSIT_WITHDRAWAL, **overrides}
    return complaint(team, clock, received=at(2026, 3, 2, 10), **fields)


def send(case, actor, **overrides):
    kwargs = {
        "case": case,
        "actor": actor,
        "kind": LetterKind.HOLDING_REPLY,
        "reasons": REASONS,
        "expected_by": date(2026, 4, 10),
        **overrides,
    }
    return regulatory_letter_issue(**kwargs)


def clocks(case):
    return {c.kind: c for c in CaseClock.objects.filter(case=case, kind__startswith="reg_")}


def events(case, type_):
    return CaseEvent.objects.filter(case=case, type=type_)


def rows(case, kind):
    return Notification.objects.filter(case=case, kind=kind)


# --- FCA payment services: the holding reply -------------------------------------------------


def test_a_holding_reply_states_the_reasons_and_the_date_and_meets_the_15_day_deadline(
    team, lead, clock
):
    case = psd(team, clock, subject="Withdrawal not received")
    now = at(2026, 3, 16, 12)
    clock(now)
    letter = send(case, lead)

    assert letter.kind == LetterKind.HOLDING_REPLY
    assert letter.regime == "fca"
    assert letter.locale == "en"
    assert letter.issued_by == lead
    assert letter.expected_by == date(2026, 4, 10)
    assert letter.reasons == REASONS
    assert letter.sha256 == hashlib.sha256(letter.body.encode("utf-8")).hexdigest()
    body = letter.body
    assert letter.subject == (
        f"Your complaint {case.reference}: our final response will take longer"
    )
    assert body.startswith(letter.subject + "\n")
    assert "Date: 16 March 2026" in body
    assert "Received on 2 March 2026" in body
    assert "Your complaint: Withdrawal not received" in body
    assert REASONS in body
    assert "We will send you our final response by 10 April 2026." in body
    assert "The rules allow us until 22 April 2026 at the latest." in body
    assert "the Financial Ombudsman Service" in body
    assert "https://www.financial-ombudsman.org.uk" in body

    # The 15-day deadline is met by the letter; the 35-day one keeps the regulator's due time
    # and learns the date the customer was told (the end of 10 April in London, BST).
    reg = clocks(case)
    assert reg[ClockKind.REG_RESPONSE].met_at == now
    assert reg[ClockKind.REG_RESPONSE].met_by == "letter:holding_reply"
    final = reg[ClockKind.REG_FINAL]
    assert final.met_at is None
    assert final.due_at == at(2026, 4, 22, 23)
    assert final.extended_to == at(2026, 4, 10, 23)
    assert Case.objects.get(pk=case.pk).final_response_due_at == at(2026, 4, 22, 23)

    issued = events(case, CaseEventType.LETTER_ISSUED).get()
    assert issued.actor == lead
    assert issued.data["letter"] == letter.pk
    assert issued.data["kind"] == "holding_reply"
    extended = events(case, CaseEventType.DEADLINE_EXTENDED).get()
    assert extended.data["expected_by"] == "2026-04-10"
    assert extended.data["met"] == ["reg_response"]
    assert extended.reason == REASONS


def test_the_customer_is_sent_the_letter_and_the_new_date_once(team, lead, clock):
    case = psd(team, clock)
    clock(at(2026, 3, 16, 12))
    letter = send(case, lead)
    assert sorted(rows(case, "case.letter").values_list("channel", flat=True)) == [
        "email",
        "portal",
    ]
    subject, body = notification_render(rows(case, "case.letter").get(channel="email"))
    assert case.reference in subject
    assert letter.subject in subject
    assert letter.body.strip() in body
    extended = rows(case, "case.deadline_extended")
    assert extended.count() == 2
    assert extended.get(channel="email").context == {
        "expected_date": "2026-04-10",
        "reasons": REASONS,
    }
    subject, body = notification_render(extended.get(channel="email"))
    assert case.reference in subject
    assert "April 10, 2026" in body  # the email writes the date as the language does
    assert REASONS in body

    # The same letter again (a double submit): the stored one, nothing written twice.
    again = send(case, lead)
    assert again.pk == letter.pk
    assert RegulatoryLetter.objects.filter(case=case).count() == 1
    assert events(case, CaseEventType.LETTER_ISSUED).count() == 1
    assert events(case, CaseEventType.DEADLINE_EXTENDED).count() == 1
    assert rows(case, "case.letter").count() == 2
    assert rows(case, "case.deadline_extended").count() == 2


def test_the_email_waits_for_the_commit(team, lead, clock, django_capture_on_commit_callbacks):
    case = psd(team, clock)
    clock(at(2026, 3, 16, 12))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(case, lead)
    assert len(callbacks) == 2  # the letter's email and the new date's email


def test_a_chinese_customer_gets_the_holding_reply_in_chinese(team, lead, clock):
    case = psd(team, clock, complainant_locale="zh-hans")
    clock(at(2026, 3, 16, 12))
    letter = send(case, lead, reasons=REASONS_ZH)
    assert letter.locale == "zh-hans"
    assert letter.subject == f"您的投诉 {case.reference}：我们的最终答复需要更长时间"
    body = letter.body
    assert "2026年3月16日" in body  # the letter's date
    assert "2026年3月2日" in body  # received
    assert "我们将在2026年4月10日之前向您发送最终答复。" in body
    assert "规则允许的最迟日期为2026年4月22日。" in body
    assert "金融申诉专员" in body
    assert REASONS_ZH in body
    assert "Why we need more time" not in body
    _subject, email = notification_render(rows(case, "case.deadline_extended").get(channel="email"))
    assert "2026年4月10日" in email


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("expected_by", {"expected_by": date(2026, 4, 23)}),  # after the 35th business day
        ("expected_by", {"expected_by": date(2026, 3, 16)}),  # today
        ("expected_by", {"expected_by": date(2026, 3, 1)}),  # in the past
        ("expected_by", {"expected_by": None}),
        ("expected_by", {"expected_by": "2026-04-10"}),  # a date, not a text
        ("reasons", {"reasons": "   "}),
        ("kind", {"kind": LetterKind.DELAY_NOTICE}),  # not this regime's letter
        ("kind", {"kind": LetterKind.SUMMARY_RESOLUTION}),
        ("kind", {"kind": "apology"}),
    ],
)
def test_bad_input_is_refused_naming_the_field(team, lead, clock, field, overrides):
    case = psd(team, clock)
    clock(at(2026, 3, 16, 12))
    with pytest.raises(ApplicationError) as refused:
        send(case, lead, **overrides)
    assert field in refused.value.extra["errors"]
    unchanged(case)


def test_the_latest_date_the_rules_allow_is_accepted_and_named_when_exceeded(team, lead, clock):
    case = psd(team, clock)
    clock(at(2026, 3, 16, 12))
    with pytest.raises(ApplicationError) as refused:
        send(case, lead, expected_by=date(2026, 4, 23))
    assert "22 April 2026" in refused.value.extra["errors"]["expected_by"][0]
    assert send(case, lead, expected_by=date(2026, 4, 22)).expected_by == date(2026, 4, 22)


def unchanged(case):
    assert not RegulatoryLetter.objects.filter(case=case).exists()
    assert not events(case, CaseEventType.LETTER_ISSUED).exists()
    assert not rows(case, "case.letter").exists()
    reg = clocks(case)
    assert all(c.met_at is None and c.extended_to is None for c in reg.values())


def test_only_a_lead_with_the_case_in_reach_sends_it(
    team, other_team, staff, portal_user, lead, clock
):
    case = psd(team, clock)
    clock(at(2026, 3, 16, 12))
    handler = staff(CASE_HANDLER, teams=[team])
    outsider = staff(TEAM_LEAD, teams=[other_team])
    for actor in (handler, outsider, SystemActor("tests"), portal_user("pat")):
        with pytest.raises(PermissionDeniedError):
            send(case, actor)
    unchanged(case)


def test_a_recused_lead_may_not(team, lead, clock):
    case = psd(team, clock)
    clock(at(2026, 3, 16, 12))
    recusal_record(
        case=case, user=lead, conflict=Conflict(RELATED_PARTY, "declared link"), actor=SYSTEM
    )
    with pytest.raises(PermissionDeniedError):
        send(case, lead)
    unchanged(case)


@pytest.mark.parametrize("state", [CaseState.FINAL_RESPONSE, CaseState.WITHDRAWN])
def test_not_once_the_exchange_answered_or_the_case_ended(team, lead, clock, state):
    case = psd(team, clock, state=state)
    clock(at(2026, 3, 16, 12))
    with pytest.raises(ConflictError):
        send(case, lead)
    assert not RegulatoryLetter.objects.filter(case=case).exists()


def test_a_plain_query_takes_no_such_letter(team, lead, clock):
    case = psd(team, clock, is_complaint=False)
    clock(at(2026, 3, 16, 12))
    with pytest.raises(ApplicationError) as refused:
        send(case, lead)
    assert "kind" in refused.value.extra["errors"]
    assert not RegulatoryLetter.objects.filter(case=case).exists()


@pytest.mark.postgres
def test_a_sent_letter_cannot_be_changed_or_deleted(team, lead, clock):
    case = psd(team, clock)
    clock(at(2026, 3, 16, 12))
    letter = send(case, lead)
    for sql in (
        "UPDATE cases_regulatoryletter SET expected_by = '2026-05-30' WHERE id = %s",
        "DELETE FROM cases_regulatoryletter WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [letter.pk])
    letter.reasons = "Something else"
    with pytest.raises(DatabaseError), transaction.atomic():
        letter.save()
    assert RegulatoryLetter.objects.get(pk=letter.pk).expected_by == date(2026, 4, 10)


# --- CFPB: "in progress" ------------------------------------------------------------------------


def test_the_cfpb_in_progress_reply_allows_up_to_60_days(team, lead, clock):
    """Received 1 March 2026 at noon in New York: response due at the end of 16 March, final
    response at the end of 30 April (2026-05-01 04:00 UTC)."""
    case = complaint(team, clock, received=at(2026, 3, 1, 17), jurisdiction="US")
    now = at(2026, 3, 10, 15)
    clock(now)
    with pytest.raises(ApplicationError) as refused:
        send(case, lead, expected_by=date(2026, 5, 1))
    assert "30 April 2026" in refused.value.extra["errors"]["expected_by"][0]
    letter = send(case, lead, expected_by=date(2026, 4, 30))
    assert letter.regime == "cfpb"
    assert letter.subject == f"Your complaint {case.reference} is in progress"
    body = letter.body
    assert "Your complaint is in progress." in body
    assert "Date: 10 March 2026" in body
    assert "Received on 1 March 2026" in body
    assert "We will send you our final response by 30 April 2026." in body
    assert "https://www.consumerfinance.gov/complaint/" in body
    reg = clocks(case)
    assert reg[ClockKind.REG_RESPONSE].met_by == "letter:holding_reply"
    assert reg[ClockKind.REG_FINAL].met_at is None
    assert reg[ClockKind.REG_FINAL].due_at == at(2026, 5, 1, 4)
    assert reg[ClockKind.REG_FINAL].extended_to == at(2026, 5, 1, 4)


def test_the_cfpb_in_progress_reply_in_chinese(team, lead, clock):
    case = complaint(
        team, clock, received=at(2026, 3, 1, 17), jurisdiction="US", complainant_locale="zh-hans"
    )
    clock(at(2026, 3, 10, 15))
    letter = send(case, lead, reasons=REASONS_ZH, expected_by=date(2026, 4, 30))
    assert letter.subject == f"您的投诉 {case.reference} 正在处理中"
    assert "您的投诉正在处理中。" in letter.body
    assert "2026年4月30日" in letter.body
    assert "美国消费者金融保护局" in letter.body


# --- MiCA and the FCA's 8 weeks: the delay notice ------------------------------------------------


def test_a_mica_delay_notice_gives_the_reasons_and_the_date_of_the_decision(team, lead, clock):
    """Received in Berlin on 31 December 2025 at 18:00: the decision is due at the end of 28
    February 2026. The notice names a later date (MiCA sets no cap); the 2-month clock keeps
    running, the date told goes on it (the end of 31 March in Berlin, already CEST)."""
    case = complaint(team, clock, received=at(2025, 12, 31, 17), jurisdiction="DE")
    now = at(2026, 2, 20, 9)
    clock(now)
    with pytest.raises(ApplicationError) as refused:
        send(case, lead)  # a holding reply is not MiCA's letter
    assert "kind" in refused.value.extra["errors"]
    letter = send(case, lead, kind=LetterKind.DELAY_NOTICE, expected_by=date(2026, 3, 31))
    assert letter.regime == "mica"
    assert letter.subject == f"Your complaint {case.reference}: our decision will take longer"
    body = letter.body
    assert "Date: 20 February 2026" in body
    assert "Received on 31 December 2025" in body
    assert "within two months of receiving it" in body
    assert REASONS in body
    assert "We expect to give you our decision by 31 March 2026." in body
    assert "national competent authority" in body
    final = clocks(case)[ClockKind.REG_FINAL]
    assert final.met_at is None
    assert final.due_at == at(2026, 2, 28, 23)
    assert final.extended_to == at(2026, 3, 31, 22)
    extended = events(case, CaseEventType.DEADLINE_EXTENDED).get()
    assert extended.data["met"] == []


def test_a_mica_delay_notice_in_chinese(team, lead, clock):
    case = complaint(
        team, clock, received=at(2025, 12, 31, 17), jurisdiction="DE", complainant_locale="zh-hans"
    )
    clock(at(2026, 2, 20, 9))
    letter = send(case, lead, kind=LetterKind.DELAY_NOTICE, expected_by=date(2026, 3, 31))
    assert letter.subject == f"您的投诉 {case.reference}：我们的决定需要更长时间"
    assert "我们预计在2026年3月31日之前向您作出决定。" in letter.body
    assert "2025年12月31日" in letter.body
    assert "两个月" in letter.body


def test_the_fca_8_week_letter_meets_the_deadline_and_states_the_ombudsman_now(team, lead, clock):
    """England, a trade dispute received Monday 2 March 2026: final response due at the end of
    Monday 27 April (8 weeks). The DISP 1.6.2(2) letter by then meets the deadline."""
    case = complaint(team, clock, received=at(2026, 3, 2, 10), jurisdiction="GB")
    now = at(2026, 4, 24, 10)
    clock(now)
    with pytest.raises(ApplicationError) as refused:
        send(case, lead)  # payment services only
    assert "kind" in refused.value.extra["errors"]
    letter = send(case, lead, kind=LetterKind.DELAY_NOTICE, expected_by=date(2026, 5, 15))
    body = letter.body
    assert "within eight weeks of receiving it" in body
    assert "We expect to send you our final response by 15 May 2026." in body
    assert "You do not have to wait for our final response" in body
    assert "https://www.financial-ombudsman.org.uk" in body
    final = clocks(case)[ClockKind.REG_FINAL]
    assert final.met_at == now
    assert final.met_by == "letter:delay_notice"
    assert final.extended_to == at(2026, 5, 15, 23)


def test_the_fca_8_week_letter_in_chinese(team, lead, clock):
    case = complaint(
        team, clock, received=at(2026, 3, 2, 10), jurisdiction="GB", complainant_locale="zh-hans"
    )
    clock(at(2026, 4, 24, 10))
    letter = send(case, lead, kind=LetterKind.DELAY_NOTICE, expected_by=date(2026, 5, 15))
    assert "八周" in letter.body
    assert "我们预计在2026年5月15日之前向您发送最终答复。" in letter.body
    assert "您无需等待我们的最终答复" in letter.body


# --- FCA: the summary resolution communication ---------------------------------------------------


def accepted(team, clock, *, received, accepted_at, **overrides):
    """A complaint offered advice an hour after receipt, accepted by the customer at
    `accepted_at` (through the portal, as the product does)."""
    case = complaint(
        team, clock, received=received, state=CaseState.RESOLUTION_PROPOSED, **overrides
    )
    clock(accepted_at)
    return run_step(case, "record_acceptance", {}, SYSTEM)


# Received Thursday 24 December 2026 in England: Christmas Day (Friday), the weekend and Boxing
# Day observed on Monday 28th do not count; the third business day is Thursday 31 December, so
# the window closes at 2027-01-01 00:00 UTC (GMT).
CHRISTMAS_EVE = at(2026, 12, 24, 10)


def test_accepted_by_the_close_of_the_third_business_day_gets_a_summary_resolution(team, clock):
    now = at(2026, 12, 31, 23, 30)
    case = accepted(team, clock, received=CHRISTMAS_EVE, accepted_at=now, jurisdiction="GB")
    letter = RegulatoryLetter.objects.get(case=case)
    assert letter.kind == LetterKind.SUMMARY_RESOLUTION
    assert letter.issued_by is None
    assert letter.issued_at == now
    assert letter.subject == f"Your complaint {case.reference} is resolved"
    body = letter.body
    assert "Date: 31 December 2026" in body
    assert "Received on 24 December 2026" in body
    assert "we now consider it resolved" in body
    assert "We refund the fee and explain how to protect the account." in body  # the offer
    assert "- Security advice (Turn on two-factor sign-in.)" in body
    assert "the Financial Ombudsman Service" in body
    assert "within 6 months of the date of this letter, that is by 30 June 2027" in body
    assert "https://www.financial-ombudsman.org.uk" in body
    event = events(case, CaseEventType.LETTER_ISSUED).get()
    assert event.actor_label == "system:letters:summary_resolution"
    assert event.actor is None
    final = clocks(case)[ClockKind.REG_FINAL]
    assert final.met_at == now
    assert final.met_by == "letter:summary_resolution"
    assert rows(case, "case.letter").count() == 2
    assert not rows(case, "case.deadline_extended").exists()
    assert Case.objects.get(pk=case.pk).state in (
        CaseState.RESOLUTION_ACCEPTED,
        CaseState.RESOLVED,
    )


def test_not_after_the_third_business_day(team, clock):
    case = accepted(
        team, clock, received=CHRISTMAS_EVE, accepted_at=at(2027, 1, 1, 0), jurisdiction="GB"
    )
    assert not RegulatoryLetter.objects.filter(case=case).exists()
    assert not rows(case, "case.letter").exists()
    assert clocks(case)[ClockKind.REG_FINAL].met_by == "offer_accepted"


def test_the_window_counts_business_days_not_calendar_days(team, clock):
    """Received Wednesday 23 December: Thursday 24, Tuesday 29 and Wednesday 30 count, so
    Thursday 31 December is already too late."""
    late = accepted(
        team,
        clock,
        received=at(2026, 12, 23, 10),
        accepted_at=at(2026, 12, 31, 0, 30),
        jurisdiction="GB",
    )
    assert not RegulatoryLetter.objects.filter(case=late).exists()
    in_time = accepted(
        team,
        clock,
        received=at(2026, 12, 23, 10),
        accepted_at=at(2026, 12, 30, 23, 59),
        jurisdiction="GB",
    )
    assert RegulatoryLetter.objects.filter(
        case=in_time, kind=LetterKind.SUMMARY_RESOLUTION
    ).exists()


def test_other_regimes_get_no_summary_resolution(team, clock):
    for jurisdiction in ("DE", "US"):
        case = accepted(
            team,
            clock,
            received=at(2026, 3, 2, 10),
            accepted_at=at(2026, 3, 3, 10),
            jurisdiction=jurisdiction,
        )
        assert not RegulatoryLetter.objects.filter(case=case).exists()


def test_the_summary_resolution_in_chinese(team, clock):
    case = accepted(
        team,
        clock,
        received=CHRISTMAS_EVE,
        accepted_at=at(2026, 12, 31, 12),
        jurisdiction="GB",
        complainant_locale="zh-hans",
    )
    letter = RegulatoryLetter.objects.get(case=case)
    assert letter.locale == "zh-hans"
    assert letter.subject == f"您的投诉 {case.reference} 已解决"
    body = letter.body
    assert "2026年12月31日" in body
    assert "双方达成的内容" in body
    assert "安全建议" in body  # the action's label
    assert "2027年6月30日" in body
    assert "金融申诉专员" in body
    assert "What we agreed" not in body


def test_a_second_8_week_letter_moves_the_date_again(team, lead, clock):
    case = complaint(team, clock, received=at(2026, 3, 2, 10), jurisdiction="GB")
    clock(at(2026, 4, 24, 10))
    send(case, lead, kind=LetterKind.DELAY_NOTICE, expected_by=date(2026, 5, 15))
    clock(at(2026, 5, 14, 10))
    send(case, lead, kind=LetterKind.DELAY_NOTICE, expected_by=date(2026, 6, 5))
    final = clocks(case)[ClockKind.REG_FINAL]
    assert final.met_by == "letter:delay_notice"
    assert final.met_at == at(2026, 4, 24, 10)  # met by the first letter, once
    assert final.extended_to == at(2026, 6, 5, 23)
    assert events(case, CaseEventType.DEADLINE_EXTENDED).count() == 2
    assert RegulatoryLetter.objects.filter(case=case).count() == 2
