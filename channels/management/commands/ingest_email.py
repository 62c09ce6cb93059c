"""The MTA pipe: `manage.py ingest_email [FILE ...]`, one raw message per file (or stdin).

Exit codes follow sysexits.h, which mail servers understand: 0 when the message was taken (a
case, a reply, a deliberate drop or a quarantine), 75 (EX_TEMPFAIL) when the database or the
storage is unavailable, so the mail server keeps the message and retries, 65 (EX_DATAERR) for
input that can never be a message (empty), 66 (EX_NOINPUT) for a file that cannot be read.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from channels.models import InboundEmailSource
from channels.services.email import TEMPORARY_ERRORS, EmptyMessageError, inbound_email_process
from complaints_site.common.actors import SystemActor

EX_DATAERR = 65
EX_NOINPUT = 66
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Take raw RFC 5322 messages (files, or standard input) into the email channel."
    # The pipe must answer even when the database is down: no checks that could touch it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="*", help="raw message files (default: stdin)")

    def handle(self, *args, files: list[str], **options) -> None:
        actor = SystemActor("ingest_email")
        worst, reason = 0, ""
        for name in files or ["-"]:
            code, message = self._one(name, actor)
            if code:
                self.stderr.write(f"{name}: {message}")
            if code == EX_TEMPFAIL or (code and worst != EX_TEMPFAIL):
                worst, reason = code, message
        if worst:
            raise CommandError(reason, returncode=worst)

    def _one(self, name: str, actor: SystemActor) -> tuple[int, str]:
        try:
            if name == "-":
                raw = sys.stdin.buffer.read()
            else:
                with open(name, "rb") as handle:
                    raw = handle.read()
        except OSError as exc:
            return EX_NOINPUT, f"cannot read the message: {exc.strerror or exc}"
        try:
            inbound = inbound_email_process(raw=raw, source=InboundEmailSource.MTA, actor=actor)
        except EmptyMessageError:
            return EX_DATAERR, "empty message: nothing to take"
        except TEMPORARY_ERRORS as exc:
            return EX_TEMPFAIL, f"temporarily unavailable, try again later ({type(exc).__name__})"
        self.stdout.write(f"{inbound.status} {inbound.pk or '-'} {inbound.reason}".rstrip())
        return 0, ""
