"""The case's correspondence rows: writing a message, and a staff message with its event and
its notification to the customer.

Below the lifecycle: asking the customer something is a transition whose effect writes a staff
message (`cases.services.transition_effects`). The staff reply as an act of its own
(`message_post_staff`, a staff write) and the customer's replies are in `cases.services.intake`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.enums import CaseEventType, Channel
from cases.lib.redaction import redact_secrets
from cases.models import Case, Message, MessageDirection
from cases.services.clocks import clocks_on_staff_reply
from cases.services.events import case_event_record
from cases.services.notifications import notification_queue
from complaints_site.common.actors import Actor, actor_label, actor_user
from complaints_site.common.exceptions import ApplicationError
from complaints_site.common.history import stamp


def message_record(
    *,
    case: Case,
    actor: Actor,
    body: str,
    channel: str,
    direction: str,
    redactions: tuple[str, ...],
    source: dict[str, Any],
    email_message_id: str = "",
    author: Any = None,
    author_label: str = "",
    created_at: datetime | None = None,
) -> Message:
    """Store one message of the case's correspondence (inbound, outbound or internal) with its
    history row; the caller records the event and queues any notification."""
    message = Message(
        created_at=created_at or timezone.now(),
        case=case,
        direction=direction,
        channel=channel,
        author=author if author is not None else actor_user(actor),
        author_label=author_label or actor_label(actor),
        body=body,
        redactions=list(redactions),
        source=source,
        email_message_id=email_message_id[:255],
    )
    stamp(message, actor=actor, reason=f"Message ({direction}, {channel})")
    message.save()
    return message


def message_write_staff(
    *,
    case: Case,
    actor: Any,
    body: str,
    internal: bool = False,
    kind: str = "case.message",
    event: CaseEventType | None = None,
) -> Message:
    """Write a staff message on `case` (already locked by the caller, inside its transaction).

    A public one queues notification `kind` and sets `case.first_response_at` on the instance if
    it was empty; the caller saves the case (so a transition that asks the customer something
    writes one history row). Raises ApplicationError on an empty body.
    """
    text = redact_secrets((body or "").strip())
    if not text.text:
        raise ApplicationError(
            _("The message is empty."),
            extra={"errors": {"body": [_("This field may not be blank.")]}},
        )
    message = message_record(
        case=case,
        actor=actor,
        body=text.text,
        channel=Channel.STAFF,
        direction=MessageDirection.INTERNAL if internal else MessageDirection.OUTBOUND,
        redactions=text.kinds,
        source={"type": "staff"},
    )
    case_event_record(
        case=case,
        type=event or (CaseEventType.NOTE_ADDED if internal else CaseEventType.MESSAGE_SENT),
        actor=actor,
        data={"message": message.pk},
    )
    if not internal:
        if case.first_response_at is None:
            case.first_response_at = timezone.now()
        clocks_on_staff_reply(case)
        notification_queue(
            case=case,
            kind=kind,
            cause=f"message-{message.pk}",
            actor=actor,
            context={"body": text.text[:4000]},
        )
    return message
