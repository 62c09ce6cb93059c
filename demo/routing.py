"""Demo routing rules: a few rules of the shape a real desk starts with.

Keyed by `order`: a rule whose order exists already is left alone (a lead may have changed it
since), so seeding twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from cases.enums import Category, Locale
from cases.models import RoutingRule, Team
from cases.services.routing import routing_rule_save
from complaints_site.common.actors import Actor


@dataclass(frozen=True)
class DemoRule:
    order: int
    team: str  # team code
    category: str = ""  # any category
    locale: str = ""  # any locale
    auto_assign: bool = False


DEMO_RULES: list[DemoRule] = [
    DemoRule(order=10, category=Category.ACCOUNT_SECURITY, team="security", auto_assign=True),
    DemoRule(order=20, category=Category.ACCOUNT_FREEZE_KYC, team="compliance"),
    DemoRule(order=30, category=Category.P2P_DISPUTE, team="complaints"),
    DemoRule(order=40, category=Category.TRADE_DISPUTE, team="complaints"),
    DemoRule(order=90, locale=Locale.ZH_HANS, team="support"),
]


def seed_routing_rules(*, teams: dict[str, Team], actor: Actor) -> list[int]:
    """Create the demo rules that are missing (by order); returns the orders created."""
    present = set(RoutingRule.objects.values_list("order", flat=True))
    created = []
    for demo_rule in DEMO_RULES:
        if demo_rule.order in present or demo_rule.team not in teams:
            continue
        rule = RoutingRule(
            order=demo_rule.order,
            category=demo_rule.category,
            locale=demo_rule.locale,
            team=teams[demo_rule.team],
            auto_assign=demo_rule.auto_assign,
        )
        routing_rule_save(rule=rule, actor=actor, reason="Demo routing rule")
        created.append(demo_rule.order)
    return created
