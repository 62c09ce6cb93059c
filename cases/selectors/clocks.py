"""Reads of the clocks: what the staff case list filters and sorts by, the clocks and lifecycle
steps of one case, and the service-target configuration.

The list reads the case's own columns (`next_due_at`, `paused_at`, `regime`; each indexed), so
a filter or a sort by time to breach is an index range, and the badge of each row comes from
two correlated subqueries on the clock table's (case, kind) index: no query per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import OrderBy

from cases.models import BusinessHours, Case, CaseClock, CaseStep, SlaPolicy, Team
from cases.selectors.history import record_history

# The values of the case list's "Deadline" filter.
OVERDUE, DUE_SOON, PAUSED, NO_DEADLINE = "overdue", "soon", "paused", "none"
DEADLINE_FILTERS = (OVERDUE, DUE_SOON, PAUSED, NO_DEADLINE)


class NullsLast(F):
    """A column sorted with its empty values last in either direction. (The admin reverses an
    `OrderBy` for a descending sort, nulls included, which would put them first.)"""

    def asc(self, **kwargs: object) -> OrderBy:
        return OrderBy(self, nulls_last=True)

    def desc(self, **kwargs: object) -> OrderBy:
        return OrderBy(self, descending=True, nulls_last=True)


# Time to breach, soonest first; cases without a running deadline last, whichever direction.
NEXT_DUE_ORDER = NullsLast("next_due_at")


def risk_horizon(now: datetime) -> datetime:
    """Until when a deadline counts as "due soon" (SLA_RISK_HOURS, like the queue page)."""
    return now + timedelta(hours=settings.SLA_RISK_HOURS)


def deadline_q(value: str, *, now: datetime) -> Q:
    """The cases of one "Deadline" filter choice. Raises ValueError for an unknown choice.

    - overdue: the earliest running deadline has passed;
    - soon: it falls within SLA_RISK_HOURS from now;
    - paused: the service targets wait for the customer (the regulator's may still run);
    - none: no running deadline and nothing paused (finished, or never had a clock).
    """
    if value == OVERDUE:
        return Q(next_due_at__lte=now)
    if value == DUE_SOON:
        return Q(next_due_at__gt=now, next_due_at__lte=risk_horizon(now))
    if value == PAUSED:
        return Q(paused_at__isnull=False)
    if value == NO_DEADLINE:
        return Q(next_due_at__isnull=True, paused_at__isnull=True)
    raise ValueError(f"unknown deadline filter {value!r}")


def with_next_clock(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Each case with the kind of its earliest running, unpaused clock (`next_clock_kind`)
    and when that clock's warning fired (`next_clock_warned_at`, None when it has not): the
    badge of the case list, without a query per row."""
    earliest = CaseClock.objects.filter(
        case=OuterRef("pk"), met_at__isnull=True, paused_at__isnull=True
    ).order_by("due_at", "id")
    return queryset.annotate(
        next_clock_kind=Subquery(earliest.values("kind")[:1]),
        next_clock_warned_at=Subquery(earliest.values("warned_at")[:1]),
    )


@dataclass(frozen=True)
class CaseClocks:
    """The clocks of one case, running ones first (earliest due first), then the stopped ones
    (latest first); and its lifecycle steps, oldest first."""

    clocks: list[CaseClock]
    steps: list[CaseStep]


def clocks_of_case(*, case: Case) -> CaseClocks:
    """Two queries: the case's clocks and its steps. The caller reached the case through its
    scoped selector."""
    clocks = list(CaseClock.objects.filter(case=case).order_by("due_at", "id"))
    running = [c for c in clocks if c.met_at is None]
    stopped = sorted((c for c in clocks if c.met_at is not None), key=lambda c: c.met_at)
    steps = list(CaseStep.objects.filter(case=case).order_by("entered_at", "id"))
    return CaseClocks(clocks=running + stopped[::-1], steps=steps)


def running_clocks_of_case(*, case: Case) -> list[CaseClock]:
    """The case's running clocks, earliest due first: one query, whatever the case."""
    return list(CaseClock.objects.filter(case=case, met_at__isnull=True).order_by("due_at", "id"))


# --- configuration ------------------------------------------------------------------------------


def sla_policy_list() -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.order_by("priority", "category", "id")


def business_hours_list() -> QuerySet[BusinessHours]:
    """Every calendar with the teams that work by it (two queries for the whole list)."""
    return BusinessHours.objects.order_by("name").prefetch_related(
        Prefetch(
            "teams",
            queryset=Team.objects.order_by("name").only("id", "name", "business_hours_id"),
        )
    )


def config_history(*, instance: SlaPolicy | BusinessHours) -> list:
    """A service target's or calendar's history, newest first, each record with its field
    changes (field, old, new): one query."""
    return record_history(instance=instance)
