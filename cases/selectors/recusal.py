"""Reads of conflicts of interest and quality reviews for the staff site: who sees which
declarations, recusals and review tasks. Recusal reaches these lists like every other read."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from cases import policies
from cases.models import CaseRecusal, ConflictDeclaration, QualityReview
from cases.policies import may_override_recusal
from cases.selectors.audit import exclude_recused, recused_case_ids


def _oversees_conflicts(user: Any) -> bool:
    return may_override_recusal(user) or policies.may_view_all_cases(user)


def conflict_declaration_list_for_staff(*, user: Any) -> QuerySet[ConflictDeclaration]:
    """All declarations for compliance officers and those who see every case; otherwise the
    person's own."""
    queryset = ConflictDeclaration.objects.all()
    return queryset if _oversees_conflicts(user) else queryset.filter(staff=user)


def case_recusal_list_for_staff(*, user: Any) -> QuerySet[CaseRecusal]:
    """The person's own recusals always; for compliance officers and those who see every case
    also everyone else's, except on the cases they are themselves recused from."""
    queryset = CaseRecusal.objects.all()
    if _oversees_conflicts(user):
        return queryset.filter(Q(user=user) | ~Q(case_id__in=recused_case_ids(user=user)))
    return queryset.filter(user=user)


def quality_review_list_for_staff(*, user: Any) -> QuerySet[QualityReview]:
    """Review tasks: all for superusers, those who assign cases (leads), auditors and
    compliance; otherwise the reviewer's own. The cases the reader is recused from are left
    out for everyone."""
    queryset = exclude_recused(QualityReview.objects.all(), user=user, case_path="case_id")
    sees_all = (
        user.is_superuser or user.has_perm("cases.assign_case") or policies.may_view_all_cases(user)
    )
    return queryset if sees_all else queryset.filter(reviewer=user)
