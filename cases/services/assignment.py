"""Teams, membership and case assignment; the only place case object permissions change.

The assignee and the case team's group hold guardian's ``view_case`` and ``change_case`` on the
case. Reassigning moves the grants in the same transaction, so access follows assignment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, remove_perm

from cases.enums import TERMINAL_STATES, CaseEventType
from cases.models import (
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Consultation,
    ConsultationStatus,
    Team,
    TeamMembership,
)
from cases.policies import is_active_staff, is_team_member, may_assign
from cases.services.events import case_event_record
from cases.services.recusal import recusal_check, staff_write_check, staff_write_scope
from complaints_site.common.actors import Actor, SystemActor
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from complaints_site.common.history import stamp
from complaints_site.common.services import tombstone_record

CASE_PERMS = ("view_case", "change_case")


@transaction.atomic
def team_create(*, code: str, name: str, actor: Actor, lead: Any = None) -> Team:
    group, _created = Group.objects.get_or_create(name=f"Team: {name}")
    team = Team(code=code, name=name, group=group, lead=lead)
    stamp(team, actor=actor, reason="Team created")
    team.save()
    return team


@transaction.atomic
def team_member_add(*, team: Team, user: Any, actor: Actor) -> TeamMembership:
    """Make `user` a member: they reach the team's cases at once (through the team group)."""
    if not is_active_staff(user):
        raise ApplicationError(_("Only active staff can join a team."))
    membership = TeamMembership.objects.filter(team=team, user=user).first()
    if membership:
        return membership
    membership = TeamMembership(team=team, user=user)
    stamp(membership, actor=actor, reason="Joined team")
    membership.save()
    user.groups.add(team.group)
    return membership


@transaction.atomic
def team_member_remove(*, team: Team, user: Any, actor: Actor, reason: str) -> None:
    """Remove `user`: the team's cases leave their reach at their next request."""
    membership = TeamMembership.objects.filter(team=team, user=user).first()
    if membership is None:
        return
    # The one deletion in the product: it leaves a tombstone (who, when, why) next to the
    # history row simple-history writes for the delete.
    tombstone_record(instance=membership, actor=actor, reason=reason)
    stamp(membership, actor=actor, reason=reason)
    membership.delete()
    user.groups.remove(team.group)


def grant_new_case_to_team(case: Case, team: Team) -> None:
    """Give the team's group ``view_case`` and ``change_case`` on a case just created.

    The intake path: one INSERT ... SELECT instead of guardian's lookups and get_or_create
    per permission (a new case has no grants yet, so there is nothing to find first).
    """
    table = CaseGroupObjectPermission._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (permission_id, group_id, content_object_id) "  # noqa: S608
            "SELECT p.id, %s, %s FROM auth_permission p "
            "JOIN django_content_type ct ON ct.id = p.content_type_id "
            "WHERE ct.app_label = 'cases' AND ct.model = 'case' AND p.codename IN (%s, %s)",
            [team.group_id, case.pk, *CASE_PERMS],
        )


def grant_new_case_to_user(case: Case, user: Any) -> None:
    """Give the handler ``view_case`` and ``change_case`` on a case just created (auto-assigned
    at intake): one INSERT ... SELECT, like `grant_new_case_to_team`."""
    table = CaseUserObjectPermission._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (permission_id, user_id, content_object_id) "  # noqa: S608
            "SELECT p.id, %s, %s FROM auth_permission p "
            "JOIN django_content_type ct ON ct.id = p.content_type_id "
            "WHERE ct.app_label = 'cases' AND ct.model = 'case' AND p.codename IN (%s, %s)",
            [user.pk, case.pk, *CASE_PERMS],
        )


def _grant(case: Case, *, user: Any = None, group: Group | None = None) -> None:
    for perm in CASE_PERMS:
        assign_perm(perm, user or group, case)


def _revoke(case: Case, *, user: Any = None, group: Group | None = None) -> None:
    for perm in CASE_PERMS:
        remove_perm(perm, user or group, case)


def case_assign(
    *,
    case: Case,
    actor: Actor,
    reason: str,
    team: Team | None = None,
    assignee: Any = None,
) -> Case:
    """Set the case's team and handler; see `_case_assign`. A staff actor who may assign the
    case passes the recusal check (a recused lead does not reassign the case), then a new
    handler passes it too; each check is recorded even when refused, and a refusal raises
    PermissionDeniedError naming the rule."""
    if not isinstance(actor, SystemActor) and not may_assign(actor, case):
        # Before any check is recorded: only attempts by someone who may assign reach the
        # ledger. (Checked again under the lock in `_case_assign`.)
        raise PermissionDeniedError(_("You may not assign this case."))
    staff_write_check(case=case, actor=actor, act="assign_case")
    if assignee is not None and assignee.pk != case.assignee_id:
        recusal_check(case=case, user=assignee, act="assign", actor=actor)
    with staff_write_scope(case, actor):
        return _case_assign(case=case, actor=actor, reason=reason, team=team, assignee=assignee)


