"""Step 6: carrying out an accepted offer at the exchange, exactly once (docs/resolution.md).

Each action the exchange performs (refund, compensation, unfreeze, reversal, voucher) is sent
through the gateway's `perform` with the idempotency key fixed when the offer was sent (case,
offer version, action). The exchange performs a key once and answers a repeat with the original
result, so a retry after any crash asks again and records what was done the first time:

1. under a row lock: the action becomes `running` and an attempt row `started` is committed;
2. the call, outside any transaction (no lock is held while the exchange thinks);
3. under the lock again: the attempt gets its answer, the action its state and the exchange's
   reference.

A worker killed between 1 and 3 leaves `running` and a `started` attempt: the task is delivered
again (acks_late) or the sweep queues it again, and the repeat call returns the original result.
A refusal (4xx) or exhausted retries leave the action `needs_attention` on the lead's queue,
where a person retries it or cancels it with a reason. When every action is done or cancelled,
the case is resolved by itself and the customer told what was done.
"""

from __future__ import annotations

import logging
import math
import os
import socket
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.enums import (
    EXECUTED_ACTION_KINDS,
    ActionExecutionState,
    AttemptOutcome,
    CaseEventType,
    CaseState,
    OfferState,
)
from cases.gateway import (
    ActionRequest,
    GatewayError,
    GatewayIntegrityError,
    GatewayNotFound,
    GatewayRejected,
    GatewayUnavailable,
    get_gateway,
)
from cases.lib.money import amount_display, amount_wire
from cases.models import Case, ExecutionAttempt, OfferAction, ResolutionOffer
from cases.policies.access import may_run
from cases.policies.routing import leads_a_team
from cases.selectors.resolution import action_phrase
from cases.services.events import case_event_record
from cases.services.followup import survey_send
from cases.services.jobs import task_enqueue
from cases.services.lifecycle import case_transition
from cases.services.notifications import notification_queue
from cases.services.recusal import staff_write_check, staff_write_scope
from complaints_site.common.actors import Actor, SystemActor
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from complaints_site.common.history import stamp

log = logging.getLogger(__name__)

X = ActionExecutionState
EXECUTION_ACTOR = SystemActor("task:action_execute")
START_ACTOR = SystemActor("task:execution_start")
SWEEP_ACTOR = SystemActor("task:execution_sweep")
# Not yet finished: the case cannot be resolved while any action is in one of these.
OPEN = (X.NOT_STARTED, X.QUEUED, X.RUNNING, X.NEEDS_ATTENTION)
SETTLED = (X.DONE, X.CANCELLED, X.NOT_NEEDED)


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def _accepted_offer(case: Case) -> ResolutionOffer:
    """The offer being carried out: the case's latest accepted one (a case reopened after
    resolution keeps its earlier accepted offer beside the new one)."""
    return ResolutionOffer.objects.filter(case=case, state=OfferState.ACCEPTED).latest("version")


def _enqueue(action_ids: list[int]) -> None:
    for pk in action_ids:
        task_enqueue("cases.tasks.action_execute", pk)


