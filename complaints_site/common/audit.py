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
import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pgtrigger
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from complaints_site.common.history import HistoryBase, is_append_only

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
    "seal removed", "unknown table"."""

    kind: str
    seq: int
    table: str
    row_id: int | None
    detail: str

    def __str__(self) -> str:
        return (
            f"{self.kind} at seal #{self.seq}: table {self.table}, row {self.row_id} "
            f"({self.detail})"
        )


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
    from complaints_site.common.models import AuditSeal

    after = 0
    while True:
        chunk = list(AuditSeal.objects.filter(seq__gt=after).order_by("seq")[:chunk_size])
        if not chunk:
            return
        yield chunk
        after = chunk[-1].seq


def audit_chain_verify(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the chain from the first seal and recompute every link and every row hash from the
    live row. Stops at the first break. Reads only; seal pending rows first
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
    return report(None)
