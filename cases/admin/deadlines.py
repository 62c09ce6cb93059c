"""Deadlines in the staff case screens: the "Next deadline" badge of the case list with its
filters (deadline, regulatory regime) and its sort by time to breach, and the "Deadlines" panel
of the case page (each clock, the regime's rules, the lifecycle steps and how long each took).

The list reads the case's indexed columns and two correlated subqueries
(`selectors.clocks.with_next_clock`), never a query per row; the panel costs two queries.
Times are shown in the active time zone and language of the staff member.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.enums import REGULATORY_CLOCKS, CaseState, ClockKind, LetterKind, Regime
from cases.lib.clock_words import date_words, duration_words, last_day, moment_words
from cases.models import Case, CaseClock, CaseStep
from cases.policies.regimes import REGIME_SUMMARY, jurisdiction_for, regulatory_deadlines
from cases.selectors.clocks import (
    DUE_SOON,
    NEXT_DUE_ORDER,
    NO_DEADLINE,
    OVERDUE,
    PAUSED,
    clocks_of_case,
    deadline_q,
    risk_horizon,
)

# What stopped a clock (CaseClock.met_by), in words.
MET_BY = {
    "reply": gettext_lazy("a reply to the customer"),
    "resolved": gettext_lazy("the resolution"),
    "final_response": gettext_lazy("the final response"),
    "offer_accepted": gettext_lazy("the customer accepting the offer"),
    "out_of_scope": gettext_lazy("the out-of-scope answer"),
    "withdrawn": gettext_lazy("the customer withdrawing the case"),
    "closed": gettext_lazy("closing the case"),
    "reopened": gettext_lazy("reopening (a new target started)"),
    "not_a_complaint": gettext_lazy("reclassifying the case as a query"),
    **{kind.value: kind.label for kind in LetterKind},
    # A regulatory letter that met the clock (cases.services.regulatory_letters).
    **{f"letter:{kind.value}": kind.label for kind in LetterKind},
}


# "Resolution" alone reads as the offer (its Chinese is the offer's word) next to the offers
# on the case page: the clock is named as a target.
CLOCK_NAMES = {ClockKind.RESOLUTION: gettext_lazy("Resolution target")}


def _kind_label(kind: str | None) -> str:
    try:
        clock = ClockKind(kind)
    except ValueError:
        return ""
    return str(CLOCK_NAMES.get(clock, clock.label))


def _state_label(state: str) -> str:
    try:
        return str(CaseState(state).label)
    except ValueError:
        return state


# --- the case list -------------------------------------------------------------------------------


class DeadlineFilter(admin.SimpleListFilter):
    """Overdue, due soon, paused, none: ranges on the indexed `next_due_at` (and `paused_at`)."""

    title = gettext_lazy("deadline")
    parameter_name = "deadline"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        hours = settings.SLA_RISK_HOURS
        return [
            (OVERDUE, _("Overdue")),
            (DUE_SOON, _("Due within %(n)s hours") % {"n": hours}),
            (PAUSED, _("Paused (waiting for the customer)")),
            (NO_DEADLINE, _("No running deadline")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Case]) -> QuerySet[Case]:
        value = self.value()
        if value not in (OVERDUE, DUE_SOON, PAUSED, NO_DEADLINE):
            return queryset
        return queryset.filter(deadline_q(value, now=timezone.now()))


def deadline_badge(case: Case, *, now: datetime) -> str:
    """The "Next deadline" cell: how long until (or since) the earliest running deadline, in
    red when it has passed, amber within SLA_RISK_HOURS or once its warning went out, plain
    otherwise; "Paused" while the service targets wait for the customer."""
    parts = []
    due = case.next_due_at
    if due is not None:
        kind = _kind_label(getattr(case, "next_clock_kind", None))
        title = _("Due %(when)s") % {"when": moment_words(due)}
        if due <= now:
            css, text = "cx-deadline-overdue", _("Overdue by %(time)s")
        elif due <= risk_horizon(now) or getattr(case, "next_clock_warned_at", None):
            css, text = "cx-deadline-soon", _("Due in %(time)s")
        else:
            css, text = "cx-deadline-later", _("Due in %(time)s")
        parts.append(
            format_html(
                '<span class="cx-deadline {}" title="{}">{}</span>',
                css,
                title,
                text % {"time": duration_words(due - now, parts=1)},
            )
        )
        if kind:
            parts.append(format_html('<span class="cx-deadline-kind">{}</span>', kind))
    if case.paused_at is not None:
        parts.append(
            format_html(
                '<span class="cx-deadline cx-deadline-paused" title="{}">{}</span>',
                _("Waiting for the customer since %(when)s")
                % {"when": moment_words(case.paused_at)},
                _("Paused"),
            )
        )
    if not parts:
        return format_html('<span class="cx-deadline-none">{}</span>', "—")
    return format_html(
        '<span class="cx-deadline-cell">{}</span>',
        format_html_join("", "{}", ((p,) for p in parts)),
    )


class CaseDeadlineAdminMixin:
    """Mixed into `CaseAdmin`: the "Deadline" and "regulatory regime" filters; the column is
    `next_deadline`, sorted by time to breach with cases without a deadline last."""

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        return [*super().get_list_filter(request), DeadlineFilter, "regime"]  # type: ignore[misc]

    @admin.display(description=gettext_lazy("Next deadline"), ordering=NEXT_DUE_ORDER)
    def next_deadline(self, obj: Case) -> str:
        return deadline_badge(obj, now=timezone.now())


# --- the case page -------------------------------------------------------------------------------


@dataclass
class ClockRow:
    name: str
    due: str
    status: str
    css: str
    regulatory: bool
    last_day: str = ""
    rule: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class StepRow:
    name: str
    entered: str
    left: str
    took: str
    current: bool
    missed: list[str] = field(default_factory=list)


def _clock_row(clock: CaseClock, *, now: datetime, rules: dict[str, str], zone: str) -> ClockRow:
    regulatory = clock.kind in REGULATORY_CLOCKS
    notes: list[str] = []
    if clock.met_at is not None:
        by = MET_BY.get(clock.met_by, "")
        status = (
            _("Met on %(when)s by %(by)s") % {"when": moment_words(clock.met_at), "by": by}
            if by
            else _("Met on %(when)s") % {"when": moment_words(clock.met_at)}
        )
        css = "met"
        if clock.met_at > clock.due_at:
            css = "met-late"
            notes.append(_("%(time)s late") % {"time": duration_words(clock.met_at - clock.due_at)})
    elif clock.paused_at is not None:
        status = _("Paused since %(when)s, waiting for the customer") % {
            "when": moment_words(clock.paused_at)
        }
        css = "paused"
    elif clock.due_at <= now:
        status = _("Overdue by %(time)s") % {"time": duration_words(now - clock.due_at)}
        css = "overdue"
    else:
        status = _("Due in %(time)s") % {"time": duration_words(clock.due_at - now)}
        css = "running"
    if clock.breached_at is not None:
        notes.insert(
            0,
            _("Missed on %(when)s during %(step)s")
            % {
                "when": moment_words(clock.breached_at),
                "step": _state_label(clock.breached_in) if clock.breached_in else "—",
            },
        )
        css = "missed" if clock.met_at is not None else "overdue"
    if clock.warned_at is not None and clock.breached_at is None and clock.met_at is None:
        notes.append(_("Warning sent %(when)s") % {"when": moment_words(clock.warned_at)})
    if clock.extended_to is not None:
        notes.append(
            _("The customer was told to expect the final response by %(day)s")
            % {"day": date_words(last_day(clock.extended_to, zone))}
        )
    return ClockRow(
        name=_kind_label(clock.kind) or clock.kind,
        due=moment_words(clock.due_at),
        status=status,
        css=css,
        regulatory=regulatory,
        last_day=date_words(last_day(clock.due_at, zone)) if regulatory else "",
        rule=rules.get(clock.kind, "") if regulatory else _("Service target set by the exchange"),
        notes=notes,
    )


def _step_rows(steps: list[CaseStep], clocks: list[CaseClock], *, now: datetime) -> list[StepRow]:
    rows = []
    for step in steps:
        end = step.left_at or now
        missed = [
            _kind_label(c.kind)
            for c in clocks
            if c.breached_at is not None
            and c.breached_in == step.state
            and step.entered_at <= c.breached_at <= end
        ]
        rows.append(
            StepRow(
                name=_state_label(step.state),
                entered=moment_words(step.entered_at),
                left=moment_words(step.left_at) if step.left_at else _("now"),
                took=duration_words(end - step.entered_at),
                current=step.left_at is None,
                missed=missed,
            )
        )
    return rows


def deadlines_context(*, request: HttpRequest, case: Case) -> dict[str, Any]:
    """The Deadlines panel of the case page: two queries (clocks, steps); the regime's rules
    are code (`cases.policies.regimes`)."""
    now = timezone.now()
    data = clocks_of_case(case=case)
    regime = case.regime or Regime.NONE
    jurisdiction = jurisdiction_for(case.jurisdiction)
    rules: dict[str, str] = {}
    if case.is_complaint and regime != Regime.NONE:
        rules = {
            d.kind: str(d.description)
            for d in regulatory_deadlines(
                jurisdiction=jurisdiction, received_at=case.received_at, category=case.category
            )
        }
    try:
        regime_label = str(Regime(regime).label)
    except ValueError:
        regime_label = regime
    return {
        "deadlines": {
            "clocks": [
                _clock_row(c, now=now, rules=rules, zone=jurisdiction.time_zone)
                for c in data.clocks
            ],
            "steps": _step_rows(data.steps, data.clocks, now=now),
            "regime": regime_label,
            "regime_applies": case.is_complaint and regime != Regime.NONE,
            "is_complaint": case.is_complaint,
            "jurisdiction": jurisdiction.code,
            "jurisdiction_zone": jurisdiction.time_zone,
            "milestones": [
                {"name": str(m.name), "rule": str(m.rule), "source": m.source}
                for m in REGIME_SUMMARY.get(regime, ())
            ],
            "time_zone": timezone.get_current_timezone_name(),
        }
    }
