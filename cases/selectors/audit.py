"""Reads for the auditor: one case's whole timeline, a search over all history, an export.

Everything here reads the append-only records (simple-history tables, `CaseEvent`,
`RecusalCheck`); nothing writes. The sources are discovered from simple-history's registry,
so a tracked model added later appears in the timeline (if its history has a `case` column)
and in the search without a code change.

Recusal reaches these screens too (docs/recusal.md: everyone, auditors included): every read
takes the `reader` and leaves out the cases they are barred from, and every row of those cases,
with one exclusion subquery per table (`exclude_recused`), never a check per row.

Query budgets (tested): the timeline costs one query per source table plus at most three name
look-ups, however many rows the case has; a search page is one UNION ALL query (plus one to
resolve a username and one to resolve a case reference), and page N costs what page 1 costs
because it is keyset-paginated on (time, source, id); the export streams the same UNION ALL
through a server-side cursor in chunks of `EXPORT_CHUNK` rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import CharField, F, IntegerField, Model, QuerySet, TextField, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from simple_history.models import registered_models

from cases.models import Case, CaseEvent, CaseRecusal, RecusalCheck
from cases.selectors.history import FieldChange, TimelineEntry, field_change, names_for

TIMELINE_PAGE_SIZE = 500
SEARCH_PAGE_SIZE = 50
EXPORT_CHUNK = 2000

EVENT = "event"
CHECK = "check"


@dataclass(frozen=True)
class AuditSource:
    """One table the auditor reads, with the names of its columns in the common shape."""

    label: str  # "cases.case", "cases.caseevent"
    verbose_name: str
    model: type[Model]  # the history model, or the ledger model itself
    kind: str  # "history", EVENT or CHECK
    case_path: str | None  # the column holding the case id, None when not case-linked
    date_field: str
    id_field: str
    user_field: str
    actor_field: str


def _case_path(model: type[Model], depth: int = 2) -> str | None:
    """The lookup from a row of `model` to its case id: its own `case` column, else through a
    foreign key to a model that has one (an action through its offer, an execution attempt
    through its action and offer), at most `depth` hops."""
    names = {f.name: f for f in model._meta.fields}
    if "case" in names and names["case"].related_model is Case:
        return "case_id"
    if depth == 0:
        return None
    for field in model._meta.fields:
        related = field.related_model
        if not field.many_to_one or related is None or related is Case:
            continue
        if related._meta.label_lower.startswith("auth.") or related is model:
            continue
        inner = _case_path(related, depth - 1)
        if inner is not None:
            return f"{field.name}__{inner}"
    return None


def audit_sources() -> list[AuditSource]:
    """Every history table of a tracked model, then the two ledgers, in a stable order."""
    sources = []
    for model in sorted(registered_models.values(), key=lambda m: m._meta.label_lower):
        history = model.history.model  # type: ignore[attr-defined]
        case_path = "id" if model is Case else _case_path(model)
        sources.append(
            AuditSource(
                label=model._meta.label_lower,
                verbose_name=str(model._meta.verbose_name),
                model=history,
                kind="history",
                case_path=case_path,
                date_field="history_date",
                id_field="history_id",
                user_field="history_user_id",
                actor_field="history_actor",
            )
        )
    for ledger, kind, user_field in (
        (CaseEvent, EVENT, "actor_id"),
        (RecusalCheck, CHECK, "user_id"),
    ):
        sources.append(
            AuditSource(
                label=ledger._meta.label_lower,
                verbose_name=str(ledger._meta.verbose_name),
                model=ledger,
                kind=kind,
                case_path="case_id",
                date_field="created_at",
                id_field="id",
                user_field=user_field,
                actor_field="actor_label",
            )
        )
    return sources


def recused_case_ids(*, user: Any) -> QuerySet:
    """The ids of the cases `user` is barred from (recusals in force), as a subquery."""
    return CaseRecusal.objects.filter(user_id=user.pk, lifted_at__isnull=True).values("case_id")


def exclude_recused(queryset: QuerySet, *, user: Any, case_path: str | None) -> QuerySet:
    """`queryset` without the rows of cases `user` is barred from: one `NOT IN (subquery)` on
    the column `case_path` holds the case id in (rows without a case stay)."""
    if case_path is None:
        return queryset
    return queryset.exclude(**{f"{case_path}__in": recused_case_ids(user=user)})


def case_column(model: type[Model]) -> str | None:
    """The column of `model` (a history model or a ledger) that holds the case id, or None."""
    if getattr(model, "instance_type", None) is Case:
        return "id"
    names = {f.name for f in model._meta.fields}
    return "case_id" if "case" in names else None


def case_get_for_auditor(*, user: Any, pk: Any) -> Case | None:
    """A case for the auditor's screens: any case but those the reader is barred from."""
    qs = Case.objects.filter(pk=pk).only("pk", "reference", "subject")
    return exclude_recused(qs, user=user, case_path="pk").first()


