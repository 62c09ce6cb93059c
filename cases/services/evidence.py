"""Adding evidence to a case and opening it, with limits, hashes, a malware scan and a log of
every download.

Scanning (`cases.lib.scanning`, ClamAV): every file a user sends (uploads from the portal, the API
and staff, mail attachments) and the raw mail that carried them is scanned before it is stored.
- Infected upload or attachment: refused ("infected"), recorded as an `evidence.refused` event
  (signature, hash, channel; no name or content) and logged; nothing is stored.
- Scanner configured but unreachable: an upload is refused ("try again later"; 503 from the
  API). Mail is never lost: its attachments and raw mail are stored *held* (`pending`), not
  downloadable or shown, until `evidence_rescan_held` (beat) gets a verdict.
- Infected raw mail: kept as the record of what arrived, but held (`infected`) for ever.
- No scanner configured (`make run`): stored as `skipped`, with a logged warning.
"""

from __future__ import annotations

import hashlib
import logging
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import policies
from cases.enums import CaseEventType
from cases.lib.scanning import SKIPPED, ScannerUnavailable, scan_bytes
from cases.lib.uploads import check_upload, clean_filename, refuse
from cases.models import (
    Case,
    Evidence,
    EvidenceAnnotation,
    EvidenceKind,
    Message,
    Relevance,
    ScanStatus,
)
from cases.services.events import case_event_record
from cases.services.recusal import staff_write
from complaints_site.common.actors import Actor, SystemActor, actor_label, actor_user
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PayloadTooLargeError,
    PermissionDeniedError,
    ServiceUnavailableError,
)
from complaints_site.common.history import stamp

log = logging.getLogger(__name__)

# Files the user sent (as opposed to records we generate: raw mail, transcripts, snapshots).
USER_FILE_KINDS = (EvidenceKind.UPLOAD, EvidenceKind.EMAIL_ATTACHMENT)
# Scanned for malware: what users sent, and the raw mail (it holds the attachments' bytes).
SCANNED_KINDS = (*USER_FILE_KINDS, EvidenceKind.EMAIL)
# Mail cannot be asked again: held when the scanner is down, never refused for it.
MAIL_KINDS = (EvidenceKind.EMAIL_ATTACHMENT, EvidenceKind.EMAIL)
RESCAN_ACTOR = SystemActor("evidence-rescan")
RESCAN_BATCH = 200


def _check_case_limits(case: Case, size: int) -> None:
    totals = Evidence.objects.filter(case=case, kind__in=USER_FILE_KINDS).aggregate(
        count=Count("id"), size=Sum("size", filter=Q(kind__in=USER_FILE_KINDS))
    )
    if totals["count"] >= settings.EVIDENCE_MAX_FILES_PER_CASE:
        message = _("This case already has the most files allowed (%(n)s).") % {
            "n": settings.EVIDENCE_MAX_FILES_PER_CASE
        }
        raise PayloadTooLargeError(
            message, extra={"errors": {"file": [message]}, "code": "too_many_files"}
        )
    if (totals["size"] or 0) + size > settings.EVIDENCE_MAX_CASE_BYTES:
        message = _("The files of this case would exceed %(limit)s MB in total.") % {
            "limit": settings.EVIDENCE_MAX_CASE_BYTES // (1024 * 1024)
        }
        raise PayloadTooLargeError(
            message, extra={"errors": {"file": [message]}, "code": "case_quota"}
        )


def _scan(
    *, case: Case, actor: Actor, content: bytes, kind: str, channel: str, sha256: str
) -> tuple[str, str]:
    """The scan status (and signature) to store, or an ApplicationError refusing the file."""
    if kind not in SCANNED_KINDS:
        return ScanStatus.NONE, ""
    try:
        result = scan_bytes(content)
    except ScannerUnavailable:
        if kind in MAIL_KINDS:
            log.warning("evidence held unscanned (scanner down): case=%s kind=%s", case.pk, kind)
            return ScanStatus.PENDING, ""
        message = _(
            "The file could not be checked for viruses just now. Please try again in a few minutes."
        )
        raise ServiceUnavailableError(
            message, extra={"errors": {"file": [message]}, "code": "scan_unavailable"}
        ) from None
    if result.status == SKIPPED:
        return ScanStatus.SKIPPED, ""
    if not result.infected:
        return ScanStatus.CLEAN, ""
    log.warning(
        "malware in evidence: case=%s kind=%s channel=%s sha256=%s signature=%s",
        case.pk,
        kind,
        channel,
        sha256,
        result.signature,
    )
    if kind == EvidenceKind.EMAIL:
        return ScanStatus.INFECTED, result.signature
    # Recorded before refusing: it stays when no outer transaction rolls it back (portal, API);
    # intake, whose savepoint does roll it back, records the refusal with its code instead.
    case_event_record(
        case=case,
        type=CaseEventType.EVIDENCE_REFUSED,
        actor=actor,
        data={
            "code": "infected",
            "signature": result.signature,
            "sha256": sha256,
            "kind": kind,
            "channel": channel,
        },
    )
    raise refuse(_("The file contains a virus or other malware and was not accepted."), "infected")


