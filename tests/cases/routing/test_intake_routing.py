"""Intake routes each new case by rule and, where the rule says so, assigns it at birth."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseEvent, RoutingRule
from cases.selectors.cases import case_list_for_staff
from cases.services.intake import intake_submit
from cases.services.routing import routing_rule_save
from tests.factories.cases import SYSTEM, make_case, make_team, submission
from tests.support.routing import make_handler

pytestmark = pytest.mark.django_db


def rule(order, team, **fields):
    return routing_rule_save(
        rule=RoutingRule(order=order, team=team, **fields), actor=SYSTEM, reason="test rule"
    )


@pytest.fixture
def support():
    return make_team("support", "Customer support")


@pytest.fixture
def security():
    return make_team("security", "Security")


def test_intake_routes_by_rule_and_the_team_reaches_the_case(support, security):
    rule(10, security, category="account_security")
    result = intake_submit(
        submission=submission(category="account_security", description="Someone logged in."),
        actor=SYSTEM,
    )
    case = Case.objects.get(pk=result.case.pk)
    assert case.team == security
    assert case.assignee is None
    opened = CaseEvent.objects.get(case=case)
    assert opened.data["team"] == "security"
    member = make_handler(security, "sec1")
    outsider = make_handler(support, "sup1")
    assert case_list_for_staff(user=member).filter(pk=case.pk).exists()
    assert not case_list_for_staff(user=outsider).filter(pk=case.pk).exists()


def test_intake_by_language_and_channel(support, security):
    complaints = make_team("complaints", "Complaints")
    rule(10, security, locale="zh-hans", channel="email")
    rule(20, complaints, channel="email")
    zh = intake_submit(submission=submission(locale="zh-hans", channel="email"), actor=SYSTEM)
    en = intake_submit(submission=submission(channel="email"), actor=SYSTEM)
    web = intake_submit(submission=submission(channel="web"), actor=SYSTEM)
    assert (zh.case.team, en.case.team, web.case.team) == (security, complaints, support)


def test_auto_assign_picks_the_least_loaded_fitting_handler_with_permissions(security):
    rule(10, security, category="account_security", auto_assign=True)
    busy = make_handler(security, "amy", skills=["account_security"])
    idle = make_handler(security, "bob", skills=["account_security"])
    make_handler(security, "al_zh", skills=["account_security"], languages=["zh-hans"])
    make_case(team=security, assignee=busy)
    result = intake_submit(
        submission=submission(category="account_security", description="Password reset."),
        actor=SYSTEM,
    )
    case = Case.objects.get(pk=result.case.pk)
    assert (case.team, case.assignee) == (security, idle)
    assert CaseEvent.objects.get(case=case).data["assignee"] == "bob"
    # The handler reaches the case through their own grant, not only the team's: after leaving
    # the team they still see it, with view and change.
    from cases.policies import may_reach_case
    from cases.services.assignment import team_member_remove

    team_member_remove(team=security, user=idle, actor=SYSTEM, reason="test")
    idle = type(idle).objects.get(pk=idle.pk)
    assert case_list_for_staff(user=idle).filter(pk=case.pk).exists()
    assert may_reach_case(idle, case, change=True)
    # The history row of the case records the assignee at birth.
    assert case.history.get().assignee_id == idle.pk


def test_auto_assign_with_nobody_fitting_leaves_the_case_in_the_team_queue(security):
    rule(10, security, category="account_security", auto_assign=True)
    make_handler(security, "away", skills=["account_security"], available=False)
    result = intake_submit(submission=submission(category="account_security"), actor=SYSTEM)
    case = Case.objects.get(pk=result.case.pk)
    assert (case.team, case.assignee) == (security, None)


def _count_intake(**fields) -> int:
    with CaptureQueriesContext(connection) as ctx:
        intake_submit(submission=submission(**fields), actor=SYSTEM)
    return len(ctx.captured_queries)


def test_intake_query_count_stays_bounded(support, security, django_assert_max_num_queries):
    """Routing costs intake nothing without auto-assign (the rules and the default team are one
    query, as the default-team lookup was) and two statements with it: one to pick a handler,
    one to grant them the case."""
    for n in range(10):
        handler = make_handler(security, f"h{n}", skills=["account_security"])
        make_case(team=security, assignee=handler)
    _count_intake()  # warm caches (content types, permissions)
    fallback = _count_intake()
    rule(10, support, category="fees")
    by_rule = _count_intake(category="fees")
    rule(20, security, category="account_security", auto_assign=True)
    assigned = _count_intake(category="account_security", description="x")
    assert by_rule == fallback
    assert assigned == by_rule + 2
    with django_assert_max_num_queries(fallback + 2):
        intake_submit(
            submission=submission(category="account_security", description="y"), actor=SYSTEM
        )
    print(f"intake statements: fallback={fallback} by_rule={by_rule} auto_assign={assigned}")
