"""Reads for team leads: queue sizes, unassigned work, SLA risk and per-agent workload.

Every figure is an aggregate (conditional `Count` with `filter=`) grouped by team, state or
assignee, so a page costs the same few queries for ten cases or ten million.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cases.enums import WORKING_STATES, CaseState
from cases.models import Case, Consultation, ConsultationStatus, RoutingRule, Team
from cases.policies import is_active_staff, may_view_all_cases
from cases.selectors.history import record_history


def _horizon(now: datetime) -> datetime:
    return now + timedelta(hours=settings.SLA_RISK_HOURS)


def sla_breached_q(*, now: datetime) -> Q:
    """A working case whose clock runs and whose first response or resolution is overdue.

    A paused clock (awaiting the customer) is neither at risk nor breached: its due dates move
    when it resumes.
    """
    first = Q(first_response_at__isnull=True, first_response_due_at__lte=now)
    resolution = Q(resolved_at__isnull=True, resolution_due_at__lte=now)
    return Q(state__in=WORKING_STATES, paused_at__isnull=True) & (first | resolution)


def sla_at_risk_q(*, now: datetime) -> Q:
    """Not breached yet, but a first response or resolution is due within SLA_RISK_HOURS."""
    horizon = _horizon(now)
    first = Q(
        first_response_at__isnull=True,
        first_response_due_at__gt=now,
        first_response_due_at__lte=horizon,
    )
    resolution = Q(
        resolved_at__isnull=True, resolution_due_at__gt=now, resolution_due_at__lte=horizon
    )
    # Written without negation: "neither clock overdue" spelled out keeps NULL due dates
    # (no clock) from turning a NOT into unknown.
    first_not_due = Q(first_response_at__isnull=False) | Q(first_response_due_at__gt=now)
    first_not_due |= Q(first_response_due_at__isnull=True)
    resolution_not_due = Q(resolved_at__isnull=False) | Q(resolution_due_at__gt=now)
    resolution_not_due |= Q(resolution_due_at__isnull=True)
    return (
        Q(state__in=WORKING_STATES, paused_at__isnull=True)
        & (first | resolution)
        & first_not_due
        & resolution_not_due
    )


def teams_led_by(*, user: Any) -> QuerySet[Team]:
    """The teams whose queues this person oversees: all for superusers and those who see every
    case (auditors, compliance); otherwise the teams they lead."""
    if not is_active_staff(user):
        return Team.objects.none()
    if may_view_all_cases(user):
        return Team.objects.order_by("name")
    return Team.objects.filter(lead=user).order_by("name")


@dataclass
class AgentLoad:
    user_id: int
    username: str
    open: int = 0
    at_risk: int = 0
    breached: int = 0


@dataclass
class TeamQueue:
    team: Team
    open: int = 0
    unassigned: int = 0
    at_risk: int = 0
    breached: int = 0
    by_state: list[tuple[str, str, int]] = field(default_factory=list)
    agents: list[AgentLoad] = field(default_factory=list)
    # Questions other handlers asked this team (consultations) still open, and how many overdue.
    consultations_open: int = 0
    consultations_overdue: int = 0


def queue_overview_for_lead(*, user: Any, now: datetime | None = None) -> list[TeamQueue]:
    """One `TeamQueue` per team the user oversees (see `teams_led_by`). Five queries in all:
    the teams, counts per team, counts per team and state, counts per team and assignee, and
    the open and overdue consultations asked of each team."""
    now = now or timezone.now()
    teams = list(teams_led_by(user=user))
    if not teams:
        return []
    queues = {t.pk: TeamQueue(team=t) for t in teams}
    working = Case.objects.filter(team__in=list(queues), state__in=WORKING_STATES)
    at_risk, breached = sla_at_risk_q(now=now), sla_breached_q(now=now)
    totals = (
        working.order_by()
        .values("team_id")
        .annotate(
            n_open=Count("id"),
            n_unassigned=Count("id", filter=Q(assignee__isnull=True)),
            n_at_risk=Count("id", filter=at_risk),
            n_breached=Count("id", filter=breached),
        )
    )
    for row in totals:
        queue = queues[row["team_id"]]
        queue.open, queue.unassigned = row["n_open"], row["n_unassigned"]
        queue.at_risk, queue.breached = row["n_at_risk"], row["n_breached"]
    labels = dict(CaseState.choices)
    per_state = (
        working.order_by().values("team_id", "state").annotate(n=Count("id")).order_by("state")
    )
    order = {state: i for i, state in enumerate(WORKING_STATES)}
    for row in per_state:
        queues[row["team_id"]].by_state.append(
            (row["state"], str(labels.get(row["state"], row["state"])), row["n"])
        )
    for queue in queues.values():
        queue.by_state.sort(key=lambda item: order.get(item[0], 99))
    per_agent = (
        working.filter(assignee__isnull=False)
        .order_by()
        .values("team_id", "assignee_id", "assignee__username")
        .annotate(
            n=Count("id"),
            n_at_risk=Count("id", filter=at_risk),
            n_breached=Count("id", filter=breached),
        )
    )
    for row in per_agent:
        queues[row["team_id"]].agents.append(
            AgentLoad(
                user_id=row["assignee_id"],
                username=row["assignee__username"],
                open=row["n"],
                at_risk=row["n_at_risk"],
                breached=row["n_breached"],
            )
        )
    for queue in queues.values():
        queue.agents.sort(key=lambda a: (-a.open, a.username))
    asked = (
        Consultation.objects.filter(team__in=list(queues), status=ConsultationStatus.OPEN)
        .order_by()
        .values("team_id")
        .annotate(n=Count("id"), n_overdue=Count("id", filter=Q(due_at__lt=now)))
    )
    for row in asked:
        queue = queues[row["team_id"]]
        queue.consultations_open, queue.consultations_overdue = row["n"], row["n_overdue"]
    return [queues[t.pk] for t in teams]


def routing_rule_history(*, pk: Any) -> tuple[RoutingRule | None, list[tuple[Any, list]]]:
    """A routing rule and its history, newest first, each record with its raw field changes
    (field, old, new) against the one before: two queries."""
    rule = RoutingRule.objects.filter(pk=pk).first()
    return rule, (record_history(instance=rule) if rule is not None else [])