def execution_start(*, case_id: int, actor: Actor = START_ACTOR) -> str:
    """Begin carrying out the accepted offer of the case: its exchange actions are queued,
    the others need nothing done; the case moves to `executing` (and straight on to resolved
    when nothing is left). Safe to run twice: a case no longer `resolution_accepted` is left
    alone. Returns what happened."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or case.state != CaseState.RESOLUTION_ACCEPTED:
            return "skipped"
        offer = _accepted_offer(case)
        queued = []
        for action in offer.actions.select_for_update().order_by("position"):
            if action.execution_state != X.NOT_STARTED:
                continue
            if action.kind in EXECUTED_ACTION_KINDS:
                action.execution_state = X.QUEUED
                action.next_attempt_at = timezone.now()
                queued.append(action.pk)
            else:
                action.execution_state = X.NOT_NEEDED
                action.done_at = timezone.now()
            stamp(action, actor=actor, reason="Execution started")
            action.save()
        case = case_transition(
            case=case,
            transition="start_execution",
            actor=actor,
            reason=f"Offer v{offer.version} accepted: carrying it out",
            by_service=True,
        )
        transaction.on_commit(lambda: _enqueue(queued), robust=True)
    if not queued:
        execution_settle(case_id=case_id, actor=actor)
        return "resolved"
    return "queued"


def _request(action: OfferAction) -> ActionRequest:
    case = action.offer.case
    params = {"case": case.reference, "offer_version": str(action.offer.version)}
    if action.amount is not None and action.asset is not None:
        params["amount"] = amount_wire(action.amount)
        params["asset"] = action.asset.code
    if action.target_reference:
        params["target"] = action.target_reference
    return ActionRequest(
        kind=action.kind,
        account_id=case.complainant_account_id,
        idempotency_key=action.idempotency_key or "",
        params=params,
    )


def action_execute(*, action_id: int, actor: Actor = EXECUTION_ACTOR) -> str:
    """One attempt at one action. Returns "done", "attention", "retry" (the exchange did not
    answer; the task retries later), or "skipped" (nothing to do: done, cancelled, waiting
    for a person; a settled action settles its case, should that be left undone).
    Never raises for an exchange failure: every answer is recorded."""
    # 1. Claim: the attempt is on record before the call.
    with transaction.atomic():
        action = (
            OfferAction.objects.select_for_update(of=("self",))
            .select_related("offer__case", "asset")
            .filter(pk=action_id)
            .first()
        )
        claimed = action is not None and action.execution_state in (X.QUEUED, X.RUNNING)
        if claimed:
            number = action.attempts_log.count() + 1
            action.execution_state = X.RUNNING
            action.attempts += 1
            stamp(action, actor=actor, reason=f"Attempt {number}")
            action.save()
            attempt = ExecutionAttempt.objects.create(
                action=action, number=number, worker=_worker()
            )
            request = _request(action)
    if not claimed:
        if action is not None and action.execution_state in SETTLED:
            # A worker killed after recording the last answer and before resolving the case:
            # the message delivered again finishes that (a no-op once the case moved on).
            execution_settle(case_id=action.offer.case_id, actor=actor)
        return "skipped"
    # 2. The call, holding no lock.
    try:
        result = get_gateway().perform(request)
        failure: GatewayError | None = None
    except GatewayError as exc:
        result, failure = None, exc
    except Exception as exc:  # a bug or a transport error: recorded, retried
        result, failure = None, GatewayUnavailable(f"{type(exc).__name__}")
    # 3. Record the answer.
    return _record(
        action_id=action_id, attempt_id=attempt.pk, result=result, failure=failure, actor=actor
    )


def _record(*, action_id: int, attempt_id: int, result: Any, failure: Any, actor: Actor) -> str:
    now = timezone.now()
    with transaction.atomic():
        action = (
            OfferAction.objects.select_for_update(of=("self",))
            .select_related("offer__case", "asset")
            .get(pk=action_id)
        )
        attempt = ExecutionAttempt.objects.select_for_update().get(pk=attempt_id)
        attempt.finished_at = now
        case = action.offer.case
        if failure is None and result is not None and result.status == "done":
            attempt.outcome = AttemptOutcome.DONE
            attempt.replayed = bool(result.replayed)
            attempt.ledger_reference = result.reference[:128]
            attempt.detail = _("Done") if not result.replayed else _("Already done earlier")
            stamp(attempt, actor=actor, reason="Answer recorded")
            attempt.save()
            if action.execution_state == X.DONE:
                return "skipped"  # a concurrent attempt recorded it first
            action.execution_state = X.DONE
            action.ledger_reference = result.reference[:128]
            action.done_at = now
            action.last_error = ""
            action.next_attempt_at = None
            stamp(action, actor=actor, reason="Carried out at the exchange")
            action.save()
            case_event_record(
                case=case,
                type=CaseEventType.ACTION_DONE,
                actor=actor,
                data={
                    "action": action.pk,
                    "what": action_phrase(action),
                    "reference": action.ledger_reference,
                    "attempt": attempt.number,
                    "replayed": attempt.replayed,
                },
            )
            notification_queue(
                case=case,
                kind="case.payment_done",
                cause=f"action-{action.pk}-done",
                actor=actor,
                context={
                    "action_id": action.pk,
                    "kind": action.kind,
                    "amount": _outcome_line(action)["amount"],
                    "reference": action.ledger_reference,
                },
            )
            outcome = "done"
        else:
            refused = isinstance(failure, GatewayRejected | GatewayNotFound) or (
                failure is None and result is not None
            )
            message = (
                failure.message
                if failure is not None
                else _("The exchange reported the action failed.")
            )
            attempt.outcome = (
                AttemptOutcome.REFUSED
                if refused
                else AttemptOutcome.ERROR
                if isinstance(failure, GatewayIntegrityError)
                else AttemptOutcome.UNAVAILABLE
            )
            attempt.status_code = getattr(failure, "status", None)
            attempt.detail = str(message)[:2000]
            stamp(attempt, actor=actor, reason="Answer recorded")
            attempt.save()
            if action.execution_state != X.RUNNING:
                return "skipped"
            action.last_error = str(message)[:2000]
            exhausted = action.attempts >= settings.EXECUTION_MAX_ATTEMPTS
            if refused or exhausted:
                action.execution_state = X.NEEDS_ATTENTION
                action.next_attempt_at = None
                stamp(action, actor=actor, reason="Needs attention")
                action.save()
                case_event_record(
                    case=case,
                    type=CaseEventType.ACTION_NEEDS_ATTENTION,
                    actor=actor,
                    reason=str(message)[:500],
                    data={
                        "action": action.pk,
                        "what": action_phrase(action),
                        "attempts": action.attempts,
                        "refused": refused,
                    },
                )
                outcome = "attention"
            else:
                delay = settings.EXECUTION_RETRY_SECONDS * 2 ** (action.attempts - 1)
                action.execution_state = X.QUEUED
                action.next_attempt_at = now + timedelta(seconds=delay)
                stamp(action, actor=actor, reason="Retry later")
                action.save()
                outcome = "retry"
    if outcome == "done":
        execution_settle(case_id=case.pk, actor=actor)
    return outcome


def retry_delay(*, action_id: int) -> int:
    """Seconds until the action's next attempt is due (for the task's countdown)."""
    action = OfferAction.objects.filter(pk=action_id).only("next_attempt_at").first()
    if action is None or action.next_attempt_at is None:
        return 0
    return max(0, math.ceil((action.next_attempt_at - timezone.now()).total_seconds()))


def execution_settle(*, case_id: int, actor: Actor) -> str:
    """Resolve the case once every action is done, cancelled or needed nothing: the
    `complete_execution` transition, the customer told what was done, the survey sent.
    Safe to call from every finishing action at once: one of them resolves the case."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or case.state != CaseState.EXECUTING:
            return "skipped"
        offer = _accepted_offer(case)
        actions = list(offer.actions.select_related("asset").order_by("position"))
        if any(a.execution_state in OPEN for a in actions):
            return "waiting"
        case = case_transition(
            case=case,
            transition="complete_execution",
            actor=actor,
            reason=f"Every action of offer v{offer.version} settled",
            by_service=True,
        )
        notification_queue(
            case=case,
            kind="case.resolved",
            cause=f"offer-{offer.pk}-resolved",
            actor=actor,
            context={"offer_id": offer.pk, "actions": [_outcome_line(a) for a in actions]},
        )
        survey_send(case=case, actor=actor)
    return "resolved"


