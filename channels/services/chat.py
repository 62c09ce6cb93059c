"""Live chat: a portal user talks to a support agent; the agent may turn the chat into a case.

Text is redacted (`cases.lib.redaction.redact_secrets`) before it is stored; messages are
append-only (a database trigger refuses updates and deletes on PostgreSQL), so the transcript
is the record. Every save of a `ChatSession` is stamped with its actor and reason.
A chat becomes a case only through `cases.services.intake.intake_submit` (channel ``chat``),
with the transcript stored as evidence.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.enums import Category, Channel, Locale
from cases.lib.redaction import redact_secrets
from cases.models import Case, EvidenceKind
from cases.services.evidence import evidence_add
from cases.services.intake import IntakeSubmission, intake_submit
from channels.models import ChatAgentPresence, ChatMessage, ChatSender, ChatSession, ChatStatus
from channels.policies import may_chat_as_agent
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from complaints_site.common.history import stamp

# An agent counts as online while their console has polled within this many seconds.
AGENT_ONLINE_SECONDS = 60
MAX_MESSAGE_CHARS = 4000
# A customer has at most this many chats open at once (a reload must not start another).
MAX_OPEN_CHATS = 1


def _require_agent(user: Any) -> None:
    if not may_chat_as_agent(user):
        raise PermissionDeniedError(_("Only support staff may answer chats."))


def _locked(session: ChatSession) -> ChatSession:
    return ChatSession.objects.select_for_update().get(pk=session.pk)


def _system_message(session: ChatSession, body: str) -> ChatMessage:
    return ChatMessage.objects.create(session=session, sender=ChatSender.SYSTEM, body=body)


# --- Writes -----------------------------------------------------------------------------------


@transaction.atomic
def chat_start(
    *, customer: Any, actor: Any, topic: str = "", locale: str = Locale.EN
) -> ChatSession:
    """Open a chat for `customer` waiting for an agent, or return their chat still open.

    The customer row is locked so two tabs starting at once get one chat.
    """
    get_user_model().objects.select_for_update().filter(pk=customer.pk).first()
    open_chat = (
        ChatSession.objects.filter(customer=customer)
        .exclude(status=ChatStatus.CLOSED)
        .order_by("-id")
        .first()
    )
    if open_chat is not None:
        return open_chat
    topic_text = redact_secrets(topic.strip()[:200]).text
    session = ChatSession(
        customer=customer,
        locale=locale if locale in Locale.values else Locale.EN,
        topic=topic_text[:200],
    )
    stamp(session, actor=actor, reason="Chat started")
    session.save()
    return session


@transaction.atomic
def chat_post(*, session: ChatSession, actor: Any, body: str) -> ChatMessage:
    """Append a message from the customer or from the chat's agent, redacted before storage.

    Raises ApplicationError on an empty or too long message, PermissionDeniedError when the
    actor is neither the customer nor the agent who took the chat, ConflictError on a closed
    chat.
    """
    session = _locked(session)
    if actor.pk == session.customer_id:
        sender = ChatSender.CUSTOMER
    elif session.agent_id is not None and actor.pk == session.agent_id:
        sender = ChatSender.AGENT
    else:
        raise PermissionDeniedError(_("You are not part of this chat."))
    text = (body or "").strip()
    if not text:
        raise ApplicationError(
            _("The message is empty."),
            extra={"errors": {"body": [_("This field may not be blank.")]}},
        )
    if len(text) > MAX_MESSAGE_CHARS:
        message = _("A chat message is at most %(n)s characters long.") % {"n": MAX_MESSAGE_CHARS}
        raise ApplicationError(message, extra={"errors": {"body": [message]}})
    if session.status == ChatStatus.CLOSED:
        raise ConflictError(_("This chat has ended."))
    redacted = redact_secrets(text)
    chat_message = ChatMessage.objects.create(
        session=session,
        sender=sender,
        author=actor,
        body=redacted.text,
        redactions=list(redacted.kinds),
    )
    # last_message_at is left out of the history (it changes with every message).
    session.last_message_at = chat_message.created_at
    session.save_without_historical_record(update_fields=["last_message_at"])
    return chat_message


@transaction.atomic
def chat_accept(*, session: ChatSession, actor: Any) -> ChatSession:
    """An agent takes a waiting chat. Raises ConflictError if another agent took it first."""
    _require_agent(actor)
    session = _locked(session)
    if session.status == ChatStatus.ACTIVE and session.agent_id == actor.pk:
        return session
    if session.status != ChatStatus.WAITING:
        raise ConflictError(_("Another agent has already taken this chat, or it has ended."))
    session.status = ChatStatus.ACTIVE
    session.agent = actor
    session.accepted_at = timezone.now()
    stamp(session, actor=actor, reason="Chat accepted")
    session.save()
    _system_message(session, _("An agent has joined the chat."))
    return session


@transaction.atomic
def chat_close(*, session: ChatSession, actor: Any) -> ChatSession:
    """The customer or the chat's agent ends the chat (idempotent)."""
    session = _locked(session)
    if actor.pk != session.customer_id and not (
        may_chat_as_agent(actor) and (session.agent_id in (None, actor.pk) or actor.is_superuser)
    ):
        raise PermissionDeniedError(_("You are not part of this chat."))
    if session.status == ChatStatus.CLOSED:
        return session
    session.status = ChatStatus.CLOSED
    session.closed_at = timezone.now()
    stamp(session, actor=actor, reason="Chat closed")
    session.save()
    _system_message(session, _("The chat has ended."))
    return session


