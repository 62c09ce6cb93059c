"""`manage.py poll_imap`: fetch new mail from the IMAP mailbox once (IMAP_URL or --url)."""

from __future__ import annotations

import imaplib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from channels.services.email import TEMPORARY_ERRORS, imap_poll
from complaints_site.common.actors import SystemActor


class Command(BaseCommand):
    help = "Fetch and process new messages from the configured IMAP mailbox, once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", default="", help="imap[s]://user:pass@host:port/MAILBOX")
        parser.add_argument("--limit", type=int, default=None, help="at most this many messages")

    def handle(self, *args, url: str, limit: int | None, **options) -> None:
        url = url or settings.IMAP_URL
        if not url:
            raise CommandError("IMAP_URL is not set")
        try:
            result = imap_poll(url=url, actor=SystemActor("poll_imap"), limit=limit)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        except (imaplib.IMAP4.error, *TEMPORARY_ERRORS) as exc:
            raise CommandError(f"IMAP poll failed: {type(exc).__name__}", returncode=75) from exc
        outcomes = ", ".join(f"{k}={v}" for k, v in sorted(result.outcomes.items()))
        self.stdout.write(f"fetched {result.fetched} message(s) {outcomes}".rstrip())
