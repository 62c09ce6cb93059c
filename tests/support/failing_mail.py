"""A mail backend whose server is down, for delivery-retry tests."""

from django.core.mail.backends.base import BaseEmailBackend


class Backend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("smtp down")


class QuotingBackend(BaseEmailBackend):
    """A server that refuses the message and quotes all of it back in its error (as some do),
    for tests that no text of a mail leaks into logs or rows through an exception."""

    def send_messages(self, email_messages):
        import smtplib

        quoted = "\n".join(f"{m.subject}\n{m.body}" for m in email_messages)
        raise smtplib.SMTPDataError(554, f"5.7.1 rejected: {quoted}".encode())


class WorkerDied(BaseException):
    """Not an Exception: nothing in the service catches it, as nothing survives a SIGKILL."""


class DyingBackend(BaseEmailBackend):
    """The worker dies while it talks to the mail server (nothing accepted)."""

    def send_messages(self, email_messages):
        raise WorkerDied


# What `WitnessBackend` saw while it sent: (inside a transaction?, the row as stored).
SEEN: list[tuple[bool, tuple]] = []


class WitnessBackend(BaseEmailBackend):
    """Accepts the mail and notes whether a transaction was open and what the row of each
    message (by Message-ID) said at that moment."""

    def send_messages(self, email_messages):
        from django.db import connection

        from cases.models import Notification

        for message in email_messages:
            row = Notification.objects.filter(
                email_message_id=message.extra_headers["Message-ID"]
            ).values_list("status", "attempts", "next_attempt_at")[0]
            SEEN.append((connection.in_atomic_block, row))
        return len(email_messages)
