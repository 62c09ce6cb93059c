"""Celery tasks of the cases app: thin, id-taking, idempotent (CONVENTIONS.md, Celery)."""

from __future__ import annotations

from celery import shared_task

from cases.services.notifications import notification_deliver as _deliver
from cases.services.notifications import notifications_due_ids
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


@shared_task(name="cases.tasks.quality_review_sample_previous_month", ignore_result=True)
def quality_review_sample_previous_month() -> int:
    """Monthly: sample last month's closed cases for quality review (idempotent)."""
    from datetime import timedelta

    from django.utils import timezone

    from cases.services.quality import quality_review_sample

    last_month = timezone.now().date().replace(day=1) - timedelta(days=1)
    return len(
        quality_review_sample(period=last_month, actor=SystemActor("task:quality_review_sample"))
    )


@shared_task(name="cases.tasks.recusal_notify_lead", acks_late=True, ignore_result=True)
def recusal_notify_lead(case_id: int, lead_id: int) -> bool:
    """Email the team lead that a recused handler's case needs reassignment."""
    from cases.services.recusal import recusal_lead_notice_send

    return recusal_lead_notice_send(case_id=case_id, lead_id=lead_id)
