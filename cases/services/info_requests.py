"""Asking the customer for information (lifecycle: `request_info`, `resume`, `close_unanswered`).

The question goes out as a public staff message, by email and in the portal, in the same
transaction as the transition; the case then waits for the customer with its service clocks
paused. The customer's reply on any channel resumes it (`cases.services.intake.intake_reply`).
A periodic sweep reminds a silent customer once after `INFO_REQUEST_REMINDER_AFTER` and closes
the case with notice after `INFO_REQUEST_CLOSE_AFTER` (docs/investigation.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.enums import CaseEventType, CaseState
from cases.models import Case
from cases.services.events import case_event_record
from cases.services.lifecycle import case_transition
from cases.services.notifications import notification_queue
from complaints_site.common.actors import Actor, SystemActor
from complaints_site.common.exceptions import ConflictError
from complaints_site.common.history import stamp

SWEEP_ACTOR = SystemActor("task:info_requests_sweep")
# Cases handled per sweep run; the next run picks up the rest.
SWEEP_BATCH = 500


def _remind(case_id: int, *, actor: Actor) -> bool:
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or case.state != CaseState.AWAITING_CUSTOMER or case.info_reminder_at:
            return False
        case.info_reminder_at = timezone.now()
        notification_queue(
            case=case,
            kind="case.info_reminder",
            cause=f"info-reminder-{case.paused_at:%Y%m%d%H%M%S}",
            actor=actor,
            context={"question": case.info_request[:4000]},
        )
        stamp(case, actor=actor, reason="Reminded the customer of the request for information")
        case.save()
        case_event_record(case=case, type=CaseEventType.INFO_REMINDED, actor=actor)
        return True


@dataclass(frozen=True)
class SweepResult:
    reminded: int
    closed: int


def info_requests_sweep(*, actor: Actor = SWEEP_ACTOR) -> SweepResult:
    """Remind the customers who have been silent too long, and close the cases of those silent
    far too long. Selection is one indexed query per step (`case_awaiting_since`); each case is
    then handled in its own transaction, so one failure never blocks the rest. Idempotent."""
    now = timezone.now()
    waiting = Case.objects.filter(state=CaseState.AWAITING_CUSTOMER)
    to_close = list(
        waiting.filter(paused_at__lte=now - settings.INFO_REQUEST_CLOSE_AFTER)
        .order_by("paused_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    days = settings.INFO_REQUEST_CLOSE_AFTER.days
    closed = 0
    for pk in to_close:
        try:
            case_transition(
                case=Case(pk=pk),
                transition="close_unanswered",
                actor=actor,
                reason=f"No answer to the request for information within {days} days.",
                expected_state=CaseState.AWAITING_CUSTOMER,
            )
            closed += 1
        except ConflictError:
            continue  # the customer answered meanwhile
    to_remind = list(
        waiting.filter(
            paused_at__lte=now - settings.INFO_REQUEST_REMINDER_AFTER,
            info_reminder_at__isnull=True,
        )
        .order_by("paused_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    reminded = sum(_remind(pk, actor=actor) for pk in to_remind)
    return SweepResult(reminded=reminded, closed=closed)
