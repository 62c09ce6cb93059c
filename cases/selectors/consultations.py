"""Reads of consultations: a team's inbox in the staff site, and those of one case for its
page."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from cases import policies
from cases.models import Case, Consultation, ConsultationStatus
from cases.selectors.audit import recused_case_ids
from cases.selectors.cases import case_list_for_staff


def consultation_list_for_staff(*, user: Any) -> QuerySet[Consultation]:
    """Consultations asked of the user's teams, of teams they lead, or on cases they reach;
    all for those who see every case."""
    qs = Consultation.objects.select_related("team", "case")
    if not policies.is_active_staff(user):
        return qs.none()
    # The case must be within the reader's reach (`case_list_for_staff`: recusals left out,
    # for those who see every case too). A consulted team reaches the case through its view
    # grant only while its question is open, so an answered, withdrawn or lapsed question is
    # no longer read by a team that does not otherwise reach the case. The lead of the
    # consulted team keeps the open questions asked of the team (to chase overdue answers).
    reachable = Q(case__in=case_list_for_staff(user=user).values("pk"))
    if policies.may_view_all_cases(user):
        return qs.filter(reachable)
    open_for_my_team = Q(team__lead=user, status=ConsultationStatus.OPEN) & ~Q(
        case_id__in=recused_case_ids(user=user)
    )
    return qs.filter(reachable | open_for_my_team).distinct()


def consultation_list_for_case(*, case: Case) -> QuerySet[Consultation]:
    """Every consultation on a case the caller reaches, with its team (one query)."""
    return Consultation.objects.filter(case_id=case.pk).select_related("team")


def consultation_get_for_case(*, case: Case, pk: Any) -> Consultation | None:
    """A consultation of this case (None for another case's, so ids of cases out of reach are
    never followed)."""
    consultation = Consultation.objects.select_related("team", "case").filter(pk=pk).first()
    if consultation is None or consultation.case_id != case.pk:
        return None
    return consultation


def group_ids_for_staff(*, user: Any) -> set[int]:
    """The groups (teams) a staff member belongs to: who may answer a team's question."""
    return set(user.groups.values_list("pk", flat=True))
