"""Celery tasks of the cases app: thin, id-taking, idempotent (CONVENTIONS.md, Celery)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from cases.services.clocks import clocks_sweep
from cases.services.consultations import consultation_lead_notice_send
from cases.services.consultations import consultations_flag_overdue as _flag_overdue
from cases.services.evidence import evidence_rescan_held as _rescan_held
from cases.services.execution import action_execute as _action_execute
from cases.services.execution import execution_start as _execution_start
from cases.services.execution import execution_sweep as _execution_sweep
from cases.services.execution import retry_delay
from cases.services.followup import follow_up_close_sweep as _follow_up_close_sweep
from cases.services.info_requests import info_requests_sweep as _sweep
from cases.services.notifications import notification_deliver as _deliver
from cases.services.notifications import notifications_due_ids
from cases.services.offers import offers_expire_sweep as _offers_expire_sweep
from cases.services.quality import quality_review_sample
from cases.services.recusal import recusal_lead_notice_send
from complaints_site.common.actors import SystemActor


@shared_task(name="cases.tasks.notification_deliver", acks_late=True, ignore_result=True)
def notification_deliver(notification_id: int) -> str:
    """Deliver one queued email. Failures stay pending for the sweep to retry with backoff."""
    return _deliver(notification_id=notification_id, actor=SystemActor("task:notification_deliver"))


@shared_task(name="cases.tasks.notifications_deliver_due", acks_late=True, ignore_result=True)
def notifications_deliver_due() -> int:
    """Periodic: deliver every pending notification that is due (new, or waiting to retry)."""
    actor = SystemActor("task:notifications_deliver_due")
    return sum(
        _deliver(notification_id=pk, actor=actor) == "sent" for pk in notifications_due_ids()
    )


@shared_task(name="cases.tasks.sla_sweep", ignore_result=True)
def sla_sweep() -> dict[str, int]:
    """Periodic: warn before a deadline, escalate at a breach; set-based, safe to overlap."""
    result = clocks_sweep()
    return {"warned": result.warned, "breached": result.breached, "notified": result.notified}


@shared_task(name="cases.tasks.quality_review_sample_previous_month", ignore_result=True)
def quality_review_sample_previous_month() -> int:
    """Monthly: sample last month's closed cases for quality review (idempotent)."""
    last_month = timezone.now().date().replace(day=1) - timedelta(days=1)
    return len(
        quality_review_sample(period=last_month, actor=SystemActor("task:quality_review_sample"))
    )


@shared_task(name="cases.tasks.recusal_notify_lead", acks_late=True, ignore_result=True)
def recusal_notify_lead(case_id: int, lead_id: int, event_id: int | None = None) -> bool:
    """Email the team lead that a recused handler's case needs reassignment (once per event)."""
    return recusal_lead_notice_send(case_id=case_id, lead_id=lead_id, event_id=event_id)


@shared_task(name="cases.tasks.info_requests_sweep", ignore_result=True)
def info_requests_sweep() -> dict[str, int]:
    """Periodic: remind silent customers once, close the cases of those silent too long."""
    result = _sweep()
    return {"reminded": result.reminded, "closed": result.closed}


@shared_task(name="cases.tasks.consultations_flag_overdue", ignore_result=True)
def consultations_flag_overdue() -> int:
    """Periodic: flag newly overdue consultations to the consulted team's lead."""
    return _flag_overdue()


@shared_task(name="cases.tasks.consultation_notify_lead", acks_late=True, ignore_result=True)
def consultation_notify_lead(consultation_id: int) -> bool:
    """Email the consulted team's lead that an answer is overdue."""
    return consultation_lead_notice_send(consultation_id=consultation_id)


@shared_task(name="cases.tasks.evidence_rescan_held", ignore_result=True)
def evidence_rescan_held() -> dict[str, int]:
    """Scan the mail attachments held while the malware scanner was down (beat)."""
    return _rescan_held()


@shared_task(name="cases.tasks.execution_start", acks_late=True, ignore_result=True)
def execution_start(case_id: int) -> str:
    """After an acceptance commits: queue the offer's actions (idempotent by the case state)."""
    return _execution_start(case_id=case_id)


@shared_task(
    name="cases.tasks.action_execute",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=None,
)
def action_execute(self, action_id: int) -> str:
    """One attempt at one action at the exchange; an unanswered call is retried with backoff
    (the service counts the attempts and stops at EXECUTION_MAX_ATTEMPTS). A worker killed at
    any point leaves the message unacknowledged: it is delivered again, and the repeat asks the
    exchange with the same key."""
    outcome = _action_execute(action_id=action_id)
    if outcome == "retry":
        raise self.retry(countdown=retry_delay(action_id=action_id))
    return outcome


@shared_task(name="cases.tasks.execution_sweep", ignore_result=True)
def execution_sweep() -> dict[str, int]:
    """Periodic: queue again the actions and acceptances a lost message or worker left, and
    resolve the cases whose last action was recorded by a worker that died before settling."""
    return _execution_sweep()


@shared_task(name="cases.tasks.offers_expire_sweep", ignore_result=True)
def offers_expire_sweep() -> int:
    """Periodic: hand back to the handler the offers the customer left unanswered."""
    return _offers_expire_sweep()


@shared_task(name="cases.tasks.follow_up_close_sweep", ignore_result=True)
def follow_up_close_sweep() -> int:
    """Periodic: close the resolved cases whose reopening window has passed."""
    return _follow_up_close_sweep()