def _outcome_line(action: OfferAction) -> dict[str, str]:
    """What the customer is told of one action (rendered in their language later)."""
    amount = ""
    if action.amount is not None and action.asset is not None:
        amount = (
            f"{amount_display(action.amount, decimals=action.asset.decimals)} {action.asset.code}"
        )
    return {
        "kind": action.kind,
        "amount": amount,
        "state": action.execution_state,
        "reference": action.ledger_reference,
        "detail": action.detail[:500],
    }


def _may_settle(user: Any, case: Case) -> bool:
    """A lead of the case's team (or a superuser) with the execution capability."""
    if not may_run(user, case, "cases.execute_resolution"):
        return False
    return user.is_superuser or (leads_a_team(user) and case.team and case.team.lead_id == user.pk)


def _lead_only(action: OfferAction, actor: Any) -> Case:
    case = action.offer.case
    if not _may_settle(actor, case):
        raise PermissionDeniedError(_("Only a lead of the case's team retries or cancels actions."))
    return case


def _attention_action(action: OfferAction) -> OfferAction:
    """The action, locked; ConflictError unless it still needs attention."""
    locked = (
        OfferAction.objects.select_for_update(of=("self",))
        .select_related("offer__case", "asset")
        .get(pk=action.pk)
    )
    if locked.execution_state != X.NEEDS_ATTENTION:
        raise ConflictError(_("This action no longer needs attention (it changed meanwhile)."))
    return locked