def chat_transcript(*, session: ChatSession) -> str:
    """The chat as plain text, one line per message, times in UTC (redacted text only)."""
    lines = [
        f"Chat {session.pk}, customer account "
        f"{getattr(getattr(session.customer, 'customer_profile', None), 'exchange_account_id', '')}"
        f", started {session.created_at:%Y-%m-%d %H:%M:%S} UTC",
        "",
    ]
    for message in session.messages.order_by("id"):
        lines.append(f"[{message.created_at:%Y-%m-%d %H:%M:%S}] {message.sender}: {message.body}")
    return "\n".join(lines) + "\n"


@transaction.atomic
def chat_convert_to_case(
    *,
    session: ChatSession,
    actor: Any,
    category: str = Category.OTHER,
    subject: str = "",
) -> Case:
    """Open a case (channel ``chat``) for the chat's customer from the conversation, store the
    transcript as evidence, link the chat to the case and end the chat.

    Only the agent of the chat (or a superuser) may do it, once: a chat already converted
    returns its case. Raises PermissionDeniedError, ApplicationError (intake's validation).
    """
    _require_agent(actor)
    session = _locked(session)
    if session.case_id is not None:
        return Case.objects.get(pk=session.case_id)
    if session.agent_id != actor.pk and not actor.is_superuser:
        raise PermissionDeniedError(_("Take the chat before turning it into a case."))
    customer = (
        get_user_model().objects.select_related("customer_profile").get(pk=session.customer_id)
    )
    customer_lines = list(
        session.messages.filter(sender=ChatSender.CUSTOMER)
        .order_by("id")
        .values_list("body", flat=True)
    )
    description = "\n".join(customer_lines).strip() or session.topic or _("(chat without text)")
    subject = (subject or session.topic or description.splitlines()[0]).strip()[:200]
    result = intake_submit(
        submission=IntakeSubmission(
            channel=Channel.CHAT,
            subject=subject,
            description=description,
            email=customer.email,
            category=category,
            locale=session.locale,
            customer=customer,
            source={"type": "chat", "chat": session.pk},
        ),
        actor=actor,
    )
    evidence_add(
        case=result.case,
        actor=actor,
        name=f"chat-{session.pk}-transcript.txt",
        content=chat_transcript(session=session).encode("utf-8"),
        channel=Channel.CHAT,
        kind=EvidenceKind.CHAT_TRANSCRIPT,
        content_type="text/plain; charset=utf-8",
        description=_("Live chat transcript"),
    )
    session.case = result.case
    if session.status != ChatStatus.CLOSED:
        session.status = ChatStatus.CLOSED
        session.closed_at = timezone.now()
    stamp(session, actor=actor, reason=f"Converted to case {result.case.reference}")
    session.save()
    _system_message(
        session,
        _("This conversation is now case %(reference)s. You can follow it in the portal.")
        % {"reference": result.case.reference},
    )
    return result.case


def chat_agent_seen(*, actor: Any) -> None:
    """The agent's console is open: refresh their presence heartbeat (not audited)."""
    _require_agent(actor)
    ChatAgentPresence.objects.update_or_create(
        agent=actor, defaults={"last_seen_at": timezone.now()}
    )


# --- Reads (selectors) ------------------------------------------------------------------------


def chat_agents_online() -> bool:
    since = timezone.now() - timedelta(seconds=AGENT_ONLINE_SECONDS)
    return ChatAgentPresence.objects.filter(
        last_seen_at__gte=since, agent__is_active=True, agent__is_staff=True
    ).exists()


def chat_get_for_customer(*, user: Any, pk: Any) -> ChatSession | None:
    if not (user and user.is_authenticated and user.is_active):
        return None
    return ChatSession.objects.filter(pk=pk, customer=user).select_related("case").first()


def chat_open_for_customer(*, user: Any) -> ChatSession | None:
    return (
        ChatSession.objects.filter(customer=user)
        .exclude(status=ChatStatus.CLOSED)
        .order_by("-id")
        .first()
    )


def chat_list_for_agent(*, user: Any) -> QuerySet[ChatSession]:
    """Waiting chats (anyone may take them) and the agent's own active ones."""
    if not may_chat_as_agent(user):
        return ChatSession.objects.none()
    return (
        ChatSession.objects.filter(
            Q(status=ChatStatus.WAITING) | Q(status=ChatStatus.ACTIVE, agent=user)
        )
        .select_related("customer", "customer__customer_profile", "agent")
        .order_by("created_at", "id")
    )


def chat_get_for_agent(*, user: Any, pk: Any) -> ChatSession | None:
    """A chat the agent may see: waiting, theirs, or any for superusers."""
    if not may_chat_as_agent(user):
        return None
    qs = ChatSession.objects.select_related("customer", "customer__customer_profile", "case")
    if not user.is_superuser:
        qs = qs.filter(Q(status=ChatStatus.WAITING) | Q(agent=user))
    return qs.filter(pk=pk).first()


def chat_messages_after(*, session: ChatSession, after: int = 0, limit: int = 200) -> list[dict]:
    """Messages of the chat with an id above `after`, as plain data for the JSON poll."""
    rows = (
        ChatMessage.objects.filter(session=session, id__gt=after)
        .order_by("id")
        .values("id", "sender", "body", "created_at")[:limit]
    )
    return [
        {
            "id": row["id"],
            "sender": row["sender"],
            "body": row["body"],
            "at": row["created_at"].isoformat(),
        }
        for row in rows
    ]
