"""Seeding the clocks' configuration (the service targets, the Complaints team's business
hours) before any case is opened, and one pass of the sweep after, so the demo starts with the
warnings and breaches its backdated cases have earned."""

from __future__ import annotations

from cases.models import BusinessHours, SlaPolicy, Team
from cases.services.clocks import SweepResult, clocks_sweep
from cases.services.sla_config import business_hours_save, sla_policy_save, team_business_hours_set
from demo.data.clocks import BUSINESS_HOURS, SLA_POLICIES
from demo.data.people import ACTOR

REASON = "Demo service targets."


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


def seed_sweep() -> SweepResult:
    """One pass of the periodic sweep (`manage.py sla_sweep` does the same)."""
    return clocks_sweep()
