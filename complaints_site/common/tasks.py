"""Periodic audit work: seal what was written since the last run (beat: every minute)."""

from celery import shared_task

from complaints_site.common.services import audit_seal_pending


@shared_task(name="common.audit_seal_pending")
def audit_seal_pending_task() -> int:
    # Idempotent by design: rows already sealed are skipped, so a re-delivery does no harm.
    return audit_seal_pending()
