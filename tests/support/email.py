"""Shared helpers of the email-channel tests: load a corpus file, fill its placeholders."""

from pathlib import Path

from cases.enums import Channel
from cases.lib.reply_tokens import reply_address
from cases.models import Notification, NotificationChannel
from cases.services.intake import IntakeSubmission, intake_submit
from channels.models import InboundEmailSource
from channels.services.email import inbound_email_process
from complaints_site.common.actors import SystemActor

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "email"
ACTOR = SystemActor("tests-email")


def raw_of(name: str, **fill: str) -> bytes:
    raw = (CORPUS / name).read_bytes()
    for key, value in fill.items():
        raw = raw.replace(f"{{{{{key}}}}}".encode(), value.encode())
    return raw


def take(raw: bytes, source: str = InboundEmailSource.MTA):
    return inbound_email_process(raw=raw, source=source, actor=ACTOR)


def open_email_case(email: str = "owner@example.com", subject: str = "Withdrawal stuck"):
    """A case opened by mail, with its acknowledgement queued (as in production)."""
    result = intake_submit(
        submission=IntakeSubmission(
            channel=Channel.EMAIL,
            subject=subject,
            description="My withdrawal has been pending for a week.",
            email=email,
        ),
        actor=ACTOR,
    )
    ack = Notification.objects.get(case=result.case, channel=NotificationChannel.EMAIL)
    return result.case, ack


def fill_for(case, ack) -> dict[str, str]:
    return {
        "COMPLAINANT": case.complainant_email,
        "COMPLAINANT_DOMAIN": case.complainant_email.rpartition("@")[2],
        "REFERENCE": case.reference,
        "TOKEN_ADDRESS": reply_address(case.reference),
        "NOTIFICATION_MESSAGE_ID": ack.email_message_id,
    }


ROOT_DIR = Path(__file__).resolve().parents[2]
