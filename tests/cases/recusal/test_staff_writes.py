"""Recusal on every staff write and across every non-final state (issue 11, finding 5).

A late conflict bars the handler from cases after the decision too (executing, arbitration);
and every service a staff member calls to change a case runs the one recusal check, so a
recused person's reply, note, complaint flag, triage, evidence review, snapshot, consultation,
transition or assignment is refused with a clear message and stores nothing."""

import inspect
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.enums import TERMINAL_STATES, CaseState, Channel
from cases.models import (
    Case,
    CaseRecusal,
    CheckOutcome,
    Consultation,
    EvidenceAnnotation,
    EvidenceKind,
    Message,
    RecusalCheck,
)
from cases.policies.recusal import RELATED_PARTY
from cases.roles import CASE_HANDLER, TEAM_LEAD
from cases.selectors.cases import case_list_for_staff
from cases.services.assignment import case_assign
from cases.services.cases import case_update_triage
from cases.services.conflicts import conflict_declaration_submit
from cases.services.consultations import consultation_request
from cases.services.evidence import evidence_add, evidence_review
from cases.services.intake import case_set_complaint_flag, message_post_staff
from cases.services.lifecycle import case_transition
from cases.services.recusal import STAFF_WRITES
from cases.services.snapshots import snapshot_pull
from complaints_site.common.exceptions import PermissionDeniedError
from tests.factories.cases import SYSTEM, make_case
from tests.support.lifecycle import path_to

pytestmark = pytest.mark.django_db

ACCOUNT = "UID-LATE"


@pytest.fixture
def handler(staff, team):
    return staff(CASE_HANDLER, teams=[team], username="hank")


def _declare(handler) -> None:
    conflict_declaration_submit(
        staff=handler, actor=handler, kind="relationship", exchange_account_id=ACCOUNT
    )


@pytest.mark.parametrize("state", [CaseState.EXECUTING, CaseState.IN_ARBITRATION])
def test_a_late_declaration_takes_away_cases_after_the_decision(state, handler, team):
    case = make_case(
        team=team, assignee=handler, complainant_account_id=ACCOUNT, state_path=path_to(state)
    )
    assert case.state == state
    assert case_list_for_staff(user=handler).filter(pk=case.pk).exists()

    _declare(handler)

    case.refresh_from_db()
    assert case.assignee is None
    assert CaseRecusal.objects.filter(case=case, user=handler, lifted_at__isnull=True).exists()
    assert not case_list_for_staff(user=handler).filter(pk=case.pk).exists()
    with pytest.raises(PermissionDeniedError):
        message_post_staff(case=case, actor=handler, body="We have paid you.")
    assert not Message.objects.filter(case=case, body="We have paid you.").exists()


def test_the_sweep_covers_every_state_that_is_not_final(handler, team):
    """Derived from the enum: a state added later is swept without a code change."""
    from cases.enums import NON_FINAL_STATES

    assert set(NON_FINAL_STATES) == set(CaseState) - set(TERMINAL_STATES)
    closed = make_case(
        team=team, complainant_account_id=ACCOUNT, state_path=path_to(CaseState.CLOSED)
    )
    _declare(handler)
    assert not CaseRecusal.objects.filter(case=closed).exists()  # history, nobody acts on it


@pytest.fixture
def barred(handler, team):
    """An investigating case of the handler, then a recusal in force (kept on the case even
    after the data behind it is gone would not matter: the bar row alone refuses)."""
    case = make_case(
        team=team,
        assignee=handler,
        complainant_account_id=ACCOUNT,
        state_path=path_to(CaseState.INVESTIGATING),
    )
    item = evidence_add(
        case=case,
        actor=SYSTEM,
        name="orders.csv",
        content=b"order,price\n1,100\n",
        channel=Channel.STAFF,
        kind=EvidenceKind.SNAPSHOT,
        content_type="text/csv",
    )
    return case, item


