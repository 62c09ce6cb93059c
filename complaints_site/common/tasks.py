"""Audit work outside the request: sealing soon after a write, and the periodic verification.

Sealing does not depend on beat alone: a save of any audited row asks, after commit, for a
sealing pass (`seal_soon`), debounced per process so a burst of writes queues one task. Beat
runs the same task every AUDIT_SEAL_SECONDS as a safety net, and `audit_verify` (beat, every
AUDIT_VERIFY_SECONDS) seals everything pending, verifies the whole chain and checks it against
the newest signed anchor.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction

from complaints_site.common.anchor import anchor_verify_latest
from complaints_site.common.audit import audit_chain_verify, audited_model_set
from complaints_site.common.services import audit_seal_and_anchor

logger = logging.getLogger(__name__)

# When this process last queued a sealing pass (monotonic seconds).
_queued_at: float | None = None


@shared_task(name="common.audit_seal_pending")
def audit_seal_pending_task() -> int:
    # Idempotent by design: rows already sealed are skipped, so a re-delivery does no harm.
    return audit_seal_and_anchor()


@shared_task(name="common.audit_verify")
def audit_verify_task() -> dict[str, Any]:
    """Seal everything pending (full sweep), verify the chain, the live rows and the newest
    anchor. A break is logged as critical (alerting watches for it) and returned."""

    # The anchor first: sealing must not anchor a chain that no longer holds the last anchor.
    broken = anchor_verify_latest()
    sealed = 0
    if broken is None:
        sealed = audit_seal_and_anchor(full=True)
        report = audit_chain_verify()
        broken = report.first_break
    if broken is not None:
        logger.critical("Audit chain broken: %s", broken)
        return {"intact": False, "break": str(broken), "sealed": sealed}
    return {"intact": True, "entries": report.entries, "sealed": sealed}


def _debounce() -> int:
    # Eager Celery (`make run`, no broker) runs the pass inline at once: nothing is pending
    # behind a countdown, so every commit seals (cheap on a demo database).
    return 0 if settings.CELERY_TASK_ALWAYS_EAGER else settings.AUDIT_SEAL_DEBOUNCE_SECONDS


def _queue_seal() -> None:
    global _queued_at
    delay = _debounce()
    now = time.monotonic()
    if delay and _queued_at is not None and now - _queued_at < delay:
        return  # a pass queued less than `delay` ago runs after this commit and seals it
    _queued_at = now
    try:
        audit_seal_pending_task.apply_async(countdown=delay)
    except Exception:  # the broker being down must not fail the write that committed
        _queued_at = None
        logger.warning("could not queue an audit sealing pass; beat will seal", exc_info=True)


def seal_soon(sender: type, **kwargs: Any) -> None:
    """post_save receiver: an audited row was written; seal it soon after commit. Costs a set
    lookup per save, one after-commit hook per transaction and, at most once per debounce
    interval per process, one broker publish after commit (no database round trip on the
    write path)."""

    if sender not in audited_model_set():
        return
    delay = _debounce()
    if delay and _queued_at is not None and time.monotonic() - _queued_at < delay:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        # Autocommit: the row is committed already.
        _queue_seal()
        return
    # One hook per transaction, however many audited rows it writes.
    if any(func is _queue_seal for _sids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_queue_seal, robust=True)