def audit_source_choices() -> list[tuple[str, str]]:
    return [(s.label, s.verbose_name) for s in audit_sources()]


# --- the case timeline --------------------------------------------------------------------


def _tracked(history: type[Model]) -> list[Any]:
    return list(history.tracked_fields)  # type: ignore[attr-defined]


def _history_entries(source: AuditSource, case: Case) -> tuple[list[TimelineEntry], dict]:
    """One query: every row of the source's objects linked to the case, object by object in
    time order, so each row's diff is against the row before it of the same object."""
    history = source.model
    fields = _tracked(history)
    pk_name = history.instance_type._meta.pk.attname  # type: ignore[attr-defined]
    columns = [f.attname for f in fields]
    meta = ["history_id", "history_date", "history_type", "history_actor", "history_change_reason"]
    rows = (
        history.objects.filter(**{source.case_path: case.pk})
        .order_by(pk_name, "history_date", "history_id")
        .values(*dict.fromkeys(columns + meta))
    )
    entries = []
    wanted: dict[type[Model], set] = {}
    previous: dict[str, Any] | None = None
    for row in rows:
        if previous is not None and previous[pk_name] != row[pk_name]:
            previous = None
        changes = []
        for f in fields:
            old = previous[f.attname] if previous is not None else None
            new = row[f.attname]
            if old == new or (previous is None and new in (None, "", [], {})):
                continue
            if f.is_relation:
                wanted.setdefault(f.related_model, set()).update(v for v in (old, new) if v)
            changes.append((f, old, new))
        entries.append(
            TimelineEntry(
                when=row["history_date"],
                source=source,
                object_id=row[pk_name],
                kind=row["history_type"],
                title=f"{source.verbose_name} #{row[pk_name]}",
                actor=row["history_actor"],
                reason=row["history_change_reason"] or "",
                changes=changes,  # resolved into FieldChange once names are known
                sort_id=row["history_id"],
            )
        )
        previous = row
    return entries, wanted


def case_timeline_for_auditor(*, case: Case) -> list[TimelineEntry]:
    """Everything recorded about one case, oldest first: every history row of the case and of
    every object linked to it (discovered: any history table with a `case` column), every
    domain event and every recusal check, each history row with its field changes against the
    previous row of the same object (a creation lists the fields it set).

    Costs one query per source table plus at most three name look-ups, however long."""
    entries: list[TimelineEntry] = []
    wanted: dict[type[Model], set] = {}
    for source in audit_sources():
        if source.case_path is None or source.kind != "history":
            continue
        found, more = _history_entries(source, case)
        entries.extend(found)
        for model, pks in more.items():
            wanted.setdefault(model, set()).update(pks)
    names = names_for(wanted)
    for entry in entries:
        entry.changes = [
            field_change(f, old, new, names=names, seconds=True) for f, old, new in entry.changes
        ]
    sources = {s.label: s for s in audit_sources()}
    for event in CaseEvent.objects.filter(case_id=case.pk).values(
        "id", "type", "actor_label", "from_state", "to_state", "reason", "created_at", "data"
    ):
        moved = [FieldChange("state", str(_("status")), event["from_state"], event["to_state"])]
        entries.append(
            TimelineEntry(
                when=event["created_at"],
                source=sources["cases.caseevent"],
                object_id=event["id"],
                kind=EVENT,
                title=event["type"],
                actor=event["actor_label"],
                reason=event["reason"],
                changes=moved if event["from_state"] != event["to_state"] else [],
                sort_id=event["id"],
            )
        )
    for check in RecusalCheck.objects.filter(case_id=case.pk).values(
        "id", "act", "outcome", "rule", "actor_label", "created_at"
    ):
        entries.append(
            TimelineEntry(
                when=check["created_at"],
                source=sources["cases.recusalcheck"],
                object_id=check["id"],
                kind=CHECK,
                title=f"{check['act']}: {check['outcome']}",
                actor=check["actor_label"],
                reason=check["rule"],
                sort_id=check["id"],
            )
        )
    entries.sort(key=lambda e: (e.when, e.source.label, e.sort_id))
    return entries