def _writes(case, item, handler, other_team):
    return {
        "reply": lambda: message_post_staff(case=case, actor=handler, body="Refund is on its way."),
        "internal note": lambda: message_post_staff(
            case=case, actor=handler, body="Refund is on its way.", internal=True
        ),
        "complaint flag": lambda: case_set_complaint_flag(
            case=case, actor=handler, is_complaint=False, reason="Only a question"
        ),
        "triage": lambda: case_update_triage(
            case=case, actor=handler, reason="urgent", priority="P1"
        ),
        "evidence review": lambda: evidence_review(
            evidence=item, actor=handler, relevance="relevant", note="Shows the fill."
        ),
        "consultation": lambda: consultation_request(
            case=case, actor=handler, team=other_team, question="Was the engine down?"
        ),
        "snapshot": lambda: snapshot_pull(
            case=case,
            actor=handler,
            account_id=ACCOUNT,
            kinds=["trades"],
            start=timezone.now() - timedelta(days=2),
            end=timezone.now() - timedelta(days=1),
        ),
        "finding": lambda: case_transition(
            case=case,
            transition="determine_responsibility",
            actor=handler,
            reason="found",
            responsibility="platform_system_fault",
            responsibility_rationale="The engine stalled.",
            responsibility_evidence=[item.pk],
        ),
        "info request": lambda: case_transition(
            case=case,
            transition="request_info",
            actor=handler,
            reason="ask",
            info_request="Your txid please.",
        ),
    }


WRITES = [
    "reply",
    "internal note",
    "complaint flag",
    "triage",
    "evidence review",
    "consultation",
    "snapshot",
    "finding",
    "info request",
]


@pytest.mark.parametrize("write", WRITES)
def test_a_recused_handler_is_refused_every_write_and_nothing_is_stored(
    write, barred, handler, other_team
):
    case, item = barred
    _declare(handler)  # the sweep bars them and takes the case away
    before = {
        "case": Case.history.filter(id=case.pk).count(),
        "messages": Message.objects.filter(case=case).count(),
        "notes": EvidenceAnnotation.objects.filter(evidence=item).count(),
        "consultations": Consultation.objects.filter(case=case).count(),
        "evidence": case.evidence.count(),
    }
    with pytest.raises(PermissionDeniedError) as exc_info:
        _writes(case, item, handler, other_team)[write]()
    assert "hank may not act on this case" in exc_info.value.message
    assert exc_info.value.extra["rule"] == RELATED_PARTY
    after = {
        "case": Case.history.filter(id=case.pk).count(),
        "messages": Message.objects.filter(case=case).count(),
        "notes": EvidenceAnnotation.objects.filter(evidence=item).count(),
        "consultations": Consultation.objects.filter(case=case).count(),
        "evidence": case.evidence.count(),
    }
    assert after == before
    refused = RecusalCheck.objects.filter(case=case, user=handler, outcome=CheckOutcome.REFUSED)
    assert refused.count() == 1


def test_a_recused_lead_cannot_reassign_the_case(staff, team, handler):
    lead = staff(TEAM_LEAD, teams=[team], username="lena")
    case = make_case(team=team, complainant_account_id=ACCOUNT)
    conflict_declaration_submit(
        staff=lead, actor=lead, kind="relationship", exchange_account_id=ACCOUNT
    )
    with pytest.raises(PermissionDeniedError):
        case_assign(case=case, actor=lead, reason="mine now", team=team, assignee=handler)
    case.refresh_from_db()
    assert case.assignee is None


def test_the_same_writes_pass_for_a_handler_without_conflict(barred, handler, other_team):
    case, item = barred
    message_post_staff(case=case, actor=handler, body="Looking into it.")
    evidence_review(evidence=item, actor=handler, relevance="relevant", note="Shows the fill.")
    case_update_triage(case=case, actor=handler, reason="urgent", priority="P1")
    acts = set(RecusalCheck.objects.filter(case=case, user=handler).values_list("act", "outcome"))
    assert {("reply", "allowed"), ("evidence_review", "allowed"), ("triage", "allowed")} <= acts


