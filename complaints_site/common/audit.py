"""The audit hash chain: which tables are audited, how a row is hashed, and the verifier.

Every history table (any model whose base is `HistoryBase`, so tracked models added later are
picked up without a change here) and every registered append-only ledger (`CaseEvent`,
`ChatMessage`, `Tombstone`, and whatever an app adds with `register_audit_ledger`) is sealed
into one chain of `AuditSeal` rows by `audit_seal_pending` (services.py). This module only reads.

row_hash  = SHA-256 of the row's canonical JSON (every concrete column by attname, sorted keys,
            ISO-8601 UTC datetimes and durations, decimals and UUIDs as strings, bytes as hex)
seal_hash = SHA-256("prev_hash|seq|table|row_id|row_hash")
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pgtrigger
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import F, Max, Window
from django.db.models.expressions import RowRange

from complaints_site.common.history import HistoryBase, is_append_only
from complaints_site.common.models import AuditSeal

GENESIS_HASH = "0" * 64

# Ledgers sealed although they carry no append-only trigger of their own (none today: every
# model declared with `append_only_triggers` is found by its trigger). `register_audit_ledger`
# from an AppConfig.ready() adds one.
_LEDGERS: set[str] = set()
# The seal chain itself is append-only but is not sealed into itself.
_NOT_SEALED = {"common.AuditSeal"}


def register_audit_ledger(label: str) -> None:
    """Add a model ("app_label.ModelName") to the sealed tables."""
    _LEDGERS.add(label)


def append_only_models() -> set[type[models.Model]]:
    """Every model whose table carries the append-only trigger (`append_only_triggers`)."""
    return {model for model, trigger in pgtrigger.registered() if is_append_only(trigger)}


def audited_models() -> list[type[models.Model]]:
    """Every sealed model, in a stable order (by table name): every history table, every model
    with an append-only trigger (so a new ledger is sealed by the same declaration that makes it
    append-only), and any registered ledger.

    Raises ImproperlyConfigured for a model whose primary key is not an integer: seals store
    the row id as a bigint.
    """
    append_only = append_only_models()
    found: dict[str, type[models.Model]] = {}
    for model in apps.get_models():
        label = model._meta.label
        if label in _NOT_SEALED:
            continue
        if issubclass(model, HistoryBase) or model in append_only or label in _LEDGERS:
            if not isinstance(model._meta.pk, models.AutoField | models.BigIntegerField):
                raise ImproperlyConfigured(f"{label}: audited rows need an integer primary key")
            found[model._meta.db_table] = model
    return [found[table] for table in sorted(found)]


@functools.cache
def audited_model_set() -> frozenset[type[models.Model]]:
    """`audited_models()` as a set, computed once (the models do not change at run time)."""
    return frozenset(audited_models())


def row_columns(model: type[models.Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _canonical(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return f"P{value.days}DT{value.seconds}.{value.microseconds:06d}S"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def row_hash(columns: Sequence[str], values: Sequence[Any]) -> str:
    """SHA-256 of the row as read from the database (never of an in-memory instance: JSON and
    datetime values must be compared in the form the database gives back)."""
    payload = json.dumps(
        {name: _canonical(value) for name, value in zip(columns, values, strict=True)},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def seal_hash(*, prev_hash: str, seq: int, table: str, row_id: int, row_hash: str) -> str:
    return hashlib.sha256(f"{prev_hash}|{seq}|{table}|{row_id}|{row_hash}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """The first problem found. `kind` is one of: "row altered", "row removed", "seal altered",
    "seal removed", "unknown table" (found walking the seals: `seq` names the seal), "live row
    differs from its history", "live row removed" (live rows against their latest history
    row) and "back-dated row" (rows whose time goes back against their ids); the last three
    have no seal (`seq` is None)."""

    kind: str
    seq: int | None
    table: str
    row_id: int | None
    detail: str

    def __str__(self) -> str:
        where = f" at seal #{self.seq}" if self.seq is not None else ""
        return f"{self.kind}{where}: table {self.table}, row {self.row_id} ({self.detail})"


@dataclass(frozen=True)
class ChainReport:
    entries: int
    tables: int
    head_seq: int
    head_hash: str
    first_break: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


def _seal_chunks(chunk_size: int) -> Iterable[list[Any]]:
    """Seals in seq order, a chunk at a time (keyset pagination: bounded memory and one query
    per chunk, whatever the length of the chain)."""

    after = 0
    while True:
        chunk = list(AuditSeal.objects.filter(seq__gt=after).order_by("seq")[:chunk_size])
        if not chunk:
            return
        yield chunk
        after = chunk[-1].seq


def audit_chain_verify(*, chunk_size: int = 2000, live: bool = True) -> ChainReport:
    """Walk the chain from the first seal and recompute every link and every row hash from the
    live row; then (`live`) compare live tracked rows with their latest history and look for
    back-dated rows. Stops at the first break. Reads only; seal pending rows first
    (`audit_seal_pending(full=True)`) to cover everything written so far."""
    by_table = {model._meta.db_table: model for model in audited_models()}
    expected_seq, prev = 1, GENESIS_HASH
    tables: set[str] = set()
    entries = 0

    def report(first_break: ChainBreak | None) -> ChainReport:
        return ChainReport(entries, len(tables), expected_seq - 1, prev, first_break)

    for chunk in _seal_chunks(chunk_size):
        wanted: dict[str, list[int]] = {}
        for seal in chunk:
            wanted.setdefault(seal.table, []).append(seal.row_id)
        live: dict[tuple[str, int], str] = {}
        for table, ids in wanted.items():
            model = by_table.get(table)
            if model is None:
                continue
            columns = row_columns(model)
            pk_index = columns.index(model._meta.pk.attname)
            rows = model._base_manager.filter(pk__in=ids).values_list(*columns)
            for values in rows:
                live[(table, values[pk_index])] = row_hash(columns, values)

        for seal in chunk:
            if seal.seq != expected_seq:
                return report(
                    ChainBreak(
                        "seal removed",
                        expected_seq,
                        seal.table,
                        None,
                        f"seal #{expected_seq} is missing; the chain resumes at #{seal.seq}",
                    )
                )
            recomputed = seal_hash(
                prev_hash=seal.prev_hash,
                seq=seal.seq,
                table=seal.table,
                row_id=seal.row_id,
                row_hash=seal.row_hash,
            )
            if seal.prev_hash != prev or recomputed != seal.seal_hash:
                detail = (
                    "does not link to the seal before it"
                    if seal.prev_hash != prev
                    else "its hash does not match its content"
                )
                return report(ChainBreak("seal altered", seal.seq, seal.table, seal.row_id, detail))
            if seal.table not in by_table:
                return report(
                    ChainBreak(
                        "unknown table", seal.seq, seal.table, seal.row_id, "no audited model"
                    )
                )
            current = live.get((seal.table, seal.row_id))
            if current is None:
                return report(
                    ChainBreak("row removed", seal.seq, seal.table, seal.row_id, "row is gone")
                )
            if current != seal.row_hash:
                return report(
                    ChainBreak(
                        "row altered",
                        seal.seq,
                        seal.table,
                        seal.row_id,
                        "content differs from what was sealed",
                    )
                )
            tables.add(seal.table)
            entries += 1
            prev = seal.seal_hash
            expected_seq += 1
    if not live:
        return report(None)
    return report(live_rows_verify(chunk_size=chunk_size) or backdated_rows_verify())


# --- Live rows against their latest history ------------------------------------------------


def history_pairs() -> list[tuple[type[models.Model], type[models.Model]]]:
    """(tracked model, its history model) for every audited history table."""
    return [
        (model.instance_type, model)  # type: ignore[attr-defined]
        for model in audited_models()
        if issubclass(model, HistoryBase)
    ]


def tracked_columns(live: type[models.Model], history: type[models.Model]) -> list[str]:
    """The columns simple-history copies: the live model's concrete columns that its history
    model also has (excluded fields are absent there; history_* columns are absent here).
    The primary key comes first."""
    copied = {field.attname for field in history._meta.concrete_fields}
    pk = live._meta.pk.attname
    return [pk] + [
        f.attname for f in live._meta.concrete_fields if f.attname in copied and f.attname != pk
    ]


def _live_mismatch(
    live_values: tuple | None, latest: tuple | None, columns: Sequence[str]
) -> tuple[str, str] | None:
    """(kind, detail) when a live row does not match its latest history row, else None.
    `latest` is (history_type, *columns)."""
    if live_values is None:
        if latest is None or latest[0] == "-":
            return None
        return "live row removed", "the latest history row does not record a deletion"
    if latest is None:
        return "live row differs from its history", "no history row"
    if latest[0] == "-":
        return "live row differs from its history", "history records it as deleted"
    differ = [
        name
        for name, now, then in zip(columns, live_values, latest[1:], strict=True)
        if _canonical(now) != _canonical(then)
    ]
    if differ:
        return "live row differs from its history", "fields " + ", ".join(differ)
    return None


def _latest_history(history: type[models.Model], pk: str, columns: Sequence[str], **filters):
    """The latest history row of each live id matching `filters`, one query: the max history
    id per id (a grouped subquery, so each history row is read once), then those rows."""
    latest_ids = (
        history._base_manager.filter(**filters)
        .order_by()
        .values(pk)
        .annotate(latest=models.Max("history_id"))
        .values("latest")
    )
    return history._base_manager.filter(history_id__in=latest_ids).values_list(
        "history_type", *columns
    )


def live_rows_verify(*, chunk_size: int = 2000) -> ChainBreak | None:
    """Compare every live tracked row with its latest history row (the columns simple-history
    tracks), table by table in id order: keyset chunks, two queries per chunk. A raw UPDATE,
    INSERT or DELETE of a live row that bypassed history shows here. Returns the first
    mismatch, after re-reading that one row (a write that committed between the two reads of
    a chunk is not a mismatch)."""
    for live, history in history_pairs():
        columns = tracked_columns(live, history)
        pk = columns[0]
        after: Any = None
        while True:
            query = live._base_manager.order_by(pk)
            if after is not None:
                query = query.filter(**{f"{pk}__gt": after})
            rows = list(query.values_list(*columns)[:chunk_size])
            bounds = {} if after is None else {f"{pk}__gt": after}
            if len(rows) == chunk_size:
                bounds[f"{pk}__lte"] = rows[-1][0]
            latest = {row[1]: row for row in _latest_history(history, pk, columns, **bounds)}
            current = {row[0]: row for row in rows}
            for row_id in sorted(current.keys() | latest.keys()):
                found = _live_mismatch(current.get(row_id), latest.get(row_id), columns)
                if found and _still_mismatched(live, history, columns, row_id):
                    return ChainBreak(found[0], None, live._meta.db_table, row_id, found[1])
            if len(rows) < chunk_size:
                break
            after = rows[-1][0]
    return None


def _still_mismatched(live, history, columns, row_id) -> bool:
    pk = columns[0]
    for _attempt in range(3):
        now = live._base_manager.filter(**{pk: row_id}).values_list(*columns).first()
        latest = _latest_history(history, pk, columns, **{pk: row_id}).first()
        if _live_mismatch(now, latest, columns) is None:
            return False
    return True


# --- Back-dated rows ---------------------------------------------------------------------------

# The column that says when an audited row was written, where it is always "now" at insert.
# History rows: history_date. Ledgers: created_at unless named here. A message's created_at is
# the time the customer sent it (it may be earlier than its insert); its history row is checked.
_TIME_FIELDS: dict[str, str | None] = {"cases.Snapshot": "pulled_at", "cases.Message": None}


def time_field(model: type[models.Model]) -> str | None:
    if issubclass(model, HistoryBase):
        return "history_date"
    label = model._meta.label
    if label in _TIME_FIELDS:
        return _TIME_FIELDS[label]
    names = {f.name for f in model._meta.concrete_fields}
    return "created_at" if "created_at" in names else None


def backdate_tolerance() -> dt.timedelta:

    return dt.timedelta(seconds=getattr(settings, "AUDIT_BACKDATE_TOLERANCE", 300))


def backdated_rows_verify() -> ChainBreak | None:
    """Ids and times of an append-only table grow together: a row gets its id (a sequence) and
    its time at insert. A row whose time is earlier than the latest time of any lower id by
    more than AUDIT_BACKDATE_TOLERANCE was written with a time in the past. One query per
    table (a running max over the id order, evaluated in the database); returns the first."""

    tolerance = backdate_tolerance()
    for model in audited_models():
        field = time_field(model)
        if field is None:
            continue
        pk = model._meta.pk.attname
        running = Window(Max(field), order_by=F(pk).asc(), frame=RowRange(start=None, end=-1))
        offender = (
            model._base_manager.annotate(before=running)
            .filter(before__gt=F(field) + tolerance)
            .order_by(pk)
            .values_list(pk, field, "before")
            .first()
        )
        if offender is not None:
            row_id, when, before = offender
            return ChainBreak(
                "back-dated row",
                None,
                model._meta.db_table,
                row_id,
                f"{field} {_canonical(when)} is earlier than {_canonical(before)} of a lower id",
            )
    return None
