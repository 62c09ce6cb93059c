"""Who may do what: pure predicates over users and cases, reused by services, admin and API.

Capabilities come from roles (model-level custom permissions held by role groups, such as
``cases.assess_case``); reach comes from object permissions (guardian's ``change_case`` on this
case, granted to the assignee and to the case team's group). A transition needs both, so a role
grant alone never opens a case, and an object grant alone never allows an act the role lacks.
Superusers pass both checks, as in Django.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from guardian.core import ObjectPermissionChecker

from cases import roles

if TYPE_CHECKING:
    from cases.models import Case, Team

VIEW_ALL_CASES = "cases.view_all_cases"
CHANGE_CASE = "cases.change_case"
VIEW_CASE = "cases.view_case"
VIEW_SENSITIVE = "cases.view_sensitive_evidence"


def _checker(user: Any) -> ObjectPermissionChecker:
    """One guardian checker per user object, so a page asks the database once per case.

    Like Django's own ``_perm_cache`` it lives as long as the user object (one request);
    a grant changed during the request is seen from the next request on.
    """
    checker = getattr(user, "_case_perm_checker", None)
    if checker is None:
        checker = ObjectPermissionChecker(user)
        user._case_perm_checker = checker
    return checker


def reach_prefetch(user: Any, cases: list[Case]) -> None:
    """Read the user's object permissions on all of `cases` at once (two queries), so that
    `may_reach_case` and `may_run` on a list of them ask the database nothing more."""
    if cases and is_active_staff(user) and not user.is_superuser:
        _checker(user).prefetch_perms(cases)


def is_active_staff(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def may_view_all_cases(user: Any) -> bool:
    return is_active_staff(user) and (user.is_superuser or user.has_perm(VIEW_ALL_CASES))


def may_reach_case(user: Any, case: Case, *, change: bool = False) -> bool:
    """Whether the case is within the user's reach: assigned to them or to one of their teams."""
    if not is_active_staff(user):
        return False
    if user.is_superuser:
        return True
    if not change and user.has_perm(VIEW_ALL_CASES):
        return True
    return _checker(user).has_perm(CHANGE_CASE if change else VIEW_CASE, case)


def may_run(user: Any, case: Case, capability: str) -> bool:
    """The role holds `capability` (e.g. ``cases.assess_case``) and the case is within reach."""
    if not is_active_staff(user):
        return False
    if user.is_superuser:
        return True
    return user.has_perm(capability) and may_reach_case(user, case, change=True)


def may_use_case_admin(user: Any) -> bool:
    """Whether the case list is open to this person at all (what they see is scoped further)."""
    if not is_active_staff(user):
        return False
    return user.is_superuser or user.has_perm(VIEW_ALL_CASES) or user.has_module_perms("cases")


def may_view_sensitive(user: Any) -> bool:
    """Sensitive evidence (identity documents): only roles that need it, and superusers."""
    return is_active_staff(user) and (user.is_superuser or user.has_perm(VIEW_SENSITIVE))


def may_assign(user: Any, case: Case) -> bool:
    return may_run(user, case, "cases.assign_case")


def is_team_member(user: Any, team: Team) -> bool:
    """A case goes only to a member of its team (`case_assign` refuses anyone else)."""
    return team.memberships.filter(user=user).exists()


def may_override_recusal(user: Any) -> bool:
    """The compliance role (or a superuser): who may lift recusals and review declarations at
    all. Whether they may on a given one is `may_override` / `may_review_declaration`."""
    if not is_active_staff(user):
        return False
    # Asked several times by one page (list, buttons): one query per user object (request),
    # like Django's own permission cache.
    cached = getattr(user, "_may_override_recusal", None)
    if cached is None:
        cached = user.is_superuser or user.groups.filter(name=roles.COMPLIANCE_OFFICER).exists()
        user._may_override_recusal = cached
    return cached


def is_person_concerned(user: Any, person_id: Any) -> bool:
    """Four eyes: the actor is the person a compliance decision is about."""
    return bool(user and user.is_authenticated and person_id is not None and user.pk == person_id)


def may_review_declaration(user: Any, declaration: Any) -> bool:
    """Four eyes: a compliance officer reviews somebody else's declaration, never their own."""
    return not is_person_concerned(user, declaration.staff_id) and may_override_recusal(user)


class TransitionPermission:
    """The callable django-fsm-2 asks; it never falls back to a model-wide grant."""

    def __init__(self, capability: str) -> None:
        self.capability = capability

    def __call__(self, instance: Case, user: Any) -> bool:
        return may_run(user, instance, self.capability)

    def __repr__(self) -> str:
        return f"TransitionPermission({self.capability!r})"
