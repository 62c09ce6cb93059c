"""Step 6: an accepted offer carried out at the (demo) exchange exactly once
(cases/services/execution.py, docs/resolution.md "Execution").

The gateway is the demo ledger (`demo.gateway`), which performs an action once per idempotency
key; faults are injected by `tests.support.crash_gateway.Scripted`. The real-worker crash tests
are in tests/cases/test_execution_worker.py.
"""

import os
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.enums import ActionExecutionState as X
from cases.enums import AttemptOutcome, CaseEventType, CaseState
from cases.models import (
    Case,
    CaseEvent,
    CheckOutcome,
    ExecutionAttempt,
    Notification,
    OfferAction,
    RecusalCheck,
    ResolutionOffer,
    Survey,
)
from cases.roles import CASE_HANDLER, TEAM_LEAD
from cases.services import execution
from cases.services.assignment import team_member_add
from cases.services.conflicts import conflict_declaration_submit
from cases.services.execution import (
    action_cancel,
    action_execute,
    action_retry,
    execution_settle,
    execution_start,
    execution_sweep,
    retry_delay,
)
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from demo.models import LedgerAccount, LedgerAccountStatus, LedgerAction
from tests.factories.cases import SYSTEM
from tests.factories.demo import LedgerAccountFactory
from tests.support import crash_gateway
from tests.support.crash_gateway import script
from tests.support.execution import (
    REFUND,
    UNFREEZE,
    accepted_case,
    exchange_actions,
    tasks_held,
)
from tests.support.routing import make_led_team
from tests.support.threads import in_thread, run_all

pytestmark = pytest.mark.django_db

SCRIPTED = "tests.support.crash_gateway.Scripted"


@pytest.fixture
def lead(staff):
    return staff(TEAM_LEAD, username="lena")


@pytest.fixture
def led_team(lead):
    team = make_led_team("payments", "Payments", lead=lead)
    team_member_add(team=team, user=lead, actor=SYSTEM)
    return team


@pytest.fixture
def scripted(settings):
    """The demo ledger behind `Scripted`: each call takes the next scripted fault."""
    settings.EXCHANGE_GATEWAY = SCRIPTED
    script()
    yield script
    script()


def _events(case, type_):
    return list(CaseEvent.objects.filter(case=case, type=type_).order_by("id"))


def _fresh(action):
    return OfferAction.objects.get(pk=action.pk)


def _attempts(action):
    return list(ExecutionAttempt.objects.filter(action=action).order_by("number"))


def _started(case):
    assert execution_start(case_id=case.pk) == "queued"
    return exchange_actions(case)


# --- The whole of it -------------------------------------------------------------------------


