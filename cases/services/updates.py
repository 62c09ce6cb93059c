"""Changing a case's triage and its assignment in one step, as the staff case form does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from cases.models import Case, Team
from cases.services.assignment import case_assign
from cases.services.cases import case_update_triage
from complaints_site.common.actors import Actor


@dataclass(frozen=True)
class Triage:
    category: str | None
    priority: str | None


@dataclass(frozen=True)
class Assignment:
    team: Team | None
    assignee: Any


@transaction.atomic
def case_update(
    *,
    case: Case,
    actor: Actor,
    reason: str,
    triage: Triage | None = None,
    assignment: Assignment | None = None,
) -> Case:
    """Apply a triage change (`case_update_triage`) and an assignment (`case_assign`) with one
    reason, all or nothing: a refused assignment leaves the triage change unsaved. None for
    either part leaves it as it is.

    Each part keeps its own rules (capability, recusal, an open case, an active handler) and
    writes its own history row and event. Raises what they raise: PermissionDeniedError,
    ApplicationError (ConflictError on a closed case), with nothing stored.
    """
    current = Case.objects.get(pk=case.pk)
    updated = current
    if triage is not None:
        updated = case_update_triage(
            case=current,
            actor=actor,
            reason=reason,
            category=triage.category,
            priority=triage.priority,
        )
    if assignment is not None:
        updated = case_assign(
            case=current,
            actor=actor,
            reason=reason,
            team=assignment.team,
            assignee=assignment.assignee,
        )
    return updated