@staff_write("evidence_add")
def evidence_add(
    *,
    case: Case,
    actor: Actor,
    name: str,
    content: bytes,
    channel: str,
    kind: str = EvidenceKind.UPLOAD,
    message: Message | None = None,
    description: str = "",
    is_sensitive: bool = False,
    content_type: str = "",
) -> Evidence:
    """Store one file as evidence of `case`.

    Files from users (uploads, mail attachments) are checked by content and name
    (`cases.lib.uploads`; a web page attached to a mail is kept as inert text) and count against
    the per-case limits; records we generate (raw mail, chat transcripts) are stored as given
    with `content_type`. Users' files and raw mail are scanned for malware first (see the
    module's docstring). The case row is locked so that two concurrent uploads cannot both slip
    under the limit. Raises ApplicationError (400; "infected" for malware),
    PayloadTooLargeError (413), ServiceUnavailableError (503: scanner down, uploads only).
    """
    if kind in USER_FILE_KINDS:
        checked = check_upload(
            name=name, content=content, neutralise_markup=kind == EvidenceKind.EMAIL_ATTACHMENT
        )
        stored, mime, extension = checked.content, checked.content_type, checked.extension
        original_sha256, original_name = checked.original_sha256, checked.original_name
    else:
        stored, mime = content, content_type or "application/octet-stream"
        original_name = clean_filename(name)
        extension = "." + original_name.rsplit(".", 1)[-1][:8] if "." in original_name else ""
        original_sha256 = hashlib.sha256(content).hexdigest()
    # The bytes as received are scanned (before re-encoding), outside the case lock: a scan of
    # a large file takes a while and must not hold up the case.
    scan_status, signature = _scan(
        case=case, actor=actor, content=content, kind=kind, channel=channel, sha256=original_sha256
    )
    with transaction.atomic():
        Case.objects.select_for_update().only("pk").get(pk=case.pk)
        if kind in USER_FILE_KINDS:
            _check_case_limits(case, len(stored))
        evidence = Evidence(
            case=case,
            message=message,
            kind=kind,
            channel=channel,
            original_name=original_name,
            extension=extension,
            content_type=mime,
            size=len(stored),
            sha256=hashlib.sha256(stored).hexdigest(),
            original_sha256=original_sha256,
            added_by=actor_user(actor),
            added_by_label=actor_label(actor),
            description=description[:300],
            is_sensitive=is_sensitive,
            scan_status=scan_status,
            scan_signature=signature,
        )
        evidence.file.save(original_name, ContentFile(stored), save=False)
        stamp(evidence, actor=actor, reason=f"Evidence added ({kind})")
        evidence.save()
        case_event_record(
            case=case,
            type=CaseEventType.EVIDENCE_ADDED,
            actor=actor,
            data={
                "evidence": evidence.pk,
                "kind": kind,
                "sha256": evidence.sha256,
                "scan": scan_status,
            },
        )
    return evidence


