"""Who may work the intake channels: answer chats, triage social mentions."""

from __future__ import annotations

from typing import Any

from cases.policies import is_active_staff

TRIAGE_PERMISSION = "cases.assess_case"


def may_chat_as_agent(user: Any) -> bool:
    """Active staff who handle cases (``cases.investigate_case``: support agents, handlers,
    team leads) or superusers."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and (user.is_superuser or user.has_perm("cases.investigate_case"))
    )


def may_triage(user: Any) -> bool:
    return is_active_staff(user) and (user.is_superuser or user.has_perm(TRIAGE_PERMISSION))
