"""The one read model of what happened to a case, shared by every screen that shows it: the
staff history (field snapshots), the staff timeline on the case page, the auditor's timeline
and the customer's status steps in the portal.

A field change is a `FieldChange` with readable values (`readable`: choice names, the names of
people, teams and cases, looked up once per kind by `names_for`); a line of a timeline is a
`TimelineEntry`, whichever ledger it comes from. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Model

from cases.enums import TRANSITION_EVENT_PREFIX, CaseEventType, CaseState, ResponsibilityParty
from cases.models import Case, CaseEvent, Team

if TYPE_CHECKING:
    from cases.selectors.audit import AuditSource

# Names resolved for a diff: (related model, primary key) -> what a reader recognises.
Names = Mapping[tuple[type[Model], Any], str]


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class TimelineEntry:
    """One line of a timeline. `kind` groups lines for styling and filters: a history type
    ("+", "~", "-"), a ledger ("event", "check") or the first part of an event type
    ("case", "evidence", "consultation"). The auditor's lines carry their `source` table."""

    when: dt.datetime
    kind: str
    title: str
    actor: str = ""
    reason: str = ""
    detail: str = ""
    anchor: str = ""
    changes: list[FieldChange] = field(default_factory=list)
    source: AuditSource | None = None
    object_id: Any = None
    sort_id: int = 0


def names_for(wanted: Mapping[type[Model], Iterable[Any]]) -> dict[tuple[type[Model], Any], str]:
    """Readable names for the people, teams and cases a diff mentions: one query per kind that
    has any keys (other related models keep their ids)."""
    user_model = get_user_model()
    columns = {user_model: user_model.USERNAME_FIELD, Team: "name", Case: "reference"}
    merged: dict[type[Model], set] = {}
    for model, pks in wanted.items():
        if model in columns:
            merged.setdefault(model, set()).update(pks)
    names: dict[tuple[type[Model], Any], str] = {}
    for model, pks in merged.items():
        if not pks:
            continue
        for pk, name in model.objects.filter(pk__in=pks).values_list("pk", columns[model]):
            names[(model, pk)] = name
    return names


def readable(
    model_field: Any, value: Any, *, names: Names, unknown: str = "#{}", seconds: bool = False
) -> str:
    """A stored value as a reader sees it: empty for nothing, a related object's name (or
    `unknown` with its id), a choice's label; `seconds` writes times as UTC to the second."""
    if value in (None, ""):
        return ""
    if model_field.is_relation:
        return names.get((model_field.related_model, value), unknown.format(value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if seconds and isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def field_change(
    model_field: Any, old: Any, new: Any, *, names: Names, **style: Any
) -> FieldChange:
    return FieldChange(
        field=model_field.name,
        label=str(model_field.verbose_name),
        old=readable(model_field, old, names=names, **style),
        new=readable(model_field, new, names=names, **style),
    )


# --- the staff history of a case (its snapshots) ------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    record: Any
    changes: list[FieldChange]


def case_history_for_staff(*, case: Case) -> list[HistoryRow]:
    """The case's history, oldest first, each snapshot with readable field changes (labels,
    choice names, the names of related people and teams). Three queries however long."""
    records = list(
        case.history.select_related("history_user").order_by("history_date", "history_id")
    )
    diffs = []
    previous = None
    for record in records:
        diffs.append(record.diff_against(previous).changes if previous is not None else [])
        previous = record
    wanted: dict[type[Model], set] = {}
    for changes in diffs:
        for change in changes:
            model_field = Case._meta.get_field(change.field)
            if model_field.is_relation:
                wanted.setdefault(model_field.related_model, set()).update(
                    v for v in (change.old, change.new) if v
                )
    names = names_for(wanted)
    return [
        HistoryRow(
            record=record,
            changes=[
                # Unresolved ids and times as stored: how this page has always shown them.
                field_change(
                    Case._meta.get_field(change.field),
                    change.old,
                    change.new,
                    names=names,
                    unknown="{}",
                )
                for change in changes
            ],
        )
        for record, changes in zip(records, diffs, strict=True)
    ]


def record_history(*, instance: Model) -> list[tuple[Any, list[tuple[str, Any, Any]]]]:
    """Any tracked object's history, newest first, each record with its raw field changes
    (field, old, new) against the record before it. One query."""
    records = list(
        instance.history.select_related("history_user").order_by("history_id")  # type: ignore[attr-defined]
    )
    rows = []
    previous = None
    for record in records:
        changes = (
            [(c.field, c.old, c.new) for c in record.diff_against(previous).changes]
            if previous is not None
            else []
        )
        rows.append((record, changes))
        previous = record
    rows.reverse()
    return rows


# --- the staff timeline on the case page (its events) -------------------------------------


def event_title(kind: str) -> str:
    """The readable name of an event type (its `CaseEventType` label); the raw type for one the
    enum does not know (an event written by an older release)."""
    try:
        return str(CaseEventType(kind).label)
    except ValueError:
        return kind


_ANCHORS = {"message": "message-", "evidence": "evidence-", "consultation": "consultation-"}


def _staff_entry(
    event: dict[str, Any], states: dict[str, str], parties: dict[str, str]
) -> TimelineEntry:
    kind = event["type"]
    data = event["data"] or {}
    detail = event["reason"]
    if kind.startswith(TRANSITION_EVENT_PREFIX):
        title = event_title(kind)
        moved = f"{states.get(event['from_state'], '')} → {states.get(event['to_state'], '')}"
        extra = ""
        if data.get("responsibility"):
            cited = ", ".join(f"#{pk}" for pk in data.get("responsibility_evidence", []))
            extra = f" · {parties.get(data['responsibility'], data['responsibility'])} ({cited})"
        detail = f"{moved}{extra} · {detail}" if detail else f"{moved}{extra}"
    else:
        title = event_title(kind)
        if kind.startswith("consultation.") and data.get("team"):
            detail = f"{data['team']} · {detail}" if detail else data["team"]
    anchor = next(
        (prefix + str(data[key]) for key, prefix in _ANCHORS.items() if data.get(key)), ""
    )
    return TimelineEntry(
        when=event["created_at"],
        kind=kind.split(".", 1)[0],
        title=title,
        actor=event["actor_label"],
        reason=event["reason"],
        detail=detail,
        anchor=anchor,
    )


def case_timeline_for_staff(*, case: Case) -> list[TimelineEntry]:
    """Every event on the case, oldest first, titled for staff: one query however long the
    case is."""
    states = {k: str(v) for k, v in CaseState.choices}
    parties = {k: str(v) for k, v in ResponsibilityParty.choices}
    events = CaseEvent.objects.filter(case_id=case.pk).order_by("created_at", "id")
    return [
        _staff_entry(event, states, parties)
        for event in events.values(
            "type", "actor_label", "from_state", "to_state", "reason", "created_at", "data"
        )
    ]