def test_an_accepted_offer_is_carried_out_once_and_the_case_resolves_by_itself(led_team):
    case = accepted_case(team=led_team)
    assert case.state == CaseState.RESOLUTION_ACCEPTED

    assert execution_start(case_id=case.pk) == "queued"

    case.refresh_from_db()
    assert case.state == CaseState.EXECUTING
    refund, unfreeze, advice = OfferAction.objects.filter(offer__case=case).order_by("position")
    assert (refund.execution_state, unfreeze.execution_state) == (X.QUEUED, X.QUEUED)
    assert advice.execution_state == X.NOT_NEEDED
    assert advice.idempotency_key is None

    assert action_execute(action_id=refund.pk) == "done"
    assert Case.objects.get(pk=case.pk).state == CaseState.EXECUTING  # the unfreeze is open
    assert action_execute(action_id=unfreeze.pk) == "done"

    # The exchange did each action once, with the offer's exact terms.
    ledger = {row.idempotency_key: row for row in LedgerAction.objects.all()}
    assert set(ledger) == {refund.idempotency_key, unfreeze.idempotency_key}
    assert refund.idempotency_key == f"{case.reference}:v1:a1"
    assert ledger[refund.idempotency_key].kind == "refund"
    assert ledger[refund.idempotency_key].params["amount"] == "25.5"
    assert ledger[refund.idempotency_key].params["asset"] == "USDT"
    assert ledger[unfreeze.idempotency_key].params["target"] == "withdrawals"
    account = LedgerAccount.objects.get(account_id=case.complainant_account_id)
    assert account.status == LedgerAccountStatus.ACTIVE
    # Every attempt on record with its answer and the exchange's reference.
    for action in (refund, unfreeze):
        action = _fresh(action)
        assert action.execution_state == X.DONE
        assert action.ledger_reference == f"DEMO-{action.idempotency_key}"
        assert action.done_at is not None
        assert action.attempts == 1
        (attempt,) = _attempts(action)
        assert attempt.outcome == AttemptOutcome.DONE
        assert attempt.ledger_reference == action.ledger_reference
        assert attempt.replayed is False
        assert attempt.finished_at is not None
        assert attempt.worker
        assert action.history.filter(history_change_reason="Attempt 1").count() == 1
    done = _events(case, CaseEventType.ACTION_DONE)
    assert [e.data["reference"] for e in done] == [
        f"DEMO-{refund.idempotency_key}",
        f"DEMO-{unfreeze.idempotency_key}",
    ]
    assert {e.actor_label for e in done} == {"system:task:action_execute"}

    # The case resolved by itself, once; the customer is told what was done and asked.
    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED
    (resolved,) = _events(case, "case.transition.complete_execution")
    assert resolved.actor_label == "system:task:action_execute"
    told = Notification.objects.filter(case=case, kind="case.resolved")
    assert sorted(told.values_list("channel", flat=True)) == ["email", "portal"]
    lines = told.first().context["actions"]
    assert [(line["kind"], line["state"]) for line in lines] == [
        ("refund", "done"),
        ("unfreeze", "done"),
        ("security_advice", "not_needed"),
    ]
    assert lines[0]["amount"] == "25.5 USDT"
    assert lines[0]["reference"] == f"DEMO-{refund.idempotency_key}"
    assert Survey.objects.filter(case=case).count() == 1
    assert Notification.objects.filter(case=case, kind="case.survey").count() == 2

    # Everything again (a redelivery, a second sweep) changes nothing.
    assert execution_start(case_id=case.pk) == "skipped"
    assert action_execute(action_id=refund.pk) == "skipped"
    assert execution_settle(case_id=case.pk, actor=SYSTEM) == "skipped"
    assert LedgerAction.objects.count() == 2
    assert ExecutionAttempt.objects.filter(action__offer__case=case).count() == 2
    assert len(_events(case, "case.transition.complete_execution")) == 1
    assert Survey.objects.filter(case=case).count() == 1


def test_the_acceptance_alone_carries_the_offer_out_through_the_queued_tasks(
    django_capture_on_commit_callbacks,
):
    """Nothing but the customer's acceptance: its on-commit task starts the execution, which
    queues one task per action (eager Celery here, a real worker in test_execution_worker)."""
    with django_capture_on_commit_callbacks(execute=True):
        case = accepted_case()
    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED
    assert LedgerAction.objects.count() == 2
    assert len(_events(case, "case.transition.complete_execution")) == 1


def test_an_offer_with_nothing_to_carry_out_resolves_at_once():
    case = accepted_case(actions=[REFUND.__class__(kind="no_action", detail="Fees were right.")])
    assert execution_start(case_id=case.pk) == "resolved"
    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED
    assert LedgerAction.objects.count() == 0
    assert len(_events(case, "case.transition.complete_execution")) == 1


# --- Refusals and retries --------------------------------------------------------------------


def test_an_unknown_account_is_a_refusal_that_needs_attention_and_is_not_retried():
    case = accepted_case(ledger=False, actions=[REFUND])
    (refund,) = _started(case)

    assert action_execute(action_id=refund.pk) == "attention"

    refund = _fresh(refund)
    assert refund.execution_state == X.NEEDS_ATTENTION
    assert refund.next_attempt_at is None
    assert "has no account" in refund.last_error
    (attempt,) = _attempts(refund)
    assert (attempt.outcome, attempt.status_code) == (AttemptOutcome.REFUSED, 404)
    (event,) = _events(case, CaseEventType.ACTION_NEEDS_ATTENTION)
    assert event.data["refused"] is True
    assert event.data["attempts"] == 1
    assert Case.objects.get(pk=case.pk).state == CaseState.EXECUTING
    # A late delivery of the same task does nothing: a person decides now.
    assert action_execute(action_id=refund.pk) == "skipped"
    assert len(_attempts(refund)) == 1
    assert LedgerAction.objects.count() == 0


