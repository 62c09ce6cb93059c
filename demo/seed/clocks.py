"""Seeding the clocks' configuration (the service targets, the Complaints team's business
hours) before any case is opened, and one pass of the sweep after, so the demo starts with the
warnings and breaches its backdated cases have earned."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cases.enums import CaseState, ClockKind, LetterKind
from cases.models import BusinessHours, Case, SlaPolicy, Team
from cases.services.clocks import SweepResult, clocks_sweep
from cases.services.regulatory_letters import regulatory_letter_issue
from cases.services.sla_config import business_hours_save, sla_policy_save, team_business_hours_set
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from demo.data.clocks import BUSINESS_HOURS, SLA_POLICIES
from demo.data.people import ACTOR

REASON = "Demo service targets."
LETTER_STATES_OPEN = (CaseState.INVESTIGATING, CaseState.RESPONSIBILITY_DETERMINED)
LETTERS = (
    (
        "carol@example.com",
        LetterKind.HOLDING_REPLY,
        21,
        "We have asked the blockchain analytics team to trace the withdrawal and we are "
        "waiting for their report.",
    ),
    (
        "bob@example.com",
        LetterKind.DELAY_NOTICE,
        30,
        "The liquidation involves records from our futures engine that our technical team "
        "must reconstruct before we can decide.",
    ),
)


def seed_service_targets(teams: dict[str, Team]) -> None:
    """Create the targets and calendars that are missing; a team gets its hours only when this
    run created them (hours a person set or removed since are left alone)."""
    present = set(SlaPolicy.objects.values_list("priority", "category"))
    for spec in SLA_POLICIES:
        if (spec.priority, spec.category) in present:
            continue
        sla_policy_save(
            policy=SlaPolicy(
                priority=spec.priority,
                category=spec.category,
                first_response=spec.first_response,
                next_response=spec.next_response,
                resolution=spec.resolution,
                warn_at_percent=spec.warn_at_percent,
            ),
            actor=ACTOR,
            reason=REASON,
        )
    existing = set(
        BusinessHours.objects.filter(name__in=[h.name for h in BUSINESS_HOURS]).values_list(
            "name", flat=True
        )
    )
    for spec in BUSINESS_HOURS:
        if spec.name in existing:
            continue
        hours = business_hours_save(
            hours=BusinessHours(
                name=spec.name,
                time_zone=spec.time_zone,
                country=spec.country,
                subdivision=spec.subdivision,
                opens=spec.opens,
                closes=spec.closes,
                weekdays=list(spec.weekdays),
            ),
            actor=ACTOR,
            reason=REASON,
        )
        for code in spec.teams:
            team_business_hours_set(
                team=teams[code], business_hours=hours, actor=ACTOR, reason=REASON
            )


def seed_letters(lead) -> int:
    """The letters a lead sends when the final answer needs more time: a CFPB "in progress"
    reply on carol's case and a MiCA delay notice on bob's, so the Letters section, the portal
    and the inbox have one of each. Only on the run that opened the cases."""
    sent = 0
    today = timezone.localdate()
    for email, kind, days, reasons in LETTERS:
        case = (
            Case.objects.filter(
                complainant_email=email,
                clocks__kind=ClockKind.REG_FINAL,
                clocks__met_at__isnull=True,
                state__in=LETTER_STATES_OPEN,
            )
            .order_by("received_at")
            .first()
        )
        if case is None:
            continue
        try:
            regulatory_letter_issue(
                case=case,
                actor=lead,
                kind=kind,
                reasons=reasons,
                expected_by=today + timedelta(days=days),
            )
        except (ApplicationError, ConflictError, PermissionDeniedError):
            continue  # the demo case is not where such a letter can go: leave it
        sent += 1
    return sent


def seed_sweep() -> SweepResult:
    """One pass of the periodic sweep (`manage.py sla_sweep` does the same)."""
    return clocks_sweep()