@transaction.atomic
def _case_assign(
    *,
    case: Case,
    actor: Actor,
    reason: str,
    team: Team | None = None,
    assignee: Any = None,
) -> Case:
    """Set the case's team and handler (None clears), moving the object permissions with them.

    Allowed in every state but the terminal ones (closed, withdrawn, out of scope): a case
    with a final response still moves to the arbitration team.

    Raises PermissionDeniedError unless the actor may assign this case (``cases.assign_case``
    and the case within reach; a SystemActor is trusted), ApplicationError for an assignee who
    is not active staff, has no role that handles cases or is not a member of the team the case
    goes to, ConflictError on a closed case.
    """
    if not (reason or "").strip():
        raise ApplicationError(
            _("A reason is required."), extra={"errors": {"reason": [_("Required.")]}}
        )
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not isinstance(actor, SystemActor) and not may_assign(actor, locked):
        raise PermissionDeniedError(_("You may not assign this case."))
    if locked.state in TERMINAL_STATES:
        raise ConflictError(_("A closed case cannot be reassigned."))
    if assignee is not None and not (
        is_active_staff(assignee)
        and (assignee.is_superuser or assignee.has_perm("cases.investigate_case"))
    ):
        raise ApplicationError(
            _("%(user)s cannot handle cases.") % {"user": assignee.get_username()},
            extra={"errors": {"assignee": [_("Not an active case handler.")]}},
        )
    if assignee is not None and team is not None and not is_team_member(assignee, team):
        raise ApplicationError(
            not_a_member(assignee), extra={"errors": {"assignee": [not_a_member(assignee)]}}
        )
    old_team, old_assignee = locked.team, locked.assignee
    if old_team == team and old_assignee == assignee:
        return locked
    if old_team != team:
        if old_team is not None:
            _revoke(locked, group=old_team.group)
            if Consultation.objects.filter(
                case=locked, team=old_team, status=ConsultationStatus.OPEN
            ).exists():
                # The old team was also consulted and has not answered: it keeps reading.
                assign_perm("view_case", old_team.group, locked)
        if team is not None:
            _grant(locked, group=team.group)
    if old_assignee != assignee:
        if old_assignee is not None:
            _revoke(locked, user=old_assignee)
        if assignee is not None:
            _grant(locked, user=assignee)
    locked.team, locked.assignee = team, assignee
    stamp(locked, actor=actor, reason=reason.strip())
    locked.save()
    case_event_record(
        case=locked,
        type=CaseEventType.ASSIGNMENT_CHANGED,
        actor=actor,
        reason=reason.strip(),
        data={
            "team": [old_team.code if old_team else None, team.code if team else None],
            "assignee": [
                old_assignee.get_username() if old_assignee else None,
                assignee.get_username() if assignee else None,
            ],
        },
    )
    return locked


def not_a_member(assignee: Any) -> str:
    """Why an assignee is refused for a case of a team they are not a member of."""
    return _("%(user)s is not in this case's team") % {"user": assignee.get_username()}


@dataclass(frozen=True)
class BulkAssignResult:
    assigned: list[str]  # the references of the cases now with the assignee
    refused: list[tuple[str, str]]  # (reference, why) for each case left as it was


def cases_bulk_assign(
    *, cases: Iterable[Case], assignee: Any, actor: Any, reason: str
) -> BulkAssignResult:
    """Give each case to `assignee`, keeping its team, through `case_assign` with the reason.

    Rules: a team lead moves only cases of teams they lead (seeing every team's queue, as
    auditors do, is not leading it); a superuser moves any case; either way the assignee must
    be a member of the case's team. Each case is assigned in its
    own transaction, so a case refused (by these rules, or by `case_assign`: permission,
    recusal, a closed case) is left as it was and does not undo the others.

    Raises nothing for a refused case: the result lists it with the reason.
    """
    led = (
        None
        if actor.is_superuser
        else set(Team.objects.filter(lead=actor).values_list("pk", flat=True))
    )
    member_of = set(TeamMembership.objects.filter(user=assignee).values_list("team_id", flat=True))
    assigned: list[str] = []
    refused: list[tuple[str, str]] = []
    for case in cases:
        if led is not None and case.team_id not in led:
            refused.append((case.reference, str(_("not in a team you lead"))))
            continue
        if case.team_id not in member_of:  # the membership rule, on the memberships read once
            refused.append((case.reference, not_a_member(assignee)))
            continue
        try:
            case_assign(case=case, actor=actor, reason=reason, team=case.team, assignee=assignee)
        except ApplicationError as exc:  # includes refusals and closed cases
            refused.append((case.reference, exc.message))
        else:
            assigned.append(case.reference)
    return BulkAssignResult(assigned=assigned, refused=refused)
