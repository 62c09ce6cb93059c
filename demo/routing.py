"""Demo routing rules: a few rules of the shape a real desk starts with.

Keyed by `order`: a rule whose order exists already is left alone (a lead may have changed it
since), so seeding twice changes nothing.
"""

from __future__ import annotations

from cases.enums import Category, Locale
from cases.models import RoutingRule, Team
from cases.services.routing import routing_rule_save
from complaints_site.common.actors import Actor

# (order, category, locale, team code, auto_assign)
DEMO_RULES: list[tuple[int, str, str, str, bool]] = [
    (10, Category.ACCOUNT_SECURITY, "", "security", True),
    (20, Category.ACCOUNT_FREEZE_KYC, "", "compliance", False),
    (30, Category.P2P_DISPUTE, "", "complaints", False),
    (40, Category.TRADE_DISPUTE, "", "complaints", False),
    (90, "", Locale.ZH_HANS, "support", False),
]


def seed_routing_rules(*, teams: dict[str, Team], actor: Actor) -> list[int]:
    """Create the demo rules that are missing (by order); returns the orders created."""
    present = set(RoutingRule.objects.values_list("order", flat=True))
    created = []
    for order, category, locale, code, auto_assign in DEMO_RULES:
        if order in present or code not in teams:
            continue
        rule = RoutingRule(
            order=order,
            category=category,
            locale=locale,
            team=teams[code],
            auto_assign=auto_assign,
        )
        routing_rule_save(rule=rule, actor=actor, reason="Demo routing rule")
        created.append(order)
    return created
