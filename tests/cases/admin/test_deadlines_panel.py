"""The Deadlines panel of the staff case page: each clock with its due time, status (running,
paused, met, missed during which step) and the rule it stands for; the regime's milestones; the
lifecycle steps with how long each took; in English and Chinese, in two queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.enums import CaseState, Category, Priority
from cases.services.clocks import clocks_sweep
from cases.services.intake import message_post_staff
from tests.factories.cases import SYSTEM
from tests.support.admin import change_url
from tests.support.lifecycle import path_to

pytestmark = pytest.mark.django_db


def panel(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('id="deadlines"')
    return html[start : html.index("</div>", html.index('class="cx-full cx-steps"', start))]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def root(client, staff):
    user = staff(None, superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def late_case(case_factory, team, root):
    """A P2 complaint from the UK received ten days ago and taken to investigation: the sweep
    finds its first response (4 hours) and resolution (7 days) overdue during "Investigating";
    then the handler replies (first response met, late). The FCA's 8 weeks still run."""
    case = case_factory(
        team=team,
        priority=Priority.P2,
        received_at=timezone.now() - timedelta(days=10),
        state_path=path_to(CaseState.INVESTIGATING),
    )
    clocks_sweep()
    message_post_staff(case=case, actor=SYSTEM, body="We are looking into it.")
    return type(case).objects.get(pk=case.pk)


def test_each_clock_with_its_status_rule_and_step(client, late_case):
    html = panel(client.get(change_url(late_case), HTTP_ACCEPT_LANGUAGE="en"))
    words = text(html)

    assert "Regulatory regime: UK FCA (DISP 1.6)" in words
    assert "jurisdiction is GB; its deadlines end at midnight, Europe/London time" in words
    # Running clocks first (earliest due first), then the stopped ones.
    order = [words.index(name) for name in ("Resolution target", "Final response (regulatory)")]
    assert order == sorted(order)
    assert words.index("Final response (regulatory)") < words.index("First response")
    # The resolution target: missed during the step the case was in, still running.
    assert re.search(
        r"Resolution target .*Overdue by 3 days Missed on \d+ \w+ \d{4}, \d\d:\d\d UTC during "
        r"Investigating",
        words,
    )
    # The first response: missed, then met by the reply, and how late.
    assert re.search(r"Met on \d+ \w+ \d{4}, \d\d:\d\d UTC by a reply to the customer", words)
    assert re.search(r"9 days \d+ hours late", words)
    # The regulator's deadline: its rule in a sentence and the last day on London's calendar.
    assert "Final response within 8 weeks of receipt (FCA DISP 1.6.2)" in words
    assert "last day:" in words
    assert "Service target set by the exchange" in words
    # What the FCA requires, milestone by milestone.
    assert "Payment services and e-money" in words
    assert "FCA DISP 2.8.2" in words
    # The steps with their durations; the two misses recorded in "Investigating".
    steps = text(html[html.index("cx-steps") :])
    assert re.search(r"Received .* 10 days", steps)
    assert re.search(r"Investigating .*now .*Resolution target, First response", steps)
    assert "cx-step-current" in html
    assert "style=" not in html
    assert "+00:00" not in html  # no raw ISO times


def test_a_paused_clock_says_it_waits_for_the_customer(client, case_factory, team, root):
    case = case_factory(team=team, state_path=path_to(CaseState.AWAITING_CUSTOMER))
    words = text(panel(client.get(change_url(case))))
    assert re.search(r"Resolution target .*Paused since .* waiting for the customer", words)


@pytest.mark.parametrize(
    ("jurisdiction", "category", "regime", "rules"),
    [
        (
            "US",
            Category.TRADE_DISPUTE,
            "US CFPB",
            [
                "Substantive response, or an “in progress” reply, within 15 days of receipt (CFPB)",
                "Final response within 60 days of receipt (CFPB)",
            ],
        ),
        (
            "DE",
            Category.TRADE_DISPUTE,
            "EU MiCA (RTS 2025/294)",
            ["Decision within 2 months of receipt"],
        ),
        (
            "GB",
            Category.DEPOSIT_WITHDRAWAL,
            "UK FCA (DISP 1.6)",
            ["Final response within 15 business days after the day of receipt"],
        ),
    ],
)
def test_each_regime_names_its_deadlines(
    client, case_factory, root, jurisdiction, category, regime, rules
):
    case = case_factory(jurisdiction=jurisdiction, category=category)
    words = text(panel(client.get(change_url(case))))
    assert f"Regulatory regime: {regime}" in words
    for rule in rules:
        assert rule in words


def test_a_query_has_only_service_targets(client, case_factory, root):
    case = case_factory(is_complaint=False)
    words = text(panel(client.get(change_url(case))))
    assert "only the exchange's own service targets apply" in words.replace("&#x27;", "'")
    assert "(regulatory)" not in words


def test_the_panel_in_chinese(client, late_case):
    words = text(panel(client.get(change_url(late_case), HTTP_ACCEPT_LANGUAGE="zh-hans")))
    assert "时限" in words
    assert "首次回复" in words
    assert "已于" in words
    assert "回复客户" in words
    assert "处理阶段" in words
    assert re.search(r"\d{4}年\d+月\d+日 \d\d:\d\d UTC", words)


def test_the_panel_costs_two_queries_however_many_clocks(
    client, case_factory, team, root, late_case, django_assert_max_num_queries
):
    fresh = case_factory(team=team)
    client.get(change_url(fresh))  # warm process-wide caches
    counts = []
    for case in (fresh, late_case):
        # 19: the Letters section's letters sent included (it reads no clock).
        with django_assert_max_num_queries(19) as captured:
            response = client.get(change_url(case))
        assert response.status_code == 200
        counts.append(len(captured))
        sql = [q["sql"] for q in captured.captured_queries]
        assert sum('FROM "cases_caseclock"' in s for s in sql) == 1
        assert sum('FROM "cases_casestep"' in s for s in sql) == 1
    assert counts[0] == counts[1]
