"""Scoped reads. Every staff read of cases goes through these, so a case out of reach is never
returned (the API and admin answer 404, existence never leaks)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, QuerySet

from cases.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission
from cases.policies import is_active_staff, may_view_all_cases


def _view_case_permission_id() -> int:
    return (
        Permission.objects.only("id").get(content_type__app_label="cases", codename="view_case").id
    )


def case_list_for_staff(*, user: Any) -> QuerySet[Case]:
    """Cases this staff member may see: all for superusers, auditors and compliance; otherwise
    those granted to them or to one of their teams (guardian direct FK tables, two EXISTS)."""
    qs = Case.objects.select_related("team", "assignee")
    if not is_active_staff(user):
        return qs.none()
    if may_view_all_cases(user):
        return qs
    perm_id = _view_case_permission_id()
    by_user = CaseUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"), user=user, permission_id=perm_id
    )
    by_team = CaseGroupObjectPermission.objects.filter(
        content_object=OuterRef("pk"), group__user=user, permission_id=perm_id
    )
    return qs.filter(Exists(by_user) | Exists(by_team))


def case_get_for_staff(*, user: Any, pk: Any) -> Case | None:
    return case_list_for_staff(user=user).filter(pk=pk).first()
