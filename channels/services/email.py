"""The email channel: raw mail in, a case, a reply, a deliberate drop or a quarantine out.

Order of work, so that no message is ever lost and none is taken twice:

1. Keep the raw bytes (`InboundEmail.raw`, SHA-256) in a committed transaction of their own,
   keyed by `dedupe_key` (normalised Message-ID, else ``sha256:<hash>``). A second delivery of
   a message already processed is dropped: it creates nothing and sends nothing. A delivery of
   one that was stored but never processed (a crash in between) processes it now.
2. Process under a row lock: robots (RFC 3834 and friends) are dropped; a message without a
   usable, verified sender goes to quarantine; an authenticated reply of a participant joins
   its case (`intake_reply`; see `_thread_for`: a signed reply token, or our own MTA's
   DKIM/DMARC pass when trusted; In-Reply-To and subject references are only hints);
   anything else opens a new case (`intake_submit`). The raw message is stored as evidence of
   the case.

Database and storage errors propagate (the MTA pipe turns them into exit 75 so the mail server
retries); any other failure quarantines the message with its reason, for staff to look at.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.enums import Channel
from cases.lib.reply_tokens import references_from_reply_addresses
from cases.models import Case, EvidenceKind, Message, Notification
from cases.services.cases import normalize_email
from cases.services.evidence import evidence_add
from cases.services.intake import (
    IntakeReply,
    IntakeSubmission,
    intake_reply,
    intake_submit,
)
from cases.services.references import is_valid_reference
from channels.adapters.email import (
    EmailParseError,
    ParsedEmail,
    dedupe_key_for,
    parse_email,
    sha256_hex,
)
from channels.adapters.mail_auth import sender_authentication
from channels.models import ImapCursor, InboundEmail, InboundEmailSource, InboundEmailStatus
from complaints_site.common.actors import Actor
from complaints_site.common.exceptions import ApplicationError
from complaints_site.common.history import stamp

log = logging.getLogger(__name__)

_REFERENCE = re.compile(r"\b([A-Z]{1,8}-\d{4}-\d{4,12})\b", re.I)
# Errors that mean "try again later", never "this message is bad".
TEMPORARY_ERRORS = (OperationalError, InterfaceError, OSError)


class EmptyMessageError(ApplicationError):
    """Zero bytes (or only whitespace): there is no message to keep."""


def _store_raw(
    *, raw: bytes, source: str, parsed: ParsedEmail | None, actor: Actor
) -> tuple[InboundEmail, bool]:
    """Keep the bytes first. Returns (row, created); an existing key returns the stored row."""
    sha = sha256_hex(raw)
    key = dedupe_key_for(message_id=parsed.message_id if parsed else "", raw=raw)
    existing = InboundEmail.objects.filter(dedupe_key=key).first()
    if existing is not None:
        return existing, False
    inbound = InboundEmail(
        dedupe_key=key,
        rfc_message_id=(parsed.message_id if parsed else "")[:300],
        sha256=sha,
        size=len(raw),
        source=source,
        from_address=(parsed.from_address if parsed else "")[:320],
        from_verified=bool(parsed and parsed.from_verified),
        subject=(parsed.subject if parsed else "")[:300],
        notes=list(parsed.notes) if parsed else [],
    )
    inbound.raw.save(f"{sha}.eml", ContentFile(raw), save=False)
    try:
        with transaction.atomic():
            stamp(inbound, actor=actor, reason=f"Received ({source})")
            inbound.save()
    except IntegrityError:
        # The same message arrived twice at once: the other delivery owns it.
        return InboundEmail.objects.get(dedupe_key=key), False
    return inbound, True


def _finish(
    inbound: InboundEmail,
    *,
    actor: Actor,
    status: str,
    reason: str = "",
    case: Case | None = None,
    message: Message | None = None,
    notes: list[str] | None = None,
) -> InboundEmail:
    inbound.status = status
    inbound.reason = reason[:300]
    inbound.case = case
    inbound.case_message = message
    if notes:
        inbound.notes = list(dict.fromkeys([*inbound.notes, *notes]))
    inbound.processed_at = timezone.now()
    stamp(inbound, actor=actor, reason=f"Processed: {status}")
    inbound.save()
    return inbound


def _participants(case: Case) -> set[str]:
    """The addresses that speak for the case: the complainant's, and the linked portal user's."""
    found = {normalize_email(case.complainant_email)}
    if case.customer_id and case.customer.email:
        found.add(normalize_email(case.customer.email))
    return found - {""}


def _thread_hints(parsed: ParsedEmail) -> list[tuple[Case, str]]:
    """Cases this mail claims to continue, strongest claim first. Claims only, never proof:
    In-Reply-To/References to one of our Message-IDs, then a case reference in the subject
    (references are sequential, so anyone can write one)."""
    found: list[tuple[Case, str]] = []
    seen: set[int] = set()

    def add(cases, how: str) -> None:
        for case in cases:
            if case.pk not in seen:
                seen.add(case.pk)
                found.append((case, how))

    ids = [f"<{mid}>" for mid in parsed.thread_ids][:50]
    if ids:
        bare = [i.strip("<>") for i in ids]
        candidates = set(ids) | set(bare)
        case_ids = set(
            Message.objects.filter(email_message_id__in=candidates).values_list(
                "case_id", flat=True
            )
        ) | set(
            Notification.objects.filter(email_message_id__in=candidates).values_list(
                "case_id", flat=True
            )
        )
        add(
            Case.objects.filter(pk__in=case_ids).select_related("customer").order_by("-pk"),
            "in-reply-to",
        )
    subject_refs = [
        ref.upper() for ref in _REFERENCE.findall(parsed.subject) if is_valid_reference(ref)
    ]
    if subject_refs:
        add(
            Case.objects.filter(reference__in=subject_refs[:5]).select_related("customer"),
            "subject-reference",
        )
    return found


@dataclass(frozen=True)
class Thread:
    """Where a mail goes: `case` (None = a new case) and why, for the inbound row and staff."""

    case: Case | None
    how: str
    notes: tuple[str, ...] = ()


def _thread_for(parsed: ParsedEmail) -> Thread:
    """Which existing case, if any, this mail may join (RELIABILITY.md property 13).

    Only two things authenticate a reply, and in both the verified From must be a participant
    of the case: (a) a valid signed reply token in a recipient address (it names one case and
    cannot be forged), or (b) our own MTA's DKIM/DMARC pass for the From domain, when the
    deployment trusts its Authentication-Results (`channels.adapters.mail_auth`); then the
    thread hints (In-Reply-To/References, a subject reference) say which case. Anything else is
    a new case of the sender's own: a hint alone never attaches mail to a case, and so never
    resumes its clock.
    """
    notes: list[str] = []
    tokens = references_from_reply_addresses(parsed.recipients)
    token_cases = list(Case.objects.filter(reference__in=tokens[:5]).select_related("customer"))
    for case in token_cases:
        if parsed.from_address in _participants(case):
            return Thread(case, "reply-token")
    if token_cases:
        notes.append(
            "reply token of a case this sender is not a participant of, not joined: "
            + ", ".join(c.reference for c in token_cases)
        )
    hints = _thread_hints(parsed)
    if not hints:
        return Thread(None, "", tuple(notes))
    auth = sender_authentication(
        headers=parsed.authentication_results,
        from_address=parsed.from_address,
        from_verified=parsed.from_verified,
        authserv_id=settings.INBOUND_MAIL_AUTHSERV_ID,
        trusted=settings.INBOUND_MAIL_TRUST_AUTH_RESULTS,
    )
    if auth.authenticated:
        for case, how in hints:
            if parsed.from_address in _participants(case):
                return Thread(
                    case, f"{how}+{auth.method}", (f"sender authenticated: {auth.reason}",)
                )
        notes.append(
            "referenced case(s) of another sender not joined: "
            + ", ".join(c.reference for c, _how in hints)
        )
    else:
        notes.append(
            f"referenced case(s) not joined, sender not authenticated ({auth.reason}): "
            + ", ".join(c.reference for c, _how in hints)
        )
    return Thread(None, "", tuple(notes))


def _store_raw_evidence(
    *, inbound: InboundEmail, raw: bytes, case: Case, message: Message, sensitive: bool, actor
) -> None:
    evidence_add(
        case=case,
        actor=actor,
        name=f"email-{inbound.pk}.eml",
        content=raw,
        channel=Channel.EMAIL,
        kind=EvidenceKind.EMAIL,
        message=message,
        description=_("Original email as received"),
        # The raw mail still holds what redaction removed from the message text.
        is_sensitive=sensitive,
        content_type="message/rfc822",
    )


def _open_case(*, inbound: InboundEmail, parsed: ParsedEmail, raw: bytes, actor, notes):
    subject = parsed.subject or _("(no subject)")
    description = parsed.body.strip() or subject
    result = intake_submit(
        submission=IntakeSubmission(
            channel=Channel.EMAIL,
            subject=subject,
            description=description,
            email=parsed.from_address,
            category=parsed.category,
            locale=parsed.locale,
            attachments=parsed.attachments,
            source={"type": "email", "inbound_email": inbound.pk},
            email_message_id=f"<{parsed.message_id}>" if parsed.message_id else "",
        ),
        actor=actor,
    )
    _store_raw_evidence(
        inbound=inbound,
        raw=raw,
        case=result.case,
        message=result.message,
        sensitive=bool(result.redactions),
        actor=actor,
    )
    notes += [f"attachment refused: {r.name}: {r.reason}" for r in result.refused]
    return _finish(
        inbound,
        actor=actor,
        status=InboundEmailStatus.NEW_CASE,
        case=result.case,
        message=result.message,
        notes=notes,
    )


def _process(*, inbound: InboundEmail, raw: bytes, actor: Actor) -> InboundEmail:
    try:
        parsed = parse_email(raw)
    except EmailParseError as exc:
        return _finish(
            inbound, actor=actor, status=InboundEmailStatus.QUARANTINED, reason=f"unreadable: {exc}"
        )
    if parsed.automatic:
        return _finish(
            inbound,
            actor=actor,
            status=InboundEmailStatus.DROPPED,
            reason=f"automatic mail: {parsed.automatic}",
        )
    if not parsed.from_address:
        return _finish(
            inbound, actor=actor, status=InboundEmailStatus.QUARANTINED, reason="no usable sender"
        )
    if not parsed.from_verified:
        # A From header with defects or several addresses may be forged: a person decides.
        return _finish(
            inbound,
            actor=actor,
            status=InboundEmailStatus.QUARANTINED,
            reason="sender not verified (defects or several addresses in From)",
        )
    thread = _thread_for(parsed)
    notes: list[str] = list(thread.notes)
    case, how = thread.case, thread.how
    if case is not None:
        try:
            with transaction.atomic():
                result = intake_reply(
                    reply=IntakeReply(
                        case=case,
                        channel=Channel.EMAIL,
                        body=parsed.body,
                        attachments=parsed.attachments,
                        author=case.customer,
                        author_label=parsed.from_address if case.customer is None else "",
                        source={"type": "email", "inbound_email": inbound.pk, "matched_by": how},
                        email_message_id=f"<{parsed.message_id}>" if parsed.message_id else "",
                    ),
                    actor=actor,
                )
                _store_raw_evidence(
                    inbound=inbound,
                    raw=raw,
                    case=result.case,
                    message=result.message,
                    sensitive=bool(result.redactions),
                    actor=actor,
                )
        except ApplicationError as exc:
            # An empty reply or a case closed for good: open a new case rather than lose it.
            notes.append(f"reply to {case.reference} not possible: {exc.message}")
        else:
            notes += [f"attachment refused: {r.name}: {r.reason}" for r in result.refused]
            return _finish(
                inbound,
                actor=actor,
                status=InboundEmailStatus.REPLY,
                reason=f"matched by {how}",
                case=result.case,
                message=result.message,
                notes=notes,
            )
    try:
        with transaction.atomic():
            return _open_case(inbound=inbound, parsed=parsed, raw=raw, actor=actor, notes=notes)
    except ApplicationError as exc:
        return _finish(
            inbound,
            actor=actor,
            status=InboundEmailStatus.QUARANTINED,
            reason=f"could not open a case: {exc.message}",
            notes=notes,
        )


def inbound_email_process(*, raw: bytes, source: str, actor: Actor) -> InboundEmail:
    """Keep one raw message and act on it (see the module docstring for the rules).

    Returns the stored row with its outcome; for a duplicate delivery, an unsaved row with
    status `dropped` (nothing is created). Raises EmptyMessageError for empty input, and lets
    TEMPORARY_ERRORS (database or storage down) through: the message was then not taken and
    must be delivered again.
    """
    if not raw or not raw.strip():
        raise EmptyMessageError(_("The message is empty."))
    if source not in InboundEmailSource.values:
        raise ValueError(f"unknown source {source!r}")
    try:
        parsed = parse_email(raw)
    except EmailParseError:
        parsed = None
    except Exception:  # a parser crash must not lose the message
        log.exception("email parser failed; the message is kept and quarantined")
        parsed = None
    inbound, created = _store_raw(raw=raw, source=source, parsed=parsed, actor=actor)
    if not created and inbound.status != InboundEmailStatus.RECEIVED:
        return InboundEmail(
            dedupe_key=inbound.dedupe_key,
            sha256=inbound.sha256,
            size=len(raw),
            source=source,
            status=InboundEmailStatus.DROPPED,
            reason=f"duplicate of inbound email #{inbound.pk}",
        )
    try:
        with transaction.atomic():
            locked = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
            if locked.status != InboundEmailStatus.RECEIVED:
                return locked  # another delivery processed it while we waited for the lock
            return _process(inbound=locked, raw=raw, actor=actor)
    except TEMPORARY_ERRORS:
        raise
    except Exception as exc:  # keep the message visible to staff, never lost
        log.exception("processing inbound email %s failed; quarantined", inbound.pk)
        with transaction.atomic():
            locked = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
            return _finish(
                locked,
                actor=actor,
                status=InboundEmailStatus.QUARANTINED,
                reason=f"processing failed: {type(exc).__name__}",
            )


@transaction.atomic
def inbound_email_release(*, inbound: InboundEmail, actor: Actor) -> InboundEmail:
    """Staff release a quarantined message: it opens a new case from its sender.

    The release never joins an existing case (that needs a verified participant). Raises
    ConflictError-like ApplicationError when the message is not in quarantine or has no valid
    sender address.
    """
    locked = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
    if locked.status != InboundEmailStatus.QUARANTINED:
        raise ApplicationError(_("Only a quarantined message can be released."))
    with locked.raw.open("rb") as handle:
        raw = handle.read()
    try:
        parsed = parse_email(raw)
    except EmailParseError as exc:
        raise ApplicationError(_("This message cannot be read, so it cannot be released.")) from exc
    if not parsed.from_address:
        raise ApplicationError(_("This message has no valid sender address to reply to."))
    inbound_row = _open_case(inbound=locked, parsed=parsed, raw=raw, actor=actor, notes=[])
    inbound_row.status = InboundEmailStatus.RELEASED
    inbound_row.reason = f"released by {getattr(actor, 'pk', actor)}"[:300]
    stamp(inbound_row, actor=actor, reason="Released from quarantine to a new case")
    inbound_row.save()
    return inbound_row


# --- IMAP -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    user: str
    password: str
    mailbox: str
    ssl: bool

    @property
    def cursor_key(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.mailbox}"[:300]


def imap_settings_from_url(url: str) -> ImapSettings:
    """`imap://user:pass@host:143/INBOX` or `imaps://...` (default port 143 / 993, INBOX)."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise ValueError("IMAP_URL must look like imap[s]://user:password@host[:port]/MAILBOX")
    ssl = parts.scheme == "imaps"
    return ImapSettings(
        host=parts.hostname,
        port=parts.port or (993 if ssl else 143),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        mailbox=unquote(parts.path.lstrip("/")) or "INBOX",
        ssl=ssl,
    )