def evidence_rescan_held(*, limit: int = RESCAN_BATCH) -> dict[str, int]:
    """Scan the items held because the scanner was down; release the clean, mark the infected.

    Stops at the first "scanner still down" (the next run tries again). An item stays held
    while no scanner is configured: it is released only by a real verdict."""
    counts = {"clean": 0, "infected": 0, "waiting": 0}
    held = list(
        Evidence.objects.filter(scan_status=ScanStatus.PENDING)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in held:
        evidence = Evidence.objects.select_related("case").get(pk=pk)
        with evidence.file.open("rb") as handle:
            content = handle.read()
        try:
            result = scan_bytes(content)
        except ScannerUnavailable:
            counts["waiting"] = len(held) - counts["clean"] - counts["infected"]
            break
        if result.status == SKIPPED:
            counts["waiting"] += 1
            continue
        with transaction.atomic():
            locked = Evidence.objects.select_for_update().get(pk=pk)
            if locked.scan_status != ScanStatus.PENDING:
                continue
            locked.scan_status = ScanStatus.INFECTED if result.infected else ScanStatus.CLEAN
            locked.scan_signature = result.signature
            stamp(locked, actor=RESCAN_ACTOR, reason="Evidence scanned after being held")
            locked.save(update_fields=["scan_status", "scan_signature"])
            case_event_record(
                case=evidence.case,
                type=CaseEventType.EVIDENCE_SCANNED,
                actor=RESCAN_ACTOR,
                data={
                    "evidence": pk,
                    "scan": locked.scan_status,
                    "signature": result.signature,
                },
            )
        if result.infected:
            log.warning(
                "malware in held evidence: case=%s evidence=%s signature=%s",
                evidence.case_id,
                pk,
                result.signature,
            )
        counts["infected" if result.infected else "clean"] += 1
    return counts


def evidence_open(*, evidence: Evidence, actor: Actor, via: str) -> IO[bytes]:
    """Open the stored file for reading and log who opened it, when and through what.

    The caller has already checked that `actor` may see this evidence (selectors). Raises
    ConflictError (code "held") for an item held by the malware scan: it is never served."""
    if evidence.is_held:
        raise ConflictError(
            _("This file is held by the malware check and cannot be opened."),
            extra={"code": "held"},
        )
    case_event_record(
        case=evidence.case,
        type=CaseEventType.EVIDENCE_DOWNLOADED,
        actor=actor,
        data={"evidence": evidence.pk, "via": via, "sensitive": evidence.is_sensitive},
    )
    return evidence.file.open("rb")


@staff_write(
    "evidence_review",
    case_of=lambda kwargs: kwargs["evidence"].case,
    may=lambda actor, case: policies.may_run(actor, case, "cases.investigate_case"),
    denied=gettext_lazy("You may not review the evidence of this case."),
)
def evidence_review(
    *,
    evidence: Evidence,
    actor: Any,
    relevance: str | None = None,
    is_sensitive: bool | None = None,
    note: str = "",
) -> Evidence:
    """The handler's review of one item: relevance, sensitivity and a note (notes are added,
    never edited). What was received is never changed (database trigger).

    Raises PermissionDeniedError (the actor may not investigate the case; only someone allowed
    to see sensitive items may clear the flag), ApplicationError (unknown relevance, nothing to
    record).
    """
    case = evidence.case
    # Permission and recusal were checked by `staff_write` (recorded in its own transaction
    # even when it refuses).
    with transaction.atomic():
        locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
        changes: dict[str, Any] = {}
        if relevance is not None and relevance != locked.relevance:
            if relevance not in Relevance.values:
                raise ApplicationError(
                    _("Unknown relevance."), extra={"errors": {"relevance": [_("Not a choice.")]}}
                )
            changes["relevance"] = [locked.relevance, relevance]
            locked.relevance = relevance
        if is_sensitive is not None and is_sensitive != locked.is_sensitive:
            if not is_sensitive and not policies.may_view_sensitive(actor):
                raise PermissionDeniedError(
                    _("Only someone allowed to see sensitive evidence may clear the flag.")
                )
            changes["is_sensitive"] = [locked.is_sensitive, is_sensitive]
            locked.is_sensitive = is_sensitive
        text = (note or "").strip()
        if not changes and not text:
            raise ApplicationError(
                _("Nothing to record: choose a relevance or write a note."),
                extra={"errors": {"note": [_("Required.")]}},
            )
        if changes:
            stamp(locked, actor=actor, reason="Evidence reviewed")
            locked.save(update_fields=[f for f in ("relevance", "is_sensitive") if f in changes])
        annotation = None
        if text:
            annotation = EvidenceAnnotation.objects.create(
                evidence=locked,
                author=actor_user(actor),
                author_label=actor_label(actor),
                text=text,
            )
        case_event_record(
            case=case,
            type=CaseEventType.EVIDENCE_REVIEWED,
            actor=actor,
            data={
                "evidence": locked.pk,
                **changes,
                "note": annotation.pk if annotation else None,
            },
        )
        return locked


def evidence_view_log(*, evidence: Evidence, actor: Actor, via: str) -> None:
    """Record that `actor` looked at the item (a snapshot's table, a sensitive item's page)."""
    case_event_record(
        case=evidence.case,
        type=CaseEventType.EVIDENCE_VIEWED,
        actor=actor,
        data={"evidence": evidence.pk, "via": via, "sensitive": evidence.is_sensitive},
    )