def test_a_refusal_through_the_task_is_not_retried(scripted):
    from cases.tasks import action_execute as task

    case = accepted_case(actions=[REFUND])
    (refund,) = _started(case)
    scripted("refuse", "ok")

    assert task.apply(args=[refund.pk]).get() == "attention"

    assert [refund.idempotency_key] == crash_gateway.CALLS
    (attempt,) = _attempts(refund)
    assert (attempt.outcome, attempt.status_code) == (AttemptOutcome.REFUSED, 422)
    assert "insufficient hot wallet" in _fresh(refund).last_error


def test_an_unavailable_exchange_is_retried_with_backoff_until_attempts_run_out(scripted, settings):
    settings.EXECUTION_MAX_ATTEMPTS = 4
    settings.EXECUTION_RETRY_SECONDS = 5
    case = accepted_case(actions=[REFUND])
    (refund,) = _started(case)
    scripted("5xx", "5xx", "5xx", "5xx")

    for number, delay in [(1, 5), (2, 10), (3, 20)]:
        before = timezone.now()
        assert action_execute(action_id=refund.pk) == "retry"
        action = _fresh(refund)
        assert action.execution_state == X.QUEUED
        assert action.attempts == number
        expected = before + timedelta(seconds=delay)
        assert expected <= action.next_attempt_at <= expected + timedelta(seconds=2)
        assert delay - 1 <= retry_delay(action_id=refund.pk) <= delay
        assert _attempts(refund)[-1].outcome == AttemptOutcome.UNAVAILABLE
        assert _attempts(refund)[-1].status_code == 503

    assert action_execute(action_id=refund.pk) == "attention"

    action = _fresh(refund)
    assert action.execution_state == X.NEEDS_ATTENTION
    assert action.attempts == 4
    assert [a.outcome for a in _attempts(refund)] == [AttemptOutcome.UNAVAILABLE] * 4
    (event,) = _events(case, CaseEventType.ACTION_NEEDS_ATTENTION)
    assert event.data == {
        "action": refund.pk,
        "what": event.data["what"],
        "attempts": 4,
        "refused": False,
    }
    assert LedgerAction.objects.count() == 0


def test_the_task_retries_an_unanswered_call_with_the_countdown_and_stops_at_the_limit(
    scripted, settings
):
    """The task asks Celery for a retry after the service's delay; a real worker waits the
    countdown (test_execution_worker), eager Celery hands the Retry back here."""
    from celery.exceptions import Retry

    from cases.tasks import action_execute as task

    settings.EXECUTION_MAX_ATTEMPTS = 2
    settings.EXECUTION_RETRY_SECONDS = 5
    case = accepted_case(actions=[REFUND, REFUND])
    first, second = _started(case)

    scripted("5xx", "ok")
    with pytest.raises(Retry) as retry:
        task.apply(args=[first.pk])
    assert 4 <= retry.value.when <= 5
    assert task.apply(args=[first.pk]).get() == "done"
    assert [a.outcome for a in _attempts(first)] == [AttemptOutcome.UNAVAILABLE, "done"]

    scripted("5xx", "5xx", "ok")
    with pytest.raises(Retry):
        task.apply(args=[second.pk])
    assert task.apply(args=[second.pk]).get() == "attention"  # no further retry
    assert len(crash_gateway.CALLS) == 2
    assert _fresh(second).execution_state == X.NEEDS_ATTENTION


