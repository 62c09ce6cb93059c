"""Adding evidence to a case and opening it, with limits, hashes and a log of every download."""

from __future__ import annotations

import hashlib
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import policies
from cases.models import Case, Evidence, EvidenceAnnotation, EvidenceKind, Message, Relevance
from cases.services.events import case_event_record
from cases.services.recusal import staff_write
from cases.uploads import check_upload, clean_filename
from complaints_site.common.actors import Actor, actor_label, actor_user
from complaints_site.common.exceptions import (
    ApplicationError,
    PayloadTooLargeError,
    PermissionDeniedError,
)
from complaints_site.common.history import stamp

# Files the user sent (as opposed to records we generate: raw mail, transcripts, snapshots).
USER_FILE_KINDS = (EvidenceKind.UPLOAD, EvidenceKind.EMAIL_ATTACHMENT)


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


@staff_write("evidence_add")
@transaction.atomic
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

    Files from users (uploads, mail attachments) are checked by content (`cases.uploads`) and
    count against the per-case limits; records we generate (raw mail, chat transcripts) are
    stored as given with `content_type`. The case row is locked so that two concurrent uploads
    cannot both slip under the limit. Raises ApplicationError / PayloadTooLargeError (413).
    """
    Case.objects.select_for_update().only("pk").get(pk=case.pk)
    if kind in USER_FILE_KINDS:
        checked = check_upload(name=name, content=content)
        _check_case_limits(case, len(checked.content))
        stored, mime, extension = checked.content, checked.content_type, checked.extension
        original_sha256, original_name = checked.original_sha256, checked.original_name
    else:
        stored, mime = content, content_type or "application/octet-stream"
        original_name = clean_filename(name)
        extension = "." + original_name.rsplit(".", 1)[-1][:8] if "." in original_name else ""
        original_sha256 = hashlib.sha256(content).hexdigest()
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
    )
    evidence.file.save(original_name, ContentFile(stored), save=False)
    stamp(evidence, actor=actor, reason=f"Evidence added ({kind})")
    evidence.save()
    case_event_record(
        case=case,
        type="evidence.added",
        actor=actor,
        data={"evidence": evidence.pk, "kind": kind, "sha256": evidence.sha256},
    )
    return evidence


def evidence_open(*, evidence: Evidence, actor: Actor, via: str) -> IO[bytes]:
    """Open the stored file for reading and log who opened it, when and through what.

    The caller has already checked that `actor` may see this evidence (selectors)."""
    case_event_record(
        case=evidence.case,
        type="evidence.downloaded",
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
            type="evidence.reviewed",
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
        type="evidence.viewed",
        actor=actor,
        data={"evidence": evidence.pk, "via": via, "sensitive": evidence.is_sensitive},
    )
