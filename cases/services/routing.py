"""Routing: which team a new case goes to, and (when the rule says so) which handler.

Rules (`RoutingRule`) are read with the default team in one small query per new case, not
cached: a cache per process would serve a rule a lead just switched off for as long as it
lives, and the rule table is a handful of rows on an index. The handler pick is one aggregate
query over the team's members.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext as _

from cases.enums import WORKING_STATES
from cases.models import RoutingRule, Team
from complaints_site.common.actors import Actor
from complaints_site.common.exceptions import ApplicationError
from complaints_site.common.history import stamp


@dataclass(frozen=True)
class Route:
    """Where a new case goes: the team, and whether to pick a handler in it at once."""

    team: Team | None
    auto_assign: bool = False
    rule_id: int | None = None


def _matching_rules(*, category: str, locale: str, channel: str):
    return (
        RoutingRule.objects.filter(is_active=True)
        .filter(Q(category="") | Q(category=category))
        .filter(Q(locale="") | Q(locale=locale))
        .filter(Q(channel="") | Q(channel=channel))
        .order_by("order", "id")
    )


def routing_route_for(*, category: str, locale: str, channel: str) -> Route:
    """The first active rule (lowest `order`, then oldest) whose non-blank criteria all match.

    Blank criteria match anything, so a specific rule must carry a lower `order` than a generic
    one to win. No rule matches: the default team (`INTAKE_DEFAULT_TEAM`), without auto-assign,
    or no team at all if that team does not exist.

    One query either way: the rule's team and the default team are fetched together, the
    rule's first (its subqueries run once per statement), so the intake path costs what the
    default-team lookup alone cost before routing.
    """
    first = _matching_rules(category=category, locale=locale, channel=channel)
    rule_team = Subquery(first.values("team_id")[:1])
    team = (
        Team.objects.filter(Q(pk=rule_team) | Q(code=settings.INTAKE_DEFAULT_TEAM))
        .annotate(
            from_rule=SqlCase(When(pk=rule_team, then=Value(1)), default=Value(0)),
            rule_id=Subquery(first.values("id")[:1]),
            rule_auto_assign=Subquery(first.values("auto_assign")[:1]),
        )
        .only("id", "code", "name", "group_id")
        .order_by("-from_rule")
        .first()
    )
    if team is None:
        return Route(team=None)
    if team.from_rule:
        return Route(team=team, auto_assign=bool(team.rule_auto_assign), rule_id=team.rule_id)
    return Route(team=team)


def routing_team_for(*, category: str, locale: str, channel: str) -> Team | None:
    """The team a new case with these attributes goes to (see `routing_route_for`)."""
    return routing_route_for(category=category, locale=locale, channel=channel).team


def _handler_candidates(*, team: Team):
    """Active staff in `team` who may handle cases and are available, each annotated with the
    number of working cases assigned to them, least loaded first, then by username."""
    may_investigate = Permission.objects.filter(
        content_type__app_label="cases", codename="investigate_case"
    ).filter(Q(group__user=OuterRef("pk")) | Q(user=OuterRef("pk")))
    return (
        get_user_model()
        .objects.filter(
            team_memberships__team=team,
            is_active=True,
            is_staff=True,
            staff_profile__is_available=True,
        )
        .filter(Q(is_superuser=True) | Exists(may_investigate))
        .annotate(
            open_cases=Count("assigned_cases", filter=Q(assigned_cases__state__in=WORKING_STATES))
        )
        .select_related("staff_profile")
        .order_by("open_cases", "username")
    )


def routing_pick_handler(
    *, team: Team, category: str, locale: str, exclude: tuple[Any, ...] = ()
) -> Any | None:
    """An available member of `team` who handles `category` and speaks `locale`, with the fewest
    working cases; ties go to the username first in order. None when nobody fits.

    One query. Skills and languages (JSON lists on the staff profile) are matched in Python over
    the team's few members, which also works on databases without JSON containment.
    `exclude` takes users (or ids) who must not get the case, e.g. those recused from it.
    """
    excluded = {getattr(u, "pk", u) for u in exclude}
    for user in _handler_candidates(team=team):
        profile = user.staff_profile
        if user.pk in excluded:
            continue
        if category in (profile.skills or []) and locale in (profile.languages or []):
            return user
    return None


def workload_for_team(*, team: Team) -> list[Any]:
    """The team's available handlers with `open_cases`, least loaded first (one query)."""
    return list(_handler_candidates(team=team))


@transaction.atomic
def routing_rule_save(*, rule: RoutingRule, actor: Actor, reason: str) -> RoutingRule:
    """Create or change a routing rule; the history row carries the actor and the reason.

    Raises ApplicationError without a reason or without a team.
    """
    if not (reason or "").strip():
        raise ApplicationError(
            _("A reason is required."), extra={"errors": {"reason": [_("Required.")]}}
        )
    if rule.team_id is None:
        raise ApplicationError(
            _("A routing rule needs a team."), extra={"errors": {"team": [_("Required.")]}}
        )
    stamp(rule, actor=actor, reason=reason.strip())
    rule.save()
    return rule
