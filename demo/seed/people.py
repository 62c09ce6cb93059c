"""Seeding the people: logins (one per role, the portal customers, the API client), teams with
their leads and members, staff profiles, and the specialist's declared conflict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from cases import roles
from cases.models import ConflictDeclaration, CustomerProfile, StaffProfile, Team
from cases.models.recusal import ConflictKind
from cases.services.assignment import team_create, team_member_add
from cases.services.conflicts import conflict_declaration_submit, staff_profile_ensure
from demo.data.investigation import DEMO_CONFLICT
from demo.data.people import (
    ACCOUNTS,
    ACTOR,
    API_CLIENT_USERNAME,
    DEMO_PASSWORD,
    PORTAL_JURISDICTIONS,
    PORTAL_LOCALES,
    TEAMS,
    USERS,
)


@dataclass
class SeedResult:
    users_created: list[str] = field(default_factory=list)
    teams_created: list[str] = field(default_factory=list)
    cases_created: list[str] = field(default_factory=list)
    cases_present: int = 0
    clocks_warned: int = 0
    clocks_breached: int = 0


class PasswordHash:
    """One hash of the demo password, computed at most once per run (hashing is slow on
    purpose, and every demo login has the same published password)."""

    def __init__(self) -> None:
        self._value = ""

    def __str__(self) -> str:
        if not self._value:
            self._value = make_password(DEMO_PASSWORD)
        return self._value


def seed_users(result: SeedResult) -> dict[str, Any]:
    User = get_user_model()
    password = PasswordHash()
    users = {}
    for spec in USERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": spec.email,
                "is_staff": spec.staff or spec.superuser,
                "is_superuser": spec.superuser,
            },
        )
        if created:
            user.password = str(password)
            user.save(update_fields=["password"])
            if spec.role:
                user.groups.add(Group.objects.get(name=spec.role))
            result.users_created.append(spec.username)
        users[spec.username] = user
    for username, account_id in ACCOUNTS.items():
        if not CustomerProfile.objects.filter(user=users[username]).exists():
            CustomerProfile.objects.create(
                user=users[username],
                exchange_account_id=account_id,
                locale=PORTAL_LOCALES[username],
                jurisdiction=PORTAL_JURISDICTIONS[username],
            )
    client, created = User.objects.get_or_create(
        username=API_CLIENT_USERNAME, defaults={"first_name": "Exchange", "last_name": "backend"}
    )
    if created:
        client.set_unusable_password()
        client.save(update_fields=["password"])
        client.groups.add(Group.objects.get(name=roles.API_CLIENT))
        result.users_created.append(API_CLIENT_USERNAME)
    users[API_CLIENT_USERNAME] = client
    return users


def seed_teams(users: dict[str, Any], result: SeedResult) -> dict[str, Team]:
    existing = {team.code: team for team in Team.objects.filter(code__in=[c for c, _ in TEAMS])}
    leads = {code: users[u.username] for u in USERS for code in u.leads}
    teams = {}
    for code, name in TEAMS:
        team = existing.get(code)
        if team is None:
            team = team_create(code=code, name=name, actor=ACTOR, lead=leads.get(code))
            result.teams_created.append(code)
        teams[code] = team
    return teams


def seed_staff(users: dict[str, Any], teams: dict[str, Team], result: SeedResult) -> None:
    profiles = StaffProfile.objects.filter(user__in=users.values())
    with_profile = set(profiles.values_list("user__username", flat=True))
    for spec in USERS:
        # Only for users this run created: a demo login changed by hand since is left alone.
        if not spec.staff or spec.username not in result.users_created:
            continue
        user = users[spec.username]
        for code in spec.teams:
            team_member_add(team=teams[code], user=user, actor=ACTOR)
        if spec.username not in with_profile:
            staff_profile_ensure(
                user=user,
                actor=ACTOR,
                languages=list(spec.languages),
                skills=[str(s) for s in spec.skills],
                exchange_account_id=spec.exchange_account_id,
            )


def seed_conflict(users: dict[str, Any]) -> None:
    staff = users[DEMO_CONFLICT["staff"]]
    if ConflictDeclaration.objects.filter(staff=staff).exists():
        return
    conflict_declaration_submit(
        staff=staff,
        actor=staff,
        kind=ConflictKind.RELATIONSHIP,
        exchange_account_id=DEMO_CONFLICT["exchange_account_id"],
        related_party=DEMO_CONFLICT["related_party"],
        details=DEMO_CONFLICT["details"],
    )
