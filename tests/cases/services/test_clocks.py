"""The clocks of a case (cases.services.clocks): planned at intake by regime, met by replies and
transitions, paused while the customer is asked, retargeted on triage, and swept set-based."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cases import roles
from cases.enums import CaseEventType, CaseState, Category, Channel, ClockKind, Priority, Regime
from cases.lib.business_time import business_days_after, calendar_days_after, calendar_months_after
from cases.models import CaseClock, CaseEvent, CaseStep, Notification, SlaPolicy, StaffProfile
from cases.services.cases import case_update_triage
from cases.services.clocks import clocks_sweep, sla_targets
from cases.services.intake import (
    IntakeReply,
    IntakeSubmission,
    case_set_complaint_flag,
    intake_reply,
    intake_submit,
    message_post_staff,
)
from cases.services.lifecycle import case_transition
from cases.services.notifications import notification_deliver, notification_render
from tests.factories.cases import SYSTEM
from tests.support.lifecycle import path_to

pytestmark = pytest.mark.django_db

# A Wednesday, 10:00 in London (winter: UTC).
RECEIVED = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """Fix `timezone.now` at a moment; `clock(None)` lets real time run again."""
    real_now = timezone.now

    def set_to(moment):
        monkeypatch.setattr(
            "django.utils.timezone.now", real_now if moment is None else lambda: moment
        )

    return set_to


@pytest.fixture
def handler(staff, team):
    return staff(roles.CASE_HANDLER, teams=[team])


@pytest.fixture
def lead(staff, team):
    user = staff(roles.TEAM_LEAD, teams=[team])
    team.lead = user
    team.save()
    return user


def _kinds(case):
    return {c.kind: c for c in CaseClock.objects.filter(case=case, met_at__isnull=True)}


# --- planned at intake ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("jurisdiction", "category", "regime", "expected"),
    [
        (
            "GB",
            Category.TRADE_DISPUTE,
            Regime.FCA,
            {ClockKind.REG_FINAL: calendar_days_after(RECEIVED, 56, time_zone="Europe/London")},
        ),
        (
            "GB",
            Category.DEPOSIT_WITHDRAWAL,
            Regime.FCA,
            {
                ClockKind.REG_RESPONSE: business_days_after(
                    RECEIVED, 15, country="GB", subdivision="ENG", time_zone="Europe/London"
                ),
                ClockKind.REG_FINAL: business_days_after(
                    RECEIVED, 35, country="GB", subdivision="ENG", time_zone="Europe/London"
                ),
            },
        ),
        (
            "DE",
            Category.TRADE_DISPUTE,
            Regime.MICA,
            {ClockKind.REG_FINAL: calendar_months_after(RECEIVED, 2, time_zone="Europe/Berlin")},
        ),
        (
            "US",
            Category.FEES,
            Regime.CFPB,
            {
                ClockKind.REG_RESPONSE: calendar_days_after(
                    RECEIVED, 15, time_zone="America/New_York"
                ),
                ClockKind.REG_FINAL: calendar_days_after(
                    RECEIVED, 60, time_zone="America/New_York"
                ),
            },
        ),
    ],
)
def test_a_complaint_gets_its_regimes_deadlines(
    case_factory, jurisdiction, category, regime, expected
):
    case = case_factory(jurisdiction=jurisdiction, category=category, received_at=RECEIVED)

    assert (case.jurisdiction, case.regime) == (jurisdiction, regime)
    running = _kinds(case)
    regulatory = {k: c.due_at for k, c in running.items() if c.regime != Regime.NONE}
    assert regulatory == expected
    assert all(c.regime == regime for k, c in running.items() if k in expected)
    assert case.final_response_due_at == expected[ClockKind.REG_FINAL]
    assert case.next_due_at == min(c.due_at for c in running.values())


def test_a_query_runs_only_service_targets(case_factory):
    case = case_factory(is_complaint=False, received_at=RECEIVED, priority=Priority.P4)
    assert set(_kinds(case)) == {ClockKind.FIRST_RESPONSE, ClockKind.RESOLUTION}
    assert case.regime == Regime.FCA  # the user's regime, though a query has no deadline


def test_an_unknown_jurisdiction_falls_back_to_the_default(case_factory):
    case = case_factory(jurisdiction="ZZ", received_at=RECEIVED)
    assert (case.jurisdiction, case.regime) == ("GB", Regime.FCA)


def test_intake_takes_the_jurisdiction_from_the_users_profile(portal_user):
    alice = portal_user("alice")
    profile = alice.customer_profile
    profile.jurisdiction = "US"
    profile.save()
    result = intake_submit(
        submission=IntakeSubmission(
            channel=Channel.WEB,
            subject="Fee charged twice",
            description="I was charged the withdrawal fee twice.",
            email=alice.email,
            category=Category.FEES,
            customer=alice,
        ),
        actor=SYSTEM,
    )
    assert (result.case.jurisdiction, result.case.regime) == ("US", Regime.CFPB)
    assert ClockKind.REG_RESPONSE in _kinds(result.case)


def test_a_category_policy_wins_over_the_priority_and_the_settings(settings):
    assert sla_targets(priority="P2", category="fees").first_response == timedelta(hours=4)
    SlaPolicy.objects.create(
        priority="P2",
        first_response=timedelta(hours=2),
        next_response=timedelta(hours=3),
        resolution=timedelta(days=5),
    )
    SlaPolicy.objects.create(
        priority="P2",
        category="fees",
        first_response=timedelta(minutes=30),
        next_response=timedelta(hours=1),
        resolution=timedelta(days=3),
        warn_at_percent=50,
    )
    fees = sla_targets(priority="P2", category="fees")
    assert (fees.first_response, fees.warn_at_percent) == (timedelta(minutes=30), 50)
    assert sla_targets(priority="P2", category="other").first_response == timedelta(hours=2)
    assert sla_targets(priority="P3", category="fees").first_response == timedelta(hours=24)


def test_the_warning_fires_at_the_policys_share_of_the_time(case_factory):
    case = case_factory(priority=Priority.P3, received_at=RECEIVED)
    first = _kinds(case)[ClockKind.FIRST_RESPONSE]
    assert first.due_at == RECEIVED + timedelta(hours=24)
    assert first.warn_at == RECEIVED + timedelta(hours=18)  # 75 %


# --- met, started, paused, retargeted ---------------------------------------------------------


def test_a_public_reply_meets_the_first_response_and_a_note_does_not(case_factory, team, handler):
    case = case_factory(team=team, assignee=handler)
    message_post_staff(case=case, actor=handler, body="Looking into it", internal=True)
    assert ClockKind.FIRST_RESPONSE in _kinds(case)

    message_post_staff(case=case, actor=handler, body="We are looking into your order.")

    first = CaseClock.objects.get(case=case, kind=ClockKind.FIRST_RESPONSE)
    assert first.met_at is not None
    assert first.met_by == "reply"
    case.refresh_from_db()
    assert case.next_due_at == _kinds(case)[ClockKind.RESOLUTION].due_at


def test_the_customers_message_starts_the_next_response_and_a_reply_meets_it(
    case_factory, team, handler
):
    case = case_factory(team=team, assignee=handler)
    message_post_staff(case=case, actor=handler, body="We are looking into it.")

    intake_reply(reply=IntakeReply(case=case, channel=Channel.WEB, body="Any news?"), actor=SYSTEM)
    nxt = _kinds(case)[ClockKind.NEXT_RESPONSE]
    case.refresh_from_db()
    assert case.next_response_due_at == nxt.due_at == case.next_due_at
    # A second message while a reply is owed does not restart the clock.
    intake_reply(reply=IntakeReply(case=case, channel=Channel.WEB, body="Hello?"), actor=SYSTEM)
    assert CaseClock.objects.filter(case=case, kind=ClockKind.NEXT_RESPONSE).count() == 1

    message_post_staff(case=case, actor=handler, body="Your order is being checked.")
    assert ClockKind.NEXT_RESPONSE not in _kinds(case)
    case.refresh_from_db()
    assert case.next_response_due_at is None


def test_waiting_for_the_customer_pauses_only_the_service_targets(
    case_factory, team, handler, clock
):
    case = case_factory(team=team, assignee=handler, state_path=path_to(CaseState.INVESTIGATING))
    before = _kinds(case)
    case = case_transition(
        case=case,
        transition="request_info",
        actor=handler,
        reason="Need the txid",
        info_request="Please send the transaction id.",
    )
    paused = _kinds(case)
    assert paused[ClockKind.RESOLUTION].paused_at == case.paused_at
    assert paused[ClockKind.REG_FINAL].paused_at is None
    # A paused target is no deadline for the lists; the regulator's still is.
    assert case.next_due_at == paused[ClockKind.REG_FINAL].due_at

    # While paused the sweep neither warns nor breaches the target.
    assert clocks_sweep(now=paused[ClockKind.RESOLUTION].due_at + timedelta(days=1)).breached == 0
    assert CaseClock.objects.get(pk=paused[ClockKind.RESOLUTION].pk).breached_at is None

    clock(case.paused_at + timedelta(days=3))
    case_transition(case=case, transition="resume", actor=handler, reason="Answered")
    after = _kinds(case)
    assert after[ClockKind.RESOLUTION].due_at == (
        before[ClockKind.RESOLUTION].due_at + timedelta(days=3)
    )
    assert after[ClockKind.REG_FINAL].due_at == before[ClockKind.REG_FINAL].due_at


def test_a_priority_change_retargets_the_running_clocks(case_factory, team, handler):
    case = case_factory(team=team, assignee=handler, received_at=RECEIVED, priority=Priority.P3)
    case = case_update_triage(case=case, actor=SYSTEM, reason="Funds at risk", priority="P1")
    running = _kinds(case)
    assert running[ClockKind.FIRST_RESPONSE].due_at == RECEIVED + timedelta(hours=1)
    assert running[ClockKind.RESOLUTION].due_at == RECEIVED + timedelta(days=2)
    case.refresh_from_db()
    assert case.first_response_due_at == RECEIVED + timedelta(hours=1)
    assert case.next_due_at == RECEIVED + timedelta(hours=1)


def test_the_complaint_flag_adds_and_removes_the_regulators_deadlines(case_factory, team, staff):
    assessor = staff(roles.SUPPORT_AGENT, teams=[team])
    case = case_factory(team=team, is_complaint=False, received_at=RECEIVED)
    assert ClockKind.REG_FINAL not in _kinds(case)

    case = case_set_complaint_flag(case=case, actor=assessor, is_complaint=True, reason="Upset")
    reg = _kinds(case)[ClockKind.REG_FINAL]
    assert reg.started_at == RECEIVED  # counted from receipt, not from the reclassification

    case_set_complaint_flag(case=case, actor=assessor, is_complaint=False, reason="A question")
    reg.refresh_from_db()
    assert reg.met_by == "not_a_complaint"


def test_every_step_is_stored_with_its_start_and_end(case_factory, team, handler):
    case = case_factory(team=team, assignee=handler, state_path=path_to(CaseState.INVESTIGATING))
    steps = list(CaseStep.objects.filter(case=case).order_by("entered_at", "id"))
    assert [s.state for s in steps] == ["received", "assessing", "investigating"]
    assert all(a.left_at == b.entered_at for a, b in pairwise(steps))
    assert steps[-1].left_at is None


def test_a_case_that_ends_stops_every_clock(case_factory, team, handler):
    case = case_factory(team=team, assignee=handler, state_path=path_to(CaseState.ASSESSING))
    case = case_transition(
        case=case,
        transition="reject_out_of_scope",
        actor=SYSTEM,
        reason="Not ours",
        out_of_scope_referral="Please contact your bank.",
    )
    assert not CaseClock.objects.filter(case=case, met_at__isnull=True).exists()
    assert CaseClock.objects.get(case=case, kind=ClockKind.REG_FINAL).met_by == "out_of_scope"
    case.refresh_from_db()
    assert case.next_due_at is None


# --- the sweep --------------------------------------------------------------------------------


def test_the_sweep_warns_the_assignee_then_escalates_to_the_lead(case_factory, team, handler, lead):
    case = case_factory(team=team, assignee=handler, received_at=RECEIVED)
    first = _kinds(case)[ClockKind.FIRST_RESPONSE]

    early = clocks_sweep(now=first.warn_at - timedelta(minutes=1))
    assert (early.warned, early.breached) == (0, 0)

    warned = clocks_sweep(now=first.warn_at + timedelta(minutes=1))
    assert (warned.warned, warned.breached, warned.notified) == (1, 0, 1)
    warning = Notification.objects.get(case=case, kind="staff.clock_warning")
    assert warning.recipient_user == handler

    breach_time = first.due_at + timedelta(minutes=1)
    breached = clocks_sweep(now=breach_time)
    assert (breached.warned, breached.breached, breached.notified) == (0, 1, 2)
    first.refresh_from_db()
    assert (first.breached_at, first.breached_in) == (breach_time, CaseState.RECEIVED)
    event = CaseEvent.objects.get(case=case, type=CaseEventType.CLOCK_BREACHED)
    assert event.data["clock"] == ClockKind.FIRST_RESPONSE
    assert event.data["step"] == CaseState.RECEIVED
    assert event.data["notified"] == [handler.username, lead.username]
    assert set(
        Notification.objects.filter(case=case, kind="staff.clock_breached").values_list(
            "recipient_user", flat=True
        )
    ) == {handler.pk, lead.pk}

    again = clocks_sweep(now=breach_time + timedelta(minutes=5))
    assert (again.warned, again.breached, again.notified) == (0, 0, 0)


def test_the_sweep_costs_the_same_statements_for_two_cases_or_twenty(
    case_factory, team, handler, lead
):
    def sweep_of(n):
        for _ in range(n):
            case_factory(team=team, assignee=handler, received_at=RECEIVED)
        with CaptureQueriesContext(connection) as queries:
            result = clocks_sweep(now=RECEIVED + timedelta(days=1))
        CaseClock.objects.filter(breached_at__isnull=False).update(met_at=timezone.now())
        return result, len(queries)

    small, small_queries = sweep_of(2)
    large, large_queries = sweep_of(20)
    assert (small.breached, large.breached) == (2, 20)
    assert small_queries == large_queries


def test_the_staff_emails_read_in_their_language(case_factory, team, handler, lead):
    StaffProfile.objects.create(user=handler, languages=["zh-hans"])
    case = case_factory(team=team, assignee=handler, received_at=RECEIVED)
    clocks_sweep(now=RECEIVED + timedelta(days=30))
    to_handler = Notification.objects.filter(
        case=case, kind="staff.clock_breached", recipient_user=handler
    ).first()
    assert to_handler.locale == "zh-hans"
    subject, body = notification_render(to_handler)
    assert case.reference in subject
    assert "/admin/cases/case/" in body
    to_lead = Notification.objects.filter(
        case=case, kind="staff.clock_breached", recipient_user=lead
    ).first()
    subject, body = notification_render(to_lead)
    assert subject.startswith(f"[{case.reference}] Deadline missed:")
    assert "team lead" in body
    # No customer data in a staff mail: neither their email nor the complaint's text.
    assert case.complainant_email not in body
    assert case.description not in body


def test_a_staff_mail_has_no_reply_address_to_the_case(case_factory, team, handler):
    case = case_factory(team=team, assignee=handler, received_at=RECEIVED)
    clocks_sweep(now=RECEIVED + timedelta(days=1))
    pending = Notification.objects.filter(case=case, kind="staff.clock_breached").first()
    mail.outbox.clear()
    assert notification_deliver(notification_id=pending.pk, actor=SYSTEM) == "sent"
    (sent,) = mail.outbox
    assert sent.to == [handler.email]
    assert sent.reply_to == []


def test_the_sla_sweep_command_runs_one_pass(case_factory, team, handler, capsys):
    case_factory(team=team, assignee=handler, received_at=timezone.now() - timedelta(days=3))
    call_command("sla_sweep")
    out = capsys.readouterr().out
    assert "missed and escalated" in out
    assert CaseEvent.objects.filter(type="clock.breached").exists()
    call_command("sla_sweep")
    assert "0 deadline(s) missed" in capsys.readouterr().out


def test_translated_labels_exist_for_the_clocks():
    with translation.override("zh-hans"):
        assert str(ClockKind.REG_FINAL.label) != "Final response (regulatory)"
