"""Editing a team's own fields (creation and membership stay in `assignment`, where the case
permissions they carry are granted)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Team
from complaints_site.common.actors import Actor
from complaints_site.common.exceptions import ApplicationError
from complaints_site.common.history import stamp


@transaction.atomic
def team_update(
    *, team: Team, actor: Actor, reason: str, code: str, name: str, lead: Any = None
) -> Team:
    """Set the team's code, name and lead: one history row with the actor and the reason,
    written under a row lock so two edits do not interleave.

    The team's group, and so who reaches its cases, is unchanged; members join and leave
    through `team_member_add` / `team_member_remove`. Raises ApplicationError for an empty
    reason.
    """
    if not reason.strip():
        raise ApplicationError(_("A reason is required."))
    locked = Team.objects.select_for_update().get(pk=team.pk)
    locked.code, locked.name, locked.lead = code, name, lead
    stamp(locked, actor=actor, reason=reason.strip())
    locked.save()
    return locked