def test_a_lost_answer_is_retried_and_the_exchange_replays_the_original_result(scripted):
    """The exchange performed the refund, the answer timed out: the retry asks with the same
    key and records what was done the first time."""
    case = accepted_case(actions=[REFUND])
    (refund,) = _started(case)
    scripted("timeout")

    assert action_execute(action_id=refund.pk) == "retry"
    assert LedgerAction.objects.count() == 1  # performed, though we heard nothing
    assert action_execute(action_id=refund.pk) == "done"

    first, second = _attempts(refund)
    assert (first.outcome, first.status_code) == (AttemptOutcome.UNAVAILABLE, 504)
    assert (second.outcome, second.replayed) == (AttemptOutcome.DONE, True)
    assert second.ledger_reference == f"DEMO-{refund.idempotency_key}"
    assert _fresh(refund).ledger_reference == second.ledger_reference
    assert LedgerAction.objects.count() == 1
    assert Case.objects.get(pk=case.pk).state == CaseState.RESOLVED


# --- A person decides: retry or cancel -------------------------------------------------------


@pytest.fixture
def needs_attention(led_team):
    """A case whose refund the exchange refused (an account it did not know yet)."""
    case = accepted_case(team=led_team, ledger=False, actions=[REFUND, UNFREEZE])
    refund, unfreeze = _started(case)
    action_execute(action_id=refund.pk)
    assert _fresh(refund).execution_state == X.NEEDS_ATTENTION
    return case, refund, unfreeze


def test_only_the_lead_of_the_case_team_retries_or_cancels(needs_attention, staff, led_team):
    case, refund, _unfreeze = needs_attention
    handler = staff(CASE_HANDLER, teams=[led_team], username="hank")
    other_lead = staff(TEAM_LEAD, username="olaf")
    make_led_team("security", "Security", lead=other_lead)
    for person in (handler, other_lead):
        with pytest.raises(PermissionDeniedError, match="Only a lead"):
            action_retry(action=refund, actor=person, reason="The account exists now.")
        with pytest.raises(PermissionDeniedError, match="Only a lead"):
            action_cancel(action=refund, actor=person, reason="Paid by bank transfer instead.")
    assert _fresh(refund).execution_state == X.NEEDS_ATTENTION
    assert _events(case, CaseEventType.ACTION_RETRIED) == []


def test_retry_and_cancel_need_their_reasons(needs_attention, lead):
    _case, refund, _unfreeze = needs_attention
    with pytest.raises(ApplicationError) as retry_error:
        action_retry(action=refund, actor=lead, reason="  ")
    assert retry_error.value.extra["errors"] == {"reason": ["Required."]}
    with pytest.raises(ApplicationError) as cancel_error:
        action_cancel(action=refund, actor=lead, reason="Paid otherwise.")
    assert "reason" in cancel_error.value.extra["errors"]
    assert _fresh(refund).execution_state == X.NEEDS_ATTENTION


def test_a_retry_starts_afresh_with_the_same_key(needs_attention, lead):
    case, refund, unfreeze = needs_attention
    LedgerAccountFactory(account_id=case.complainant_account_id)

    action_retry(action=refund, actor=lead, reason="The exchange opened the account now.")

    action = _fresh(refund)
    assert (action.execution_state, action.attempts) == (X.QUEUED, 0)
    (event,) = _events(case, CaseEventType.ACTION_RETRIED)
    assert (event.actor, event.reason) == (lead, "The exchange opened the account now.")
    assert action.history.latest().history_change_reason == "The exchange opened the account now."
    with pytest.raises(ConflictError):
        action_retry(action=refund, actor=lead, reason="Twice.")

    assert action_execute(action_id=refund.pk) == "done"
    assert action_execute(action_id=unfreeze.pk) == "done"
    assert [a.number for a in _attempts(refund)] == [1, 2]
    assert _fresh(refund).attempts == 1
    assert LedgerAction.objects.filter(idempotency_key=refund.idempotency_key).count() == 1
    assert Case.objects.get(pk=case.pk).state == CaseState.RESOLVED