# --- search and export over all history ---------------------------------------------------


@dataclass(frozen=True)
class HistoryFilters:
    person: str = ""  # a username, or an actor label such as "system:intake"
    date_from: dt.date | None = None  # UTC, inclusive
    date_to: dt.date | None = None  # UTC, inclusive
    model: str = ""  # an AuditSource label; empty for all
    case_reference: str = ""


@dataclass(frozen=True)
class Cursor:
    when: dt.datetime
    source: str
    id: int

    def encode(self) -> str:
        return f"{self.when.isoformat()}|{self.source}|{self.id}"

    @classmethod
    def decode(cls, raw: str) -> Cursor | None:
        try:
            when, source, pk = raw.split("|")
            parsed = dt.datetime.fromisoformat(when)
            return cls(when=parsed, source=source, id=int(pk))
        except (ValueError, TypeError):
            return None


@dataclass(frozen=True)
class SearchRow:
    when: dt.datetime
    source: str
    id: int
    kind: str
    actor: str
    reason: str
    object_id: Any
    case_id: int | None
    case_reference: str | None
    user_id: int | None

    COLUMNS = (
        "when",
        "source",
        "id",
        "kind",
        "actor",
        "reason",
        "object_id",
        "case_id",
        "case_reference",
        "user_id",
    )


@dataclass
class SearchPage:
    rows: list[SearchRow]
    next_cursor: Cursor | None


_EMPTY = object()


def _resolve(filters: HistoryFilters) -> tuple[int | None, str, Any]:
    """The user id and actor label to match, and the case id (None: any, _EMPTY: no such)."""
    user_id, label = None, ""
    if filters.person:
        if filters.person.startswith(("system:", "user:")):
            label = filters.person
        else:
            user_id = (
                get_user_model()
                .objects.filter(**{get_user_model().USERNAME_FIELD: filters.person})
                .values_list("pk", flat=True)
                .first()
            )
            if user_id is None:
                label = filters.person
    case_id: Any = None
    if filters.case_reference:
        case_id = (
            Case.objects.filter(reference=filters.case_reference)
            .values_list("pk", flat=True)
            .first()
        ) or _EMPTY
    return user_id, label, case_id


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def _branch(
    source: AuditSource,
    filters: HistoryFilters,
    *,
    reader: Any,
    user_id: int | None,
    label: str,
    case_id: Any,
    after: Cursor | None,
) -> QuerySet | None:
    """The source's rows matching the filters, in the common column shape, newest first."""
    if case_id is not None and source.case_path is None:
        return None
    qs = exclude_recused(source.model.objects.all(), user=reader, case_path=source.case_path)
    date, pk = source.date_field, source.id_field
    if case_id is not None:
        qs = qs.filter(**{source.case_path: case_id})
    if user_id is not None:
        qs = qs.filter(**{source.user_field: user_id})
    elif label:
        qs = qs.filter(**{source.actor_field: label})
    if filters.date_from:
        qs = qs.filter(**{f"{date}__gte": _start_of(filters.date_from)})
    if filters.date_to:
        qs = qs.filter(**{f"{date}__lt": _start_of(filters.date_to + dt.timedelta(days=1))})
    if after is not None:
        # The order is (time, source, id) descending; each branch gets the part of it that
        # only touches its own indexed (time, id), so a late page reads as few rows as page 1.
        if source.label < after.source:
            qs = qs.filter(**{f"{date}__lte": after.when})
        elif source.label > after.source:
            qs = qs.filter(**{f"{date}__lt": after.when})
        else:
            qs = qs.filter(**{f"{date}__lt": after.when}) | qs.filter(
                **{date: after.when, f"{pk}__lt": after.id}
            )
    if source.kind == "history":
        kind = F("history_type")
        reason = Cast("history_change_reason", TextField())
        object_id = F(source.model.instance_type._meta.pk.attname)  # type: ignore[attr-defined]
    elif source.kind == EVENT:
        kind, reason, object_id = Value(EVENT), F("reason"), F("id")
    else:
        kind, reason, object_id = Value(CHECK), F("rule"), F("id")
    if source.case_path is None:
        case_col, ref_col = Value(None, IntegerField()), Value(None, CharField())
    elif source.case_path == "id":
        case_col, ref_col = F("id"), F("reference")
    else:
        # `case_id`, or through the objects between (`offer__case_id`).
        through = source.case_path.removesuffix("_id")
        case_col, ref_col = F(source.case_path), F(f"{through}__reference")
    return (
        qs.annotate(
            a_when=F(date),
            a_source=Value(source.label, CharField()),
            a_id=F(pk),
            a_kind=Cast(kind, CharField()),
            a_actor=F(source.actor_field),
            a_reason=Cast(reason, TextField()),
            a_object=Cast(object_id, CharField()),
            a_case=Cast(case_col, IntegerField()),
            a_ref=Cast(ref_col, CharField()),
            a_user=Cast(F(source.user_field), IntegerField()),
        )
        .values_list(
            "a_when",
            "a_source",
            "a_id",
            "a_kind",
            "a_actor",
            "a_reason",
            "a_object",
            "a_case",
            "a_ref",
            "a_user",
        )
        .order_by(f"-{date}", f"-{pk}")
    )