# Services that take an actor and are not staff writes on an existing case, and why. Every
# other such service must be a @staff_write or call staff_write_check itself: a new write that
# forgets the check fails here.
NOT_STAFF_WRITES = {
    "cases.services.api_intake": "API clients open cases (a new case; intake bars at birth)",
    "cases.services.intake.intake_submit": "opens a new case; conflicted staff barred at birth",
    "cases.services.intake.intake_reply": "the customer's reply",
    "cases.services.messages": "inside message_post_staff, intake or a transition",
    "cases.services.transition_effects": "inside a transition",
    "cases.services.cases.case_open": "opens a new case",
    "cases.services.events": "the ledger writer under every service",
    "cases.services.notifications": "delivery by tasks",
    "cases.services.info_requests": "sweeps by tasks; request_info is a transition",
    "cases.services.references": "numbering",
    "cases.services.routing": "routing rules, not cases",
    "cases.services.quality": "reviews: recusal_check with the reviewer rule (assign, complete)",
    "cases.services.evidence.evidence_open": "a logged read (selectors gate reads)",
    "cases.services.evidence.evidence_view_log": "a logged read (selectors gate reads)",
    "cases.services.snapshots.snapshot_read": "a logged read (selectors gate reads)",
    "cases.services.consultations.consultations_lapse_for_case": "inside a transition",
    "cases.services.consultations.consultations_flag_overdue": "a task",
    "cases.services.consultations.consultation_lead_notice_send": "a task",
    "cases.services.recusal": "the recusal services themselves",
    "cases.services.conflicts": "declarations, participants, profiles: the recusal sweep",
    "cases.services.assignment.team_create": "teams, not cases",
    "cases.services.assignment.team_member_add": "teams, not cases",
    "cases.services.assignment.team_member_remove": "teams, not cases",
    "cases.services.assignment.cases_bulk_assign": "each case through case_assign (checked)",
    "cases.services.updates.case_update": "through case_update_triage and case_assign (checked)",
    "cases.services.teams": "teams, not cases",
    "cases.services.sla_config": "service targets and business hours, not cases",
    "cases.services.clocks": "inside the checked writes and transitions, and the sweep (a task)",
    "cases.services.execution.execution_start": "a task, after the customer's acceptance",
    "cases.services.execution.action_execute": "a task",
    "cases.services.execution.execution_settle": "tasks, and action_cancel (checked)",
    "cases.services.followup.survey_send": "inside execution_settle (a task or a checked cancel)",
    "cases.services.money.asset_save": "assets, not cases",
    "cases.services.followup.survey_answer": "the customer's own answer: staff are refused",
    "cases.services.followup.case_reopen_by_customer": "the customer's act (staff are refused)",
    "channels.services.chat": "chats before a case exists; converting opens a new case",
    "channels.services.social": "mentions before a case exists; converting opens a new case",
}


def _service_functions():
    import importlib
    import pkgutil

    import cases.services

    names = [f"cases.services.{m.name}" for m in pkgutil.iter_modules(cases.services.__path__)]
    for module_name in [*names, "channels.services.chat", "channels.services.social"]:
        module = importlib.import_module(module_name)
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            if getattr(function, "__module__", "") != module_name:
                continue
            if "actor" in inspect.signature(function).parameters:
                yield f"{module_name}.{name}", function


def test_every_service_a_staff_member_calls_to_change_a_case_runs_the_check():
    unchecked = []
    for dotted, function in _service_functions():
        if any(dotted == k or dotted.startswith(k + ".") for k in NOT_STAFF_WRITES):
            continue
        source = inspect.getsource(inspect.unwrap(function))
        if dotted in STAFF_WRITES or "staff_write_check(" in source:
            continue
        unchecked.append(dotted)
    assert unchecked == []
    # And the main writes are the decorated ones.
    assert {
        "cases.services.intake.message_post_staff",
        "cases.services.intake.case_set_complaint_flag",
        "cases.services.cases.case_update_triage",
        "cases.services.evidence.evidence_review",
        "cases.services.evidence.evidence_add",
        "cases.services.snapshots.snapshot_pull",
        "cases.services.consultations.consultation_request",
        "cases.services.consultations.consultation_withdraw",
        "cases.services.letters.letter_issue",
        "cases.services.regulatory_letters.regulatory_letter_issue",
    } <= set(STAFF_WRITES)
