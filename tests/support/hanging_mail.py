"""A mail backend for the real-worker tests: Django's file backend (TEST_EMAIL_FILE_PATH, one
file per connection, messages separated by a line of 79 dashes) that hangs on one message so
that the test can kill its worker at a known point of the send.

In a worker started with `MAIL_HANG_AT=<n>`, `MAIL_HANG_FLAG=<file>` and `MAIL_HANG_WHEN=before`
(or `after`), the n-th message this process sends writes its Message-ID into the flag file and
blocks: before anything is written (the mail server has accepted nothing) or after the message
is in the file (accepted, not yet recorded as sent). A process started without MAIL_HANG_AT
sends normally.
"""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend

_sent = itertools.count(1)
# Dashes between the messages of one file (django.core.mail.backends.console).
SEPARATOR = b"\n" + b"-" * 79 + b"\n"


class Backend(EmailBackend):
    def send_messages(self, email_messages):
        hang_at = int(os.environ.get("MAIL_HANG_AT", "0"))
        when = os.environ.get("MAIL_HANG_WHEN", "before")
        hanging = None
        for message in email_messages:
            if next(_sent) == hang_at:
                hanging = message
        if hanging is not None and when == "before":
            self._hang(hanging)
        sent = super().send_messages(email_messages)
        if hanging is not None:
            self._hang(hanging)
        return sent

    @staticmethod
    def _hang(message) -> None:
        Path(os.environ["MAIL_HANG_FLAG"]).write_text(message.extra_headers["Message-ID"])
        time.sleep(300)  # the test kills this process meanwhile


def message_ids(folder: Path) -> list[str]:
    """The Message-ID of every message the file backend wrote into `folder`, repeats kept."""
    import email

    found = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk.lstrip())["Message-ID"])
    return found
