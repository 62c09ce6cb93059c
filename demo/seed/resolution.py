"""Seeding the resolution steps of a demo case through their own services: the offer drafted by
the handler, valued at the demo exchange's prices and approved by the demo approvers
(`cases.services.offers`), the customer's answer, carrying it out at the demo exchange
(`cases.services.execution`), the survey's answer (`cases.services.followup`) and the final
response.

Carrying out an accepted offer is the workers' job: `offer_decide` queues `execution_start`
after commit, which queues one `action_execute` per action. `make run` has no broker, so Celery
runs those tasks eagerly when the case's transaction commits, and every accepted demo case would
be resolved before the demo opened. The seed therefore holds back the tasks those two services
queue (`tasks_not_yet_taken`) and runs the services itself as far as the case's walk says:
an accepted case stays `resolution_accepted` (the acceptance committed, no worker took the
task yet), an executing one keeps its actions `queued`; `complete_execution` and `Attempt` carry
them out at once, synchronously, like a worker would. Deployed with a broker and beat, the
execution sweep later queues what was held back (`EXECUTION_STALE_AFTER`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from cases.enums import ActionExecutionState, ApprovalDecision, OfferOutcome, OfferState
from cases.models import Case, OfferAction, ResolutionOffer, Survey
from cases.policies.access import may_run
from cases.services.execution import action_execute, execution_start
from cases.services.followup import survey_answer
from cases.services.letters import letter_issue
from cases.services.offers import (
    ActionDraft,
    OfferTerms,
    customer_actor,
    offer_decide,
    offer_draft,
    offer_review,
    offer_send,
    offer_submit,
)
from demo.data.walks import Answer, DemoCase, Propose, Step, SurveyAnswer


@contextmanager
def tasks_not_yet_taken() -> Iterator[None]:
    """The work the block queues for after commit is left untaken, as if no worker had picked
    it up yet (must run inside the case's transaction). Used only around the services that
    queue execution tasks, never around mail."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("tasks_not_yet_taken() runs inside the seeding transaction")
    mark = len(connection.run_on_commit)
    yield
    # Django keeps the callbacks of the open transaction in this list (as its test case's
    # captureOnCommitCallbacks reads them): those queued by the block are dropped.
    del connection.run_on_commit[mark:]


def seed_offer(case: Case, step: Propose, *, users: dict[str, Any]) -> Case:
    """The case's assignee drafts and submits the offer; the demo approvers approve it; sent
    when the walk says so (else it waits for the approvals still missing)."""
    handler = users[case.assignee.username] if case.assignee else users["handler"]
    terms = OfferTerms(
        summary=step.summary,
        outcome=step.outcome,
        actions=[
            ActionDraft(
                kind=a.kind,
                asset=a.asset,
                amount=a.amount or None,
                detail=a.detail,
                target_reference=a.target,
            )
            for a in step.actions
        ],
        justification=step.justification,
    )
    offer = offer_draft(case=case, actor=handler, terms=terms)
    offer = offer_submit(offer=offer, actor=handler)
    for approval in step.approvals:
        offer = offer_review(
            offer=offer,
            actor=users[approval.approver],
            decision=ApprovalDecision.APPROVED,
            reason=approval.reason,
        )
    if not step.send:
        if offer.state != OfferState.AWAITING_APPROVAL:
            raise ValueError(f"{case.subject!r}: the offer was meant to wait for approval")
        return Case.objects.get(pk=case.pk)
    return offer_send(offer=offer, actor=handler)


def seed_answer(case: Case, step: Answer, *, spec: DemoCase) -> Case:
    """The customer answers the offer with them, through their own channel. An acceptance's
    execution task is left for a worker."""
    channel = step.channel or spec.answer_channel
    offer = ResolutionOffer.objects.get(case=case, state=OfferState.SENT)
    with tasks_not_yet_taken():
        offer_decide(
            offer=offer,
            accept=step.accept,
            channel=channel,
            actor=customer_actor(channel),
            reason=step.reason,
        )
    return Case.objects.get(pk=case.pk)


def seed_execution_start(case: Case) -> Case:
    """`start_execution`: the accepted offer's actions are queued at the exchange (their tasks
    left for a worker); an offer with nothing to carry out resolves the case at once."""
    with tasks_not_yet_taken():
        execution_start(case_id=case.pk)
    return Case.objects.get(pk=case.pk)


def seed_carry_out(case: Case) -> Case:
    """Each queued action is sent to the demo exchange once, as a worker would: done, the case
    resolves when nothing is left; refused, the action needs a lead's attention."""
    queued = OfferAction.objects.filter(
        offer__case=case,
        offer__state=OfferState.ACCEPTED,
        execution_state=ActionExecutionState.QUEUED,
    ).order_by("position")
    for pk in queued.values_list("pk", flat=True):
        action_execute(action_id=pk)
    return Case.objects.get(pk=case.pk)


def seed_survey_answer(case: Case, step: SurveyAnswer) -> Case:
    """The customer answers the survey sent when the case was resolved."""
    survey = Survey.objects.filter(case=case, answered_at__isnull=True).latest("round")
    survey_answer(
        survey=survey,
        actor=customer_actor(step.channel),
        process_score=step.process_score,
        process_reasons=list(step.process_reasons),
        outcome_score=step.outcome_score,
        outcome_reasons=list(step.outcome_reasons),
        comment=step.comment,
        channel=step.channel,
    )
    return case


def seed_final_response(case: Case, step: Step, *, users: dict[str, Any]) -> Case:
    """The exchange's final response, issued by the demo lead as a letter in the customer's
    language (`letter_issue`: the outcome, the reasons, the evidence relied on and the
    deadline to go to arbitration), citing the case's evidence. The lead issues it when the
    case is within their reach, else the demo administrator."""
    lead = users["lead"]
    actor = lead if may_run(lead, case, "cases.issue_final_response") else users["admin"]
    evidence = list(case.evidence.order_by("pk").values_list("pk", flat=True)[:3])
    letter_issue(
        case=case,
        actor=actor,
        outcome=OfferOutcome.NOT_UPHELD,
        reasons=step.inputs["final_response_text"],
        evidence_ids=evidence,
    )
    return Case.objects.get(pk=case.pk)
