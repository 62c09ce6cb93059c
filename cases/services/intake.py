"""The one door into cases: every channel (portal, API, email, chat, social) ends here.

A channel adapter parses its raw input into an `IntakeSubmission` (a new complaint) or an
`IntakeReply` (a message on an existing case) and calls `intake_submit` / `intake_reply`.
Both, in one transaction: redact secrets, classify (complaint or query), open the case or add
the message, store attachments as evidence, record the channel and the raw source, route the
case to its first team and queue the acknowledgement in the user's language (email after
commit, portal at once). An attachment that fails the checks is refused on its own and listed
in the acknowledgement; the rest of the submission is still taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import policies
from cases.enums import CaseEventType, CaseState, Category, Channel, Locale, Priority
from cases.lib.classification import classify_submission
from cases.lib.redaction import LABELS, redact_secrets
from cases.models import (
    Case,
    CustomerProfile,
    EvidenceKind,
    Message,
    MessageDirection,
    Team,
)
from cases.services.cases import CaseDraft, case_open
from cases.services.clocks import clocks_on_customer_message, clocks_regulatory_sync
from cases.services.events import case_event_record
from cases.services.evidence import evidence_add
from cases.services.lifecycle import case_transition
from cases.services.messages import message_record, message_write_staff
from cases.services.notifications import notification_queue
from cases.services.recusal import (
    recusal_bar_at_intake,
    staff_conflicted_with_accounts,
    staff_write,
)
from cases.services.routing import routing_pick_handler, routing_route_for
from complaints_site.common.actors import Actor, SystemActor
from complaints_site.common.exceptions import ApplicationError, ConflictError
from complaints_site.common.history import stamp

# Who resumes a case when the customer answers (their message is theirs; the state change is ours).
REPLY_ACTOR = SystemActor("intake:reply")

_FUNDS_AT_RISK = re.compile(
    r"stolen|hack|unauthori[sz]ed|drained|phish|compromised|被盗|盗号|盗走|黑客|钓鱼|未授权",
    re.I,
)


@dataclass(frozen=True)
class IncomingFile:
    name: str
    content: bytes


@dataclass(frozen=True)
class RefusedFile:
    name: str
    reason: str
    code: str


@dataclass(frozen=True)
class IntakeSubmission:
    """A new complaint or query, as any channel received it."""

    channel: str
    subject: str
    description: str
    email: str
    account_id: str = ""
    category: str = Category.OTHER
    locale: str = Locale.EN
    related_transactions: tuple[str, ...] = ()
    attachments: tuple[IncomingFile, ...] = ()
    # The portal user, when the channel knows them (portal, chat).
    customer: Any = None
    # Where it came from, e.g. {"type": "email", "inbound_email": 12}.
    source: dict[str, Any] = field(default_factory=dict)
    email_message_id: str = ""
    priority: str | None = None
    # The API service account that submitted it (it may then read the case back).
    intake_client: Any = None
    # When it was received, for cases imported from another system (default: now).
    received_at: datetime | None = None


@dataclass(frozen=True)
class IntakeReply:
    """A message from the complainant on an existing case."""

    case: Case
    channel: str
    body: str
    attachments: tuple[IncomingFile, ...] = ()
    author: Any = None
    author_label: str = ""
    source: dict[str, Any] = field(default_factory=dict)
    email_message_id: str = ""


@dataclass
class IntakeResult:
    case: Case
    message: Message
    created: bool
    refused: list[RefusedFile] = field(default_factory=list)
    redactions: tuple[str, ...] = ()
    evidence_ids: list[int] = field(default_factory=list)


def initial_priority(*, category: str, is_complaint: bool, text: str) -> str:
    """P1 when funds are at risk on account security; P2 for money stuck or accounts blocked."""
    if not is_complaint:
        return Priority.P4
    if category == Category.ACCOUNT_SECURITY:
        return Priority.P1 if _FUNDS_AT_RISK.search(text) else Priority.P2
    if category in (Category.DEPOSIT_WITHDRAWAL, Category.ACCOUNT_FREEZE_KYC, Category.P2P_DISPUTE):
        return Priority.P2
    return Priority.P3


def _customer_for(submission: IntakeSubmission) -> Any:
    if submission.customer is not None:
        return submission.customer
    if submission.account_id:
        profile = (
            CustomerProfile.objects.select_related("user")
            .filter(exchange_account_id=submission.account_id.strip(), user__is_active=True)
            .first()
        )
        if profile:
            return profile.user
    return None


def _store_attachments(
    *, case: Case, message: Message, files: tuple[IncomingFile, ...], channel: str, actor: Actor
) -> tuple[list[int], list[RefusedFile]]:
    kind = EvidenceKind.EMAIL_ATTACHMENT if channel == Channel.EMAIL else EvidenceKind.UPLOAD
    stored, refused = [], []
    for incoming in files:
        try:
            with transaction.atomic():
                evidence = evidence_add(
                    case=case,
                    actor=actor,
                    name=incoming.name,
                    content=incoming.content,
                    channel=channel,
                    kind=kind,
                    message=message,
                )
        except ApplicationError as exc:
            refused.append(
                RefusedFile(name=incoming.name[:200], reason=exc.message, code=exc.extra["code"])
            )
        else:
            stored.append(evidence.pk)
    return stored, refused


def _intake_route(submission: IntakeSubmission, *, conflicted: set[int]) -> tuple[Team | None, Any]:
    """The first team (by routing rule on category, language and channel; else the default
    team) and, when the rule auto-assigns, the least-loaded fitting handler in it (or None),
    never one of the `conflicted` staff. One query when a rule matches (two when none does),
    one more to pick a handler."""
    route = routing_route_for(
        category=submission.category, locale=submission.locale, channel=submission.channel
    )
    assignee = None
    if route.auto_assign and route.team is not None:
        assignee = routing_pick_handler(
            team=route.team,
            category=submission.category,
            locale=submission.locale,
            exclude=tuple(conflicted),
        )
    return route.team, assignee


@transaction.atomic
def intake_submit(*, submission: IntakeSubmission, actor: Actor) -> IntakeResult:
    """Register a new case from any channel and queue its acknowledgement.

    Raises ApplicationError (a message per field) on bad input; nothing is stored then.
    """
    subject = redact_secrets(submission.subject.strip())
    description = redact_secrets(submission.description)
    redactions = tuple(dict.fromkeys(subject.kinds + description.kinds))
    classification = classify_submission(
        subject=subject.text, description=description.text, category=submission.category
    )
    priority = submission.priority or initial_priority(
        category=submission.category,
        is_complaint=classification.is_complaint,
        text=f"{subject.text}\n{description.text}",
    )
    customer = _customer_for(submission)
    account_id = submission.account_id
    profile = getattr(customer, "customer_profile", None) if customer is not None else None
    if not account_id and profile is not None:
        account_id = profile.exchange_account_id
    # Staff whose own or declared account this is: never assigned, barred from the case.
    conflicted = staff_conflicted_with_accounts({(account_id or "").strip()})
    team, assignee = _intake_route(submission, conflicted=conflicted)
    case = case_open(
        draft=CaseDraft(
            category=submission.category,
            subject=subject.text[:200],
            description=description.text,
            complainant_account_id=account_id,
            complainant_email=submission.email,
            complainant_locale=submission.locale,
            channel=submission.channel,
            priority=priority,
            related_transactions=submission.related_transactions,
            customer=customer,
            is_complaint=classification.is_complaint,
            classification_note=classification.note,
            redactions=redactions,
            account_required=submission.channel not in (Channel.EMAIL, Channel.SOCIAL),
            intake_client=submission.intake_client,
            received_at=submission.received_at,
            jurisdiction=getattr(profile, "jurisdiction", ""),
            # Routed at birth: one insert with its team (and handler), not an insert and a
            # reassignment.
            team=team,
            assignee=assignee,
            event_data={
                "source": submission.source,
                "classification": classification.note,
                "redactions": list(redactions),
            },
        ),
        actor=actor,
    )
    if conflicted:
        recusal_bar_at_intake(case=case, user_ids=conflicted, actor=actor)
    message = message_record(
        case=case,
        actor=actor,
        created_at=case.received_at,
        body=description.text,
        channel=submission.channel,
        direction=MessageDirection.INBOUND,
        redactions=redactions,
        source=submission.source,
        email_message_id=submission.email_message_id,
        author=customer,
        author_label=submission.email if customer is None else "",
    )
    evidence_ids, refused = _store_attachments(
        case=case,
        message=message,
        files=submission.attachments,
        channel=submission.channel,
        actor=actor,
    )
    if refused:
        case_event_record(
            case=case,
            type=CaseEventType.INTAKE_ATTACHMENTS_REFUSED,
            actor=actor,
            data={"refused": [{"name": r.name, "code": r.code} for r in refused]},
        )
    notification_queue(
        case=case,
        kind="case.acknowledged",
        cause="intake",
        actor=actor,
        context={
            "redactions": list(redactions),
            "redaction_labels": [str(LABELS[k]) for k in redactions],
            "refused": [{"name": r.name, "reason": r.reason} for r in refused],
            "in_reply_to": submission.email_message_id,
        },
    )
    return IntakeResult(
        case=case,
        message=message,
        created=True,
        refused=refused,
        redactions=redactions,
        evidence_ids=evidence_ids,
    )


@transaction.atomic
def intake_reply(*, reply: IntakeReply, actor: Actor) -> IntakeResult:
    """Add the complainant's message (and its attachments) to an existing case.

    The caller has established that the sender is the case's complainant (portal owner,
    signed token or a participant's mail). Raises ApplicationError on an empty message,
    ConflictError on a case that is closed for good.
    """
    case = Case.objects.select_for_update().get(pk=reply.case.pk)
    body = redact_secrets(reply.body.strip())
    if not body.text and not reply.attachments:
        raise ApplicationError(
            _("The message is empty."),
            extra={"errors": {"body": [_("This field may not be blank.")]}},
        )
    if case.state in ("withdrawn", "out_of_scope"):
        raise ConflictError(_("This case is closed; please open a new complaint."))
    message = message_record(
        case=case,
        actor=actor,
        body=body.text,
        channel=reply.channel,
        direction=MessageDirection.INBOUND,
        redactions=body.kinds,
        source=reply.source,
        email_message_id=reply.email_message_id,
        author=reply.author,
        author_label=reply.author_label,
    )
    evidence_ids, refused = _store_attachments(
        case=case, message=message, files=reply.attachments, channel=reply.channel, actor=actor
    )
    case_event_record(
        case=case,
        type=CaseEventType.MESSAGE_RECEIVED,
        actor=actor,
        data={
            "message": message.pk,
            "channel": reply.channel,
            "redactions": list(body.kinds),
            "attachments": len(evidence_ids),
            "refused": [r.code for r in refused],
        },
    )
    if clocks_on_customer_message(case):
        stamp(case, actor=actor, reason="The customer wrote: a reply is owed")
        case.save()
    if case.state == CaseState.AWAITING_CUSTOMER:
        # The answer to a request for information: the case goes back to the step that asked
        # and its clocks run again.
        case = case_transition(
            case=case,
            transition="resume",
            actor=REPLY_ACTOR,
            reason="The customer answered the request for information.",
        )
    if refused:
        notification_queue(
            case=case,
            kind="case.attachments_refused",
            cause=f"message-{message.pk}",
            actor=actor,
            context={
                "refused": [{"name": r.name, "reason": r.reason} for r in refused],
                "in_reply_to": reply.email_message_id,
            },
        )
    return IntakeResult(
        case=case,
        message=message,
        created=False,
        refused=refused,
        redactions=body.kinds,
        evidence_ids=evidence_ids,
    )


@staff_write(
    "reply",
    may=lambda actor, case: policies.may_reach_case(actor, case, change=True),
    denied=gettext_lazy("You may read this case but not write to it."),
)
@transaction.atomic
def message_post_staff(*, case: Case, actor: Any, body: str, internal: bool = False) -> Message:
    """A staff reply to the customer (public, notified) or an internal note.

    A staff actor needs the case within reach to change it and passes the recusal check
    (`staff_write`): PermissionDeniedError otherwise, with nothing stored. The first public
    reply stops the first-response clock.
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    before = (locked.first_response_at, locked.next_due_at, locked.next_response_due_at)
    message = message_write_staff(case=locked, actor=actor, body=body, internal=internal)
    if before != (locked.first_response_at, locked.next_due_at, locked.next_response_due_at):
        first = before[0] is None and locked.first_response_at is not None
        stamp(locked, actor=actor, reason="First response" if first else "Reply to the customer")
        locked.save()
    return message


@staff_write(
    "complaint_flag",
    may=lambda actor, case: policies.may_run(actor, case, "cases.assess_case"),
    denied=gettext_lazy("You may not change the classification of this case."),
)
@transaction.atomic
def case_set_complaint_flag(*, case: Case, actor: Any, is_complaint: bool, reason: str) -> Case:
    """Staff correct the intake classification; the reason is recorded with the change.

    A staff actor needs ``cases.assess_case`` on the case and passes the recusal check."""
    if not (reason or "").strip():
        raise ApplicationError(
            _("A reason is required."), extra={"errors": {"reason": [_("Required.")]}}
        )
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.is_complaint == is_complaint:
        return locked
    locked.is_complaint = is_complaint
    # A complaint runs under the regulator's deadlines; a query does not.
    clocks_regulatory_sync(locked)
    locked.classification_note = f"set by staff: {reason.strip()}"[:300]
    stamp(locked, actor=actor, reason=reason.strip())
    locked.save()
    case_event_record(
        case=locked,
        type=CaseEventType.CLASSIFICATION_CHANGED,
        actor=actor,
        reason=reason.strip(),
        data={"is_complaint": [not is_complaint, is_complaint]},
    )
    return locked