def action_retry(*, action: OfferAction, actor: Any, reason: str) -> OfferAction:
    """A person sends a refused or exhausted action to the exchange again (the same key, so
    it can never be done twice), with a fresh set of attempts. Raises ApplicationError (no
    reason), PermissionDeniedError (not a lead of the case's team, or recused: the refusal is
    recorded), ConflictError (the action no longer needs attention)."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Say why it is retried."), extra={"errors": {"reason": [_("Required.")]}}
        )
    # Checked before the write's transaction, so that a recusal refusal stays on record.
    case = _lead_only(action, actor)
    staff_write_check(case=case, actor=actor, act="execution:retry")
    with transaction.atomic():
        locked = _attention_action(action)
        locked.execution_state = X.QUEUED
        locked.attempts = 0
        locked.next_attempt_at = timezone.now()
        stamp(locked, actor=actor, reason=reason)
        locked.save()
        case_event_record(
            case=locked.offer.case,
            type=CaseEventType.ACTION_RETRIED,
            actor=actor,
            reason=reason,
            data={"action": locked.pk, "what": action_phrase(locked)},
        )
        transaction.on_commit(lambda: _enqueue([locked.pk]), robust=True)
    return locked


def action_cancel(*, action: OfferAction, actor: Any, reason: str) -> OfferAction:
    """A person gives up an action the exchange refused, with a reason of at least 20
    characters; the case is resolved when nothing else is open (in the lead's name). Raises
    as `action_retry`."""
    reason = (reason or "").strip()
    if len(reason) < 20:
        raise ApplicationError(
            _("Explain in at least 20 characters why the action is cancelled."),
            extra={"errors": {"reason": [_("At least 20 characters.")]}},
        )
    # Checked before the write's transaction, so that a recusal refusal stays on record.
    case = _lead_only(action, actor)
    staff_write_check(case=case, actor=actor, act="execution:cancel")
    with transaction.atomic():
        locked = _attention_action(action)
        locked.execution_state = X.CANCELLED
        locked.cancelled_reason = reason
        locked.next_attempt_at = None
        stamp(locked, actor=actor, reason=reason)
        locked.save()
        case_event_record(
            case=locked.offer.case,
            type=CaseEventType.ACTION_CANCELLED,
            actor=actor,
            reason=reason,
            data={"action": locked.pk, "what": action_phrase(locked)},
        )
    # The case resolves in the lead's name, checked once above for this act.
    with staff_write_scope(case, actor):
        execution_settle(case_id=locked.offer.case_id, actor=actor)
    return locked


def execution_sweep(*, limit: int = 500) -> dict[str, int]:
    """Pick up what a lost message or a killed worker left behind, once untouched for
    EXECUTION_STALE_AFTER: actions queued or running are queued again (the repeat asks the
    exchange with the same key), accepted cases whose execution never started are started, and
    executing cases with nothing left open are resolved (a worker killed between recording the
    last answer and resolving the case). Set-based reads; the work itself is idempotent."""
    stale = timezone.now() - settings.EXECUTION_STALE_AFTER
    actions = list(
        OfferAction.objects.filter(
            execution_state__in=[X.QUEUED, X.RUNNING], updated_at__lt=stale
        ).values_list("pk", flat=True)[:limit]
    )
    # A worker that takes one saves it (its claim), so it is not stale at the next sweep; one
    # queued twice meanwhile runs once and skips once.
    _enqueue(actions)
    cases = list(
        Case.objects.filter(state=CaseState.RESOLUTION_ACCEPTED, updated_at__lt=stale).values_list(
            "pk", flat=True
        )[:limit]
    )
    for pk in cases:
        task_enqueue("cases.tasks.execution_start", pk)
    still_open = OfferAction.objects.filter(
        offer__case=OuterRef("pk"), offer__state=OfferState.ACCEPTED, execution_state__in=OPEN
    )
    unsettled = list(
        Case.objects.filter(state=CaseState.EXECUTING, updated_at__lt=stale)
        .exclude(Exists(still_open))
        .values_list("pk", flat=True)[:limit]
    )
    settled = sum(execution_settle(case_id=pk, actor=SWEEP_ACTOR) == "resolved" for pk in unsettled)
    return {"actions": len(actions), "cases": len(cases), "settled": settled}