def test_cancelling_the_last_open_action_resolves_the_case(needs_attention, lead):
    case, refund, unfreeze = needs_attention
    LedgerAccountFactory(account_id=case.complainant_account_id)
    assert action_execute(action_id=unfreeze.pk) == "done"
    assert Case.objects.get(pk=case.pk).state == CaseState.EXECUTING

    action_cancel(action=refund, actor=lead, reason="Refunded by bank transfer, ticket FIN-2231.")

    action = _fresh(refund)
    assert action.execution_state == X.CANCELLED
    assert action.cancelled_reason == "Refunded by bank transfer, ticket FIN-2231."
    (event,) = _events(case, CaseEventType.ACTION_CANCELLED)
    assert event.actor == lead
    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED
    (resolved,) = _events(case, "case.transition.complete_execution")
    assert resolved.actor == lead
    told = Notification.objects.get(case=case, kind="case.resolved", channel="email")
    assert [line["state"] for line in told.context["actions"]] == ["cancelled", "done"]
    assert LedgerAction.objects.filter(idempotency_key=refund.idempotency_key).count() == 0
    # One recusal check for the act, none again for the resolution it led to.
    acts = list(RecusalCheck.objects.filter(case=case, user=lead).values_list("act", flat=True))
    assert acts == ["execution:cancel"]
    with pytest.raises(ConflictError):
        action_cancel(action=refund, actor=lead, reason="Refunded by bank transfer, again.")


def test_a_recused_lead_is_refused_and_the_refusal_stays_on_record(needs_attention, lead):
    case, refund, _unfreeze = needs_attention
    conflict_declaration_submit(
        staff=lead,
        actor=lead,
        kind="relationship",
        exchange_account_id=case.complainant_account_id,
    )
    with pytest.raises(PermissionDeniedError):
        action_retry(action=refund, actor=lead, reason="The account exists now.")
    assert _fresh(refund).execution_state == X.NEEDS_ATTENTION
    refused = RecusalCheck.objects.get(case=case, user=lead, act="execution:retry")
    assert refused.outcome == CheckOutcome.REFUSED


# --- Crashes in-process: what a redelivery or the sweep finds --------------------------------


def test_a_crash_after_the_call_leaves_a_running_action_the_sweep_finishes(scripted, settings):
    case = accepted_case(actions=[REFUND])
    (refund,) = _started(case)
    scripted("die")
    with pytest.raises(crash_gateway.WorkerDied):
        action_execute(action_id=refund.pk)
    action = _fresh(refund)
    assert action.execution_state == X.RUNNING
    assert [a.outcome for a in _attempts(refund)] == [AttemptOutcome.STARTED]
    reference = LedgerAction.objects.get().result["reference"]

    # Not yet stale: left alone (its worker may still be waiting for the exchange).
    assert execution_sweep() == {"actions": 0, "cases": 0, "settled": 0}

    settings.EXECUTION_STALE_AFTER = timedelta(0)
    assert execution_sweep()["actions"] == 1  # queued; eager Celery runs it here

    action = _fresh(refund)
    assert (action.execution_state, action.ledger_reference) == (X.DONE, reference)
    started, replayed = _attempts(refund)
    assert started.outcome == AttemptOutcome.STARTED
    assert (replayed.outcome, replayed.replayed) == (AttemptOutcome.DONE, True)
    assert LedgerAction.objects.count() == 1
    assert Case.objects.get(pk=case.pk).state == CaseState.RESOLVED


def test_the_sweep_starts_an_acceptance_whose_task_was_lost_and_queues_lost_actions(settings):
    """Here no on-commit task runs at all (as if the broker lost every message)."""
    case = accepted_case(actions=[REFUND])
    settings.EXECUTION_STALE_AFTER = timedelta(0)

    assert execution_sweep() == {"actions": 0, "cases": 1, "settled": 0}
    assert Case.objects.get(pk=case.pk).state == CaseState.EXECUTING
    assert exchange_actions(case)[0].execution_state == X.QUEUED

    assert execution_sweep() == {"actions": 1, "cases": 0, "settled": 0}
    assert Case.objects.get(pk=case.pk).state == CaseState.RESOLVED
    assert LedgerAction.objects.count() == 1
    assert execution_sweep() == {"actions": 0, "cases": 0, "settled": 0}


def test_the_sweep_leaves_actions_that_wait_for_a_person(needs_attention, settings):
    settings.EXECUTION_STALE_AFTER = timedelta(0)
    case, refund, _unfreeze = needs_attention
    assert execution_sweep()["actions"] == 1  # the queued unfreeze, not the refused refund
    assert _fresh(refund).execution_state == X.NEEDS_ATTENTION
    assert len(_attempts(refund)) == 1
    assert Case.objects.get(pk=case.pk).state == CaseState.EXECUTING


