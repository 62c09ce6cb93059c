"""Scoped reads. Every staff read of cases goes through these, so a case out of reach is never
returned (the API and admin answer 404, existence never leaks)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from cases.models import (
    Case,
    CaseGroupObjectPermission,
    CaseRecusal,
    CaseTransaction,
    CaseUserObjectPermission,
    Evidence,
    EvidenceKind,
    Message,
    MessageDirection,
    StaffProfile,
    Team,
)
from cases.policies import is_active_staff, may_view_all_cases, may_view_sensitive


def _view_case_permission_id() -> Subquery:
    # A scalar subquery PostgreSQL evaluates once per statement: no extra round trip.
    permission = Permission.objects.filter(content_type__app_label="cases", codename="view_case")
    return Subquery(permission.values("id")[:1])


def case_list_for_staff(*, user: Any) -> QuerySet[Case]:
    """Cases this staff member may see: all for superusers, auditors and compliance; otherwise
    those granted to them or to one of their teams (guardian direct FK tables, two EXISTS)."""
    qs = Case.objects.select_related("team", "assignee")
    if not is_active_staff(user):
        return qs.none()
    # Recusal is a deny rule guardian does not have: a recused person loses the case on every
    # path, superusers and auditors included, until a compliance officer lifts it.
    recused = CaseRecusal.objects.filter(case=OuterRef("pk"), user=user, lifted_at__isnull=True)
    qs = qs.exclude(Exists(recused))
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


# --- Customers (portal) and the exchange's systems (API) ------------------------------------


def case_list_for_customer(*, user: Any) -> QuerySet[Case]:
    """The portal user's own cases and nothing else (an inactive or anonymous user: none)."""
    if not (user and user.is_authenticated and user.is_active):
        return Case.objects.none()
    return Case.objects.filter(customer=user)


def case_get_for_customer(*, user: Any, reference: str) -> Case | None:
    return case_list_for_customer(user=user).filter(reference=reference.upper()).first()


def case_list_for_api(*, user: Any) -> QuerySet[Case]:
    """What an API caller may read: staff through their object permissions, an exchange API
    client the cases it opened, a portal user (session) their own cases."""
    if is_active_staff(user):
        return case_list_for_staff(user=user)
    if user and user.is_authenticated and user.is_active and user.has_perm("cases.use_intake_api"):
        return Case.objects.filter(intake_client=user)
    return case_list_for_customer(user=user)


def case_get_for_api(*, user: Any, reference: str) -> Case | None:
    return case_list_for_api(user=user).filter(reference=reference.upper()).first()


def messages_public_for_case(*, case: Case) -> QuerySet[Message]:
    """What the customer sees of the correspondence: everything but internal notes."""
    return (
        Message.objects.filter(case=case)
        .exclude(direction=MessageDirection.INTERNAL)
        .order_by("created_at", "id")
    )


def evidence_list_for_customer(*, case: Case) -> QuerySet[Evidence]:
    """Files the customer sent on their case (not our raw mail, transcripts or snapshots)."""
    return Evidence.objects.filter(
        case=case, kind__in=(EvidenceKind.UPLOAD, EvidenceKind.EMAIL_ATTACHMENT)
    ).order_by("created_at", "id")


def messages_for_staff(*, case: Case) -> QuerySet[Message]:
    """All correspondence on the case for the staff case page, public and internal, oldest
    first. No joins: the author's label is stored on each row."""
    return Message.objects.filter(case=case).order_by("created_at", "id")


def evidence_list_for_staff(*, case: Case) -> QuerySet[Evidence]:
    """Every evidence item of the case, oldest first (the caller has checked reach; whether a
    sensitive file may be opened is `evidence_get_for_staff`'s decision)."""
    return Evidence.objects.filter(case=case).order_by("created_at", "id")


def evidence_get_for_staff(*, user: Any, pk: Any) -> Evidence | None:
    """An evidence item of a case within the staff member's reach; sensitive items only for
    those holding ``cases.view_sensitive_evidence``."""
    evidence = (
        Evidence.objects.select_related("case")
        .filter(pk=pk, case__in=case_list_for_staff(user=user).values("pk"))
        .first()
    )
    if evidence is None:
        return None
    if evidence.is_sensitive and not may_view_sensitive(user):
        return None
    return evidence


def case_search(queryset: QuerySet[Case], *, term: str) -> QuerySet[Case]:
    """Exact match on reference, exchange account id, email or a related transaction id.

    Each is an indexed equality (references are upper-case, emails stored lower-case), and the
    transaction ids are resolved first, so the OR stays a bitmap of index scans on big tables.
    """
    term = term.strip()
    if not term:
        return queryset
    by_transaction = list(
        CaseTransaction.objects.filter(txid=term).values_list("case_id", flat=True)[:1000]
    )
    return queryset.filter(
        Q(reference=term.upper())
        | Q(complainant_account_id=term)
        | Q(complainant_email=term.lower())
        | Q(pk__in=by_transaction)
    )


def team_list_for_staff(*, user: Any) -> QuerySet[Team]:
    """Teams offered to this person in filters: all for those who see all, else their own."""
    if may_view_all_cases(user):
        return Team.objects.order_by("name")
    return Team.objects.filter(memberships__user=user).order_by("name")


def handler_list() -> QuerySet:
    """Every active person who can handle cases (superusers and roles with investigate_case):
    the choices of an assignment, which may move a case to another team."""
    return (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(
                groups__permissions__codename="investigate_case",
                groups__permissions__content_type__app_label="cases",
            )
        )
        .distinct()
        .order_by("username")
    )


def handler_list_for_staff(*, user: Any) -> QuerySet:
    """Handlers offered in this person's list filters: all for those who see all cases, else
    the members of their own teams and themselves."""
    users = handler_list()
    if may_view_all_cases(user):
        return users
    return users.filter(Q(pk=user.pk) | Q(team_memberships__team__memberships__user=user))


def team_list() -> QuerySet[Team]:
    """Every team by name: the teams a handler may consult."""
    return Team.objects.order_by("name")


def handler_list_for_assigner(*, user: Any) -> QuerySet:
    """The handlers a bulk reassignment offers: every one to a superuser, else the members of
    the teams this person leads."""
    handlers = handler_list()
    if user.is_superuser:
        return handlers
    return handlers.filter(team_memberships__team__lead=user)


def staff_profile_list() -> QuerySet[StaffProfile]:
    """Staff profiles with their user and teams, so a list names the teams of each without a
    query per row."""
    return StaffProfile.objects.select_related("user").prefetch_related(
        "user__team_memberships__team"
    )