@dataclass
class ImapPollResult:
    fetched: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


def _cursor_advance(*, cursor_pk: int, uid: int) -> None:
    with transaction.atomic():
        cursor = ImapCursor.objects.select_for_update().get(pk=cursor_pk)
        if uid > cursor.last_uid:
            cursor.last_uid = uid
            cursor.save(update_fields=["last_uid", "updated_at"])


def _cursor_for(*, key: str, uidvalidity: int) -> ImapCursor:
    with transaction.atomic():
        cursor, _created = ImapCursor.objects.select_for_update().get_or_create(mailbox=key)
        if cursor.uidvalidity != uidvalidity:
            # A new UIDVALIDITY renumbers the mailbox: read it again; Message-IDs drop repeats.
            cursor.uidvalidity = uidvalidity
            cursor.last_uid = 0
            cursor.save()
        return cursor


def imap_poll(*, url: str, actor: Actor, limit: int | None = None) -> ImapPollResult:
    """Fetch every message above the cursor, keep and process each, then advance the cursor.

    The cursor moves after each message, so a crash re-fetches at most the message in flight,
    which the Message-ID dedupe then drops. Raises imaplib.IMAP4.error / OSError on connection
    or login problems, DatabaseError when the database is down.
    """
    conf = imap_settings_from_url(url)
    client_class = imaplib.IMAP4_SSL if conf.ssl else imaplib.IMAP4
    client = client_class(conf.host, conf.port, timeout=60)
    result = ImapPollResult()
    try:
        client.login(conf.user, conf.password)
        status, _data = client.select(f'"{conf.mailbox}"', readonly=True)
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot select mailbox {conf.mailbox!r}")
        uidvalidity = int((client.response("UIDVALIDITY")[1] or [b"0"])[0])
        cursor = _cursor_for(key=conf.cursor_key, uidvalidity=uidvalidity)
        _status, data = client.uid("SEARCH", None, f"UID {cursor.last_uid + 1}:*")
        # "n:*" always matches the highest UID, even one below n: filter.
        uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > cursor.last_uid)
        for uid in uids[:limit] if limit else uids:
            _status, fetched = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
            raw = next((item[1] for item in fetched if isinstance(item, tuple)), None)
            if raw:
                inbound = inbound_email_process(
                    raw=raw, source=InboundEmailSource.IMAP, actor=actor
                )
                result.outcomes[inbound.status] = result.outcomes.get(inbound.status, 0) + 1
            result.fetched += 1
            _cursor_advance(cursor_pk=cursor.pk, uid=uid)
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return result