def test_a_crash_between_the_last_answer_and_the_resolution_is_finished(monkeypatch, settings):
    """The last action is recorded done, then the worker dies before resolving the case: the
    redelivered task resolves it; failing that, the sweep does."""
    case = accepted_case(actions=[REFUND])
    (refund,) = _started(case)
    real_settle = execution.execution_settle

    def die(**kwargs):
        raise crash_gateway.WorkerDied

    monkeypatch.setattr(execution, "execution_settle", die)
    with pytest.raises(crash_gateway.WorkerDied):
        action_execute(action_id=refund.pk)
    monkeypatch.setattr(execution, "execution_settle", real_settle)
    assert _fresh(refund).execution_state == X.DONE
    assert Case.objects.get(pk=case.pk).state == CaseState.EXECUTING

    # The sweep, once the case is stale.
    assert execution_sweep()["settled"] == 0
    settings.EXECUTION_STALE_AFTER = timedelta(0)
    assert execution_sweep() == {"actions": 0, "cases": 0, "settled": 1}
    assert Case.objects.get(pk=case.pk).state == CaseState.RESOLVED
    (resolved,) = _events(case, "case.transition.complete_execution")
    assert resolved.actor_label == "system:task:execution_sweep"


def test_a_redelivered_task_of_a_done_action_resolves_a_case_left_executing(monkeypatch):
    case = accepted_case(actions=[REFUND])
    (refund,) = _started(case)
    real_settle = execution.execution_settle

    def die(**kwargs):
        raise crash_gateway.WorkerDied

    monkeypatch.setattr(execution, "execution_settle", die)
    with pytest.raises(crash_gateway.WorkerDied):
        action_execute(action_id=refund.pk)
    monkeypatch.setattr(execution, "execution_settle", real_settle)

    assert action_execute(action_id=refund.pk) == "skipped"

    assert Case.objects.get(pk=case.pk).state == CaseState.RESOLVED
    assert len(_attempts(refund)) == 1
    assert LedgerAction.objects.count() == 1


def test_a_case_reopened_and_accepted_again_carries_out_its_new_offer(led_team):
    """After a reopening the case has two accepted offers: the latest is carried out."""
    from cases.services.lifecycle import case_transition
    from tests.support.lifecycle import cite_evidence, walker

    case = accepted_case(team=led_team, actions=[REFUND])
    (first,) = _started(case)
    action_execute(action_id=first.pk)
    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.RESOLVED
    for name, inputs in [
        ("reopen", {}),
        ("reinvestigate", {}),
        (
            "determine_responsibility",
            {
                "responsibility": "platform_system_fault",
                "responsibility_rationale": "The second look found a second stalled order.",
                "responsibility_evidence": cite_evidence(case),
            },
        ),
    ]:
        case = case_transition(
            case=case, transition=name, actor=walker(), reason=f"test {name}", **inputs
        )
    from cases.services.offers import (
        OfferTerms,
        customer_actor,
        offer_decide,
        offer_draft,
        offer_send,
        offer_submit,
    )

    terms = OfferTerms(
        summary="A second refund for the second order.",
        outcome="upheld",
        actions=[REFUND.__class__(kind="refund", asset="USDT", amount="10")],
        justification="No earlier case compares; first of its kind.",
    )
    offer = offer_submit(offer=offer_draft(case=case, actor=walker(), terms=terms), actor=walker())
    offer_send(offer=offer, actor=walker())
    offer = ResolutionOffer.objects.get(pk=offer.pk)
    offer_decide(offer=offer, accept=True, channel="portal", actor=customer_actor("portal"))

    assert execution_start(case_id=case.pk) == "queued"
    (second,) = OfferAction.objects.filter(offer=offer)
    assert second.idempotency_key == f"{case.reference}:v2:a1"
    assert action_execute(action_id=second.pk) == "done"
    assert Case.objects.get(pk=case.pk).state == CaseState.RESOLVED
    assert LedgerAction.objects.get(idempotency_key=second.idempotency_key).params["amount"] == (
        "10"
    )
    assert LedgerAction.objects.count() == 2
    assert Decimal(second.amount) == Decimal("10")


