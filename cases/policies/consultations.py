"""Who answers a consultation: the consulted team, never the asking one."""

from __future__ import annotations

from typing import Any

from cases.models import Consultation
from cases.policies.access import is_active_staff


def may_answer(user: Any, consultation: Consultation, *, group_ids: set[int] | None = None) -> bool:
    """A member of the consulted team holding ``cases.answer_consultation`` (or a superuser).

    `group_ids` (the user's groups) saves a query per consultation on pages listing several."""
    if not is_active_staff(user):
        return False
    if user.is_superuser:
        return True
    if not user.has_perm("cases.answer_consultation"):
        return False
    if group_ids is not None:
        return consultation.team.group_id in group_ids
    return user.groups.filter(pk=consultation.team.group_id).exists()
