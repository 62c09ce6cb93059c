"""Teams with leads and handlers with skills, built through the real services."""

from __future__ import annotations

from typing import Any

from cases.models import Team
from cases.services.assignment import team_create
from cases.services.conflicts import staff_profile_ensure
from tests.factories.cases import SYSTEM, make_staff


def make_led_team(code: str, name: str, *, lead: Any = None) -> Team:
    return team_create(code=code, name=name, actor=SYSTEM, lead=lead)


def make_handler(
    team: Team,
    username: str,
    *,
    skills=("trade_dispute",),
    languages=("en",),
    available: bool = True,
    role: str = "Case handler",
) -> Any:
    user = make_staff(role, teams=[team], username=username)
    staff_profile_ensure(
        user=user,
        actor=SYSTEM,
        skills=list(skills),
        languages=list(languages),
        is_available=available,
    )
    return user
