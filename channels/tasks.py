"""Celery tasks of the channels app: thin, idempotent (CONVENTIONS.md, Celery)."""

from __future__ import annotations

import imaplib

from celery import shared_task
from django.conf import settings

from channels.services.email import TEMPORARY_ERRORS, imap_poll
from complaints_site.common.actors import SystemActor


@shared_task(
    name="channels.tasks.email_poll_imap",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(imaplib.IMAP4.error, *TEMPORARY_ERRORS),
    retry_backoff=True,
    max_retries=3,
)
def email_poll_imap() -> int:
    """Periodic: fetch new mail once. Safe to run twice or concurrently: the cursor only moves
    forward and a message seen twice is dropped by its Message-ID."""
    if not settings.IMAP_URL:
        return 0
    return imap_poll(url=settings.IMAP_URL, actor=SystemActor("task:email_poll_imap")).fetched
