"""Maker-checker for money out: which approvals an offer needs by its dollar value, who may give
them, and when they are complete. Pure predicates over users and plain values (the approvals
themselves are read by the service and passed in)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from cases import roles
from cases.enums import ApproverCapacity
from cases.policies.access import is_active_staff, may_view_all_cases
from cases.policies.routing import leads_a_team


@dataclass(frozen=True)
class ApprovalTier:
    name: str
    above: Decimal
    approvals: int
    roles: tuple[str, ...]


NO_APPROVAL = ApprovalTier(name="", above=Decimal(0), approvals=0, roles=())


def approval_tiers() -> list[ApprovalTier]:
    """`RESOLUTION_APPROVAL_TIERS` as tiers, highest threshold first."""
    tiers = [
        ApprovalTier(
            name=str(t["name"]),
            above=Decimal(str(t["above"])),
            approvals=int(t["approvals"]),
            roles=tuple(t.get("roles", ())),
        )
        for t in settings.RESOLUTION_APPROVAL_TIERS
    ]
    return sorted(tiers, key=lambda t: t.above, reverse=True)


def approval_tier_for(usd_total: Decimal) -> ApprovalTier:
    """The tier an offer worth `usd_total` dollars falls in (strictly above its threshold);
    NO_APPROVAL below every tier."""
    for tier in approval_tiers():
        if usd_total > tier.above:
            return tier
    return NO_APPROVAL


def approver_capacities(user: Any) -> list[str]:
    """The capacities a person approves in besides being an approver: team lead (leads a team
    or holds the role) and compliance officer."""
    names = set(user.groups.values_list("name", flat=True))
    capacities = []
    if roles.TEAM_LEAD in names or leads_a_team(user):
        capacities.append(ApproverCapacity.TEAM_LEAD.value)
    if roles.COMPLIANCE_OFFICER in names:
        capacities.append(ApproverCapacity.COMPLIANCE.value)
    return capacities


def may_approve_offers(user: Any) -> bool:
    """Holds the approval capability at all (the queue is open to them)."""
    return is_active_staff(user) and (
        user.is_superuser or user.has_perm("cases.approve_resolution")
    )


def may_approve_offer(user: Any, *, proposer_id: int | None) -> bool:
    """Four eyes: an approver never approves an offer they proposed. (Recusal from the case is
    checked by the service, which records the check.)"""
    return may_approve_offers(user) and user.pk != proposer_id


def approvals_complete(
    *, required: int, required_roles: Sequence[str], approvals: Iterable[tuple[int, Sequence[str]]]
) -> bool:
    """Whether `approvals` ((approver id, capacities) of the current round, all approving) meet
    the tier: at least `required` different approvers, and each required role held by a
    different one of them."""
    by_person: dict[int, set[str]] = {}
    for person, capacities in approvals:
        by_person.setdefault(person, set()).update(capacities)
    if len(by_person) < required:
        return False
    people = list(by_person)
    needed = list(required_roles)
    if len(needed) > len(people):
        return False
    # Each role to a different person: a few people and roles at most, so try the orders.
    return any(
        all(role in by_person[person] for role, person in zip(needed, chosen, strict=True))
        for chosen in itertools.permutations(people, len(needed))
    )


def missing_capacities(
    *, required: int, required_roles: Sequence[str], approvals: Iterable[tuple[int, Sequence[str]]]
) -> tuple[int, list[str]]:
    """What the offer still lacks: (approvers missing, roles not yet covered), for the page."""
    approvals = list(approvals)
    people = {person for person, _ in approvals}
    covered = {c for _, caps in approvals for c in caps}
    return max(0, required - len(people)), [r for r in required_roles if r not in covered]


def may_see_attention_queue(user: Any) -> bool:
    """The queue of actions needing attention: leads (theirs), case-wide readers and
    superusers (all)."""
    return is_active_staff(user) and (
        user.is_superuser or may_view_all_cases(user) or leads_a_team(user)
    )


def may_settle_actions(user: Any, case: Any) -> bool:
    """Retry or cancel an action of `case` that needs attention: a lead of the case's team with
    the execution capability, or a superuser. (The service checks reach and recusal too.)
    Reads `case.team` (select it with the case)."""
    if not is_active_staff(user):
        return False
    if user.is_superuser:
        return True
    team = case.team
    return (
        user.has_perm("cases.execute_resolution") and team is not None and team.lead_id == user.pk
    )
