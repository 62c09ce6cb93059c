"""Rule matching and the handler pick, as truth tables."""

import pytest

from cases.enums import CaseState
from cases.models import RoutingRule
from cases.services.routing import (
    WORKING_STATES,
    routing_pick_handler,
    routing_route_for,
    routing_rule_save,
    routing_team_for,
    workload_for_team,
)
from complaints_site.common.exceptions import ApplicationError
from tests.factories.cases import SYSTEM, make_case, make_team
from tests.support.routing import make_handler

pytestmark = pytest.mark.django_db


def rule(order, team, *, category="", locale="", channel="", auto_assign=False, active=True):
    return routing_rule_save(
        rule=RoutingRule(
            order=order,
            category=category,
            locale=locale,
            channel=channel,
            team=team,
            auto_assign=auto_assign,
            is_active=active,
        ),
        actor=SYSTEM,
        reason="test rule",
    )


@pytest.fixture
def teams():
    return {
        code: make_team(code, code.title())
        for code in ("support", "security", "complaints", "legal", "tech")
    }


@pytest.mark.parametrize(
    ("category", "locale", "channel", "expected"),
    [
        # The specific rule (lower order) beats the generic one for the same category.
        ("account_security", "zh-hans", "web", "legal"),
        # A blank locale matches any language.
        ("account_security", "en", "web", "security"),
        ("account_security", "en", "email", "security"),
        # A blank category matches any category: the Chinese catch-all.
        ("fees", "zh-hans", "web", "support"),
        # Channel-only rule.
        ("fees", "en", "social", "complaints"),
        # The inactive rule for P2P disputes is ignored: fallback to the default team.
        ("p2p_dispute", "en", "web", "support"),
        ("other", "en", "web", "support"),
    ],
)
def test_first_matching_rule_by_order_wins(teams, category, locale, channel, expected):
    rule(10, teams["legal"], category="account_security", locale="zh-hans")
    rule(20, teams["security"], category="account_security")
    rule(30, teams["complaints"], channel="social")
    rule(40, teams["tech"], category="p2p_dispute", active=False)
    rule(90, teams["support"], locale="zh-hans")
    team = routing_team_for(category=category, locale=locale, channel=channel)
    assert team.code == expected


def test_generic_rule_with_lower_order_shadows_a_specific_one(teams):
    rule(5, teams["complaints"])  # blank criteria: everything
    rule(10, teams["security"], category="account_security")
    assert routing_team_for(category="account_security", locale="en", channel="web").code == (
        "complaints"
    )


def test_same_order_goes_to_the_older_rule(teams):
    first = rule(10, teams["security"], category="fees")
    rule(10, teams["legal"], category="fees")
    route = routing_route_for(category="fees", locale="en", channel="web")
    assert route.rule_id == first.pk
    assert route.team.code == "security"


def test_fallback_is_the_default_team_without_auto_assign(teams, settings):
    route = routing_route_for(category="fees", locale="en", channel="web")
    assert (route.team.code, route.auto_assign, route.rule_id) == ("support", False, None)
    settings.INTAKE_DEFAULT_TEAM = "nonexistent"
    assert routing_team_for(category="fees", locale="en", channel="web") is None


def test_rule_save_needs_a_reason_and_keeps_history(teams):
    with pytest.raises(ApplicationError):
        routing_rule_save(rule=RoutingRule(order=1, team=teams["legal"]), actor=SYSTEM, reason="")
    saved = rule(1, teams["legal"], category="fees")
    entry = saved.history.get()
    assert entry.history_change_reason == "test rule"
    assert entry.history_actor == "system:tests"


@pytest.fixture
def security():
    return make_team("security", "Security")


def test_pick_needs_skill_language_availability_and_handling_role(security):
    make_handler(security, "a_no_skill", skills=["fees"], languages=["en"])
    make_handler(security, "b_no_language", skills=["account_security"], languages=["zh-hans"])
    make_handler(security, "c_away", skills=["account_security"], languages=["en"], available=False)
    make_handler(security, "d_no_role", skills=["account_security"], role="Auditor")
    # Skilled, but not in the team.
    make_handler(make_team("legal", "Legal"), "e_other_team", skills=["account_security"])
    picked = routing_pick_handler(team=security, category="account_security", locale="en")
    assert picked is None
    fit = make_handler(security, "z_fits", skills=["account_security", "fees"])
    picked = routing_pick_handler(team=security, category="account_security", locale="en")
    assert picked == fit


def test_pick_skips_an_inactive_account(security):
    gone = make_handler(security, "gone", skills=["account_security"])
    gone.is_active = False
    gone.save()
    assert routing_pick_handler(team=security, category="account_security", locale="en") is None


def test_pick_least_loaded_then_username(security):
    busy = make_handler(security, "amy", skills=["account_security"])
    idle = make_handler(security, "bob", skills=["account_security"])
    tie = make_handler(security, "cat", skills=["account_security"])
    make_case(team=security, assignee=busy)
    make_case(team=security, assignee=busy)
    make_case(team=security, assignee=tie)
    # A withdrawn (terminal) case is not load.
    make_case(team=security, assignee=idle, state_path=["withdraw"])
    assert routing_pick_handler(team=security, category="account_security", locale="en") == idle
    make_case(team=security, assignee=idle)
    # bob and cat have one open case each: the tie goes to the username first in order.
    assert routing_pick_handler(team=security, category="account_security", locale="en") == idle
    assert (
        routing_pick_handler(
            team=security, category="account_security", locale="en", exclude=(idle,)
        )
        == tie
    )


def test_pick_is_one_query(security, django_assert_num_queries):
    for n in range(5):
        user = make_handler(security, f"h{n}", skills=["account_security"])
        make_case(team=security, assignee=user)
    with django_assert_num_queries(1):
        routing_pick_handler(team=security, category="account_security", locale="en")


def test_workload_counts_only_working_states(security):
    handler = make_handler(security, "amy", skills=["trade_dispute"])
    make_case(team=security, assignee=handler)
    make_case(team=security, assignee=handler, state_path=["withdraw"])
    assert CaseState.WITHDRAWN not in WORKING_STATES
    (row,) = workload_for_team(team=security)
    assert (row, row.open_cases) == (handler, 1)