# --- At the same time (PostgreSQL row locks, threads) ----------------------------------------

needs_broker = pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL"), reason="needs CELERY_BROKER_URL (Redis); CI sets it"
)


def _executing(*actions):
    """A case started, its tasks held on the broker (so the threads below run the service)."""
    with tasks_held() as held:
        case = accepted_case(actions=list(actions))
        assert held("cases.tasks.execution_start") == [[case.pk]]
        assert execution_start(case_id=case.pk) == "queued"
        queued = exchange_actions(case)
        assert held("cases.tasks.action_execute") == [[a.pk] for a in queued]
    return case, queued


def _barrier(parties):
    crash_gateway.BARRIER[:] = [threading.Barrier(parties)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@needs_broker
def test_two_deliveries_of_one_action_at_once_pay_once(scripted):
    """Two workers took the same message (a redelivery while the first still ran): both ask
    the exchange at the same instant with the same key; it performs once."""
    case, (refund,) = _executing(REFUND)
    scripted("race", "race")
    _barrier(2)
    results = {}

    with tasks_held():
        run_all(
            [in_thread(lambda: action_execute(action_id=refund.pk), results, n) for n in (1, 2)],
            timeout=60,
        )

    assert sorted(results.values()) == ["done", "skipped"], results
    assert [refund.idempotency_key] * 2 == crash_gateway.CALLS
    assert LedgerAction.objects.filter(idempotency_key=refund.idempotency_key).count() == 1
    action = _fresh(refund)
    assert action.execution_state == X.DONE
    assert action.ledger_reference == f"DEMO-{refund.idempotency_key}"
    attempts = _attempts(refund)
    assert [a.outcome for a in attempts] == [AttemptOutcome.DONE] * 2
    assert sorted(a.replayed for a in attempts) == [False, True]
    assert action.history.filter(history_change_reason="Carried out at the exchange").count() == 1
    assert len(_events(case, CaseEventType.ACTION_DONE)) == 1
    assert len(_events(case, "case.transition.complete_execution")) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@needs_broker
def test_two_actions_finishing_at_once_resolve_the_case_once(scripted):
    case, (first, second) = _executing(REFUND, UNFREEZE)
    scripted("wait", "wait")  # both answered, then both record and settle together
    _barrier(2)
    results = {}

    with tasks_held() as held:
        run_all(
            [
                in_thread(lambda a=a: action_execute(action_id=a.pk), results, a.pk)
                for a in (first, second)
            ],
            timeout=60,
        )
        mails = held("cases.tasks.notification_deliver")

    assert list(results.values()) == ["done", "done"], results
    assert Case.objects.get(pk=case.pk).state == CaseState.RESOLVED
    assert len(_events(case, "case.transition.complete_execution")) == 1
    assert Survey.objects.filter(case=case).count() == 1
    assert Notification.objects.filter(case=case, kind="case.resolved").count() == 2
    assert LedgerAction.objects.count() == 2
    # One "done at the exchange" mail per action, the resolution's mail and the survey mail,
    # each queued once after its commit.
    assert Notification.objects.filter(case=case, kind="case.payment_done").count() == 4
    assert len(mails) == 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@needs_broker
def test_two_settlements_at_once_resolve_once(monkeypatch):
    case, (refund,) = _executing(REFUND)
    monkeypatch.setattr(execution, "execution_settle", lambda **kwargs: "waiting")
    with tasks_held():
        assert action_execute(action_id=refund.pk) == "done"
    monkeypatch.undo()
    results = {}

    with tasks_held():
        run_all(
            [
                in_thread(lambda: execution_settle(case_id=case.pk, actor=SYSTEM), results, n)
                for n in (1, 2)
            ],
            timeout=60,
        )

    assert sorted(results.values()) == ["resolved", "skipped"], results
    assert len(_events(case, "case.transition.complete_execution")) == 1
    assert Survey.objects.filter(case=case).count() == 1
