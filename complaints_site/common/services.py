"""Writes of the `common` app: sealing the audit chain and recording tombstones."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints_site.common import anchor
from complaints_site.common.actors import Actor, actor_label, actor_user
from complaints_site.common.audit import (
    GENESIS_HASH,
    audited_models,
    backdate_tolerance,
    row_columns,
    row_hash,
    seal_hash,
    time_field,
)
from complaints_site.common.exceptions import ApplicationError
from complaints_site.common.models import AuditSeal, Tombstone

# Any constant shared by all sealers; "AUDT" in ASCII.
SEAL_LOCK_KEY = 0x41554454
# A row whose id is below the table's floor is not looked at by the periodic sealer. The floor
# trails the sealed rows by this much, so a writer's transaction that allocated an id and
# committed later (up to this long) is still sealed; `full=True` (verify_audit_chain) looks at
# every row whatever its age.
SEAL_SETTLE = dt.timedelta(hours=1)

logger = logging.getLogger(__name__)


def _floor(*, table: str, settled_seq: int | None) -> int:
    if settled_seq is None:
        return 0
    row_id = (
        AuditSeal.objects.filter(table=table, seq__lte=settled_seq)
        .order_by("-seq")
        .values_list("row_id", flat=True)
        .first()
    )
    return row_id or 0


def _seal_chunk(*, model: type[models.Model], after: int, chunk_size: int) -> tuple[int, int]:
    """Seal up to `chunk_size` unsealed rows of `model` with id > `after`, in id order.
    Returns (rows sealed, last id sealed)."""
    table = model._meta.db_table
    columns = row_columns(model)
    pk_name = model._meta.pk.attname
    pk_index = columns.index(pk_name)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Held until this chunk commits: sealers take turns, writers never wait for it.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])
        sealed = AuditSeal.objects.filter(table=table, row_id=OuterRef(pk_name))
        rows = list(
            model._base_manager.filter(**{f"{pk_name}__gt": after})
            .exclude(Exists(sealed))
            .order_by(pk_name)
            .values_list(*columns)[:chunk_size]
        )
        if not rows:
            return 0, after
        _report_backdated(model=model, columns=columns, rows=rows, pk_index=pk_index)
        head = AuditSeal.objects.order_by("-seq").values_list("seq", "seal_hash").first()
        seq, prev = head or (0, GENESIS_HASH)
        now = timezone.now()
        seals = []
        for values in rows:
            seq += 1
            rid = values[pk_index]
            rhash = row_hash(columns, values)
            link = seal_hash(prev_hash=prev, seq=seq, table=table, row_id=rid, row_hash=rhash)
            seals.append(
                AuditSeal(
                    seq=seq,
                    table=table,
                    row_id=rid,
                    row_hash=rhash,
                    prev_hash=prev,
                    seal_hash=link,
                    sealed_at=now,
                )
            )
            prev = link
        AuditSeal.objects.bulk_create(seals)
        return len(seals), rows[-1][pk_index]


def _report_backdated(
    *, model: type[models.Model], columns: list[str], rows: list[tuple], pk_index: int
) -> None:
    """Log each row about to be sealed whose time is earlier than that of a lower id by more
    than the tolerance (see `backdated_rows_verify`, which fails verification on it). The row
    is sealed all the same: the forgery is then frozen as evidence."""
    field = time_field(model)
    if field is None:
        return
    index = columns.index(model._meta.get_field(field).attname)
    pk_name = columns[pk_index]
    high = (
        model._base_manager.filter(**{f"{pk_name}__lt": rows[0][pk_index]})
        .order_by(f"-{pk_name}")
        .values_list(field, flat=True)
        .first()
    )
    tolerance = backdate_tolerance()
    for values in rows:
        when = values[index]
        if high is not None and when + tolerance < high:
            logger.error(
                "back-dated row: table %s, row %s (%s %s is earlier than %s of a lower id)",
                model._meta.db_table,
                values[pk_index],
                field,
                when.isoformat(),
                high.isoformat(),
            )
        high = when if high is None else max(high, when)


def audit_seal_pending(*, full: bool = False, chunk_size: int = 2000) -> int:
    """Append a seal for every audited row not sealed yet; returns how many were sealed.

    Set-based and in id order per table, one transaction per chunk under a PostgreSQL advisory
    lock, so two sealers never interleave within the chain (on SQLite writes are serial anyway).
    Idempotent: a second run seals nothing new. Without `full`, rows below a table's floor (see
    SEAL_SETTLE) are skipped to keep the periodic run cheap; `full=True` looks at every row.
    """
    settled_seq = None
    if not full:
        settled_seq = (
            AuditSeal.objects.filter(sealed_at__lt=timezone.now() - SEAL_SETTLE)
            .order_by("-sealed_at", "-seq")
            .values_list("seq", flat=True)
            .first()
        )
    total = 0
    for model in audited_models():
        after = 0 if full else _floor(table=model._meta.db_table, settled_seq=settled_seq)
        while True:
            count, after = _seal_chunk(model=model, after=after, chunk_size=chunk_size)
            total += count
            if count < chunk_size:
                break
    return total


# The newest anchor this process wrote or read: checking the chain against it before writing
# the next costs one query, not a listing of the anchor storage.
_known_anchor: tuple[int, str] | None = None


def audit_seal_and_anchor(*, full: bool = False, chunk_size: int = 2000) -> int:
    """Seal pending rows, then write a signed anchor of the new head (when anything was
    sealed and anchoring is configured). Returns how many rows were sealed.

    Before anchoring, the chain must still hold the previous anchor's seal with its hash:
    otherwise someone rewrote the chain, and anchoring its new head would launder that. No
    anchor is written then (verification fails on the old one) and the break is logged.
    """

    global _known_anchor
    sealed = audit_seal_pending(full=full, chunk_size=chunk_size)
    if not sealed or not anchor.anchor_configured():
        return sealed
    if _known_anchor is None:
        try:
            latest = anchor.anchor_latest()
        except anchor.AnchorError as exc:
            logger.critical("audit anchor: %s; no new anchor written", exc)
            return sealed
        _known_anchor = (latest.seq, latest.seal_hash) if latest else None
    if _known_anchor is not None:
        broken = anchor.anchor_check(seq=_known_anchor[0], seal_hash=_known_anchor[1])
        if broken is not None:
            logger.critical("Audit chain broken: %s; no new anchor written", broken)
            return sealed
    head = AuditSeal.objects.order_by("-seq").values_list("seq", "seal_hash").first()
    if head is not None:
        written = anchor.anchor_write(seq=head[0], seal_hash=head[1])
        _known_anchor = (written.seq, written.seal_hash)
    return sealed


def forget_known_anchor() -> None:
    """Drop the process's memo of the newest anchor (tests; a changed anchor location)."""
    global _known_anchor
    _known_anchor = None


def tombstone_record(*, instance: models.Model, actor: Actor, reason: str) -> Tombstone:
    """Record that `instance` is being deleted, by whom and why. Every deletion path calls this
    in the same transaction as the delete, before it.

    Raises ApplicationError when no reason is given or the instance has no primary key.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("A deletion needs a reason."),
            extra={"errors": {"reason": [_("Give the reason for this deletion.")]}},
        )
    if instance.pk is None:
        raise ApplicationError(_("Only a saved record can be deleted."))
    return Tombstone.objects.create(
        model_label=instance._meta.label,
        object_pk=str(instance.pk),
        object_repr=str(instance)[:200],
        actor_label=actor_label(actor),
        actor=actor_user(actor),
        reason=reason,
    )