def _union_sql(
    filters: HistoryFilters, *, reader: Any, after: Cursor | None, limit: int | None
) -> tuple[str, list[Any]] | None:
    user_id, label, case_id = _resolve(filters)
    if case_id is _EMPTY:
        return None
    parts, params = [], []
    for source in audit_sources():
        if filters.model and source.label != filters.model:
            continue
        qs = _branch(
            source,
            filters,
            reader=reader,
            user_id=user_id,
            label=label,
            case_id=case_id,
            after=after,
        )
        if qs is None:
            continue
        if limit is not None:
            qs = qs[:limit]
        sql, branch_params = qs.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS b{len(parts)}")  # noqa: S608 (compiled by the ORM)
        params.extend(branch_params)
    if not parts:
        return None
    sql = " UNION ALL ".join(parts)
    sql = f"SELECT * FROM ({sql}) AS u ORDER BY 1 DESC, 2 DESC, 3 DESC"  # noqa: S608
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return sql, params


def _as_row(raw: tuple) -> SearchRow:
    when = raw[0]
    if isinstance(when, str):  # SQLite hands raw datetimes back as text
        when = parse_datetime(when)
    if timezone.is_naive(when):
        when = timezone.make_aware(when, dt.UTC)
    return SearchRow(
        when, raw[1], int(raw[2]), raw[3], raw[4], raw[5] or "", raw[6], raw[7], raw[8], raw[9]
    )


def history_search(
    *,
    filters: HistoryFilters,
    reader: Any,
    after: Cursor | None = None,
    page_size: int = SEARCH_PAGE_SIZE,
) -> SearchPage:
    """One page of history rows matching the filters, newest first (time, source, id), after
    the keyset cursor, without the rows of cases the `reader` is barred from. One UNION ALL
    query over the selected tables, each branch limited to one page, plus the look-ups of a
    username and a case reference."""
    compiled = _union_sql(filters, reader=reader, after=after, limit=page_size + 1)
    if compiled is None:
        return SearchPage(rows=[], next_cursor=None)
    with connection.cursor() as cursor:
        cursor.execute(*compiled)
        rows = [_as_row(r) for r in cursor.fetchall()]
    more = len(rows) > page_size
    rows = rows[:page_size]
    last = rows[-1] if more else None
    return SearchPage(
        rows=rows,
        next_cursor=Cursor(last.when, last.source, last.id) if last else None,
    )


def history_export_rows(*, filters: HistoryFilters, reader: Any) -> Iterator[SearchRow]:
    """Every history row matching the filters, newest first, without the rows of cases the
    `reader` is barred from, read through a server-side cursor (PostgreSQL) `EXPORT_CHUNK`
    rows at a time, so memory stays flat however many."""
    compiled = _union_sql(filters, reader=reader, after=None, limit=None)
    if compiled is None:
        return
    connection.ensure_connection()
    with connection.chunked_cursor() as cursor:
        cursor.execute(*compiled)
        while chunk := cursor.fetchmany(EXPORT_CHUNK):
            for raw in chunk:
                yield _as_row(raw)
