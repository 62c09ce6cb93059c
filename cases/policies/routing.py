"""Who sees the team queues and may reassign in bulk: team leads and case-wide readers."""

from __future__ import annotations

from typing import Any

from cases.models import Team
from cases.policies.access import is_active_staff, may_view_all_cases


def leads_a_team(user: Any) -> bool:
    """Whether the user leads any team; asked once per request (kept on the user object, as
    Django keeps its permission cache), since the admin's menu asks it for every page."""
    cached = getattr(user, "_leads_a_team", None)
    if cached is None:
        cached = bool(user.pk) and Team.objects.filter(lead=user).exists()
        user._leads_a_team = cached
    return cached


def may_see_queues(user: Any) -> bool:
    return is_active_staff(user) and (may_view_all_cases(user) or leads_a_team(user))


def may_bulk_assign(user: Any) -> bool:
    """Superusers, and leads of a team who hold the assignment capability."""
    if not is_active_staff(user):
        return False
    if user.is_superuser:
        return True
    return user.has_perm("cases.assign_case") and leads_a_team(user)
