"""The case list's "Next deadline": the badge (overdue, due soon or warned, later, paused,
none), the "Deadline" and "regulatory regime" filters, the sort by time to breach with cases
without a deadline last, and a query count that does not grow with the rows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.enums import CaseState, Priority
from cases.services.clocks import clocks_sweep
from tests.support.admin import changelist_url, listed_pks
from tests.support.lifecycle import path_to

pytestmark = pytest.mark.django_db

ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
CELL = re.compile(r'<td class="field-next_deadline">(.*?)</td>', re.S)


def received(hours: float):
    return timezone.now() - timedelta(hours=hours)


@pytest.fixture
def cases(case_factory, team):
    """One case per badge, made at moments that put its earliest deadline where wanted."""
    made = {
        # P2: first response within 4 hours, due 6.5 hours ago.
        "overdue": case_factory(priority=Priority.P2, received_at=received(10.5)),
        # Due in 2.5 hours: within SLA_RISK_HOURS (4). A US customer: the CFPB's deadlines.
        "soon": case_factory(priority=Priority.P2, received_at=received(1.5), jurisdiction="US"),
        # P4: 72 hours, warned at 75 % (54 h) by the sweep below, due in 12 hours.
        "warned": case_factory(priority=Priority.P4, received_at=received(60)),
        # P3: 24 hours, due in 23. A German customer: MiCA.
        "later": case_factory(priority=Priority.P3, received_at=received(1), jurisdiction="DE"),
        # Waiting for the customer: the service targets pause, the FCA's 8 weeks run on.
        "paused": case_factory(
            team=team, priority=Priority.P3, state_path=path_to(CaseState.AWAITING_CUSTOMER)
        ),
        # A query (no regulatory clock) waiting for the customer: nothing runs.
        "paused_query": case_factory(
            team=team,
            priority=Priority.P3,
            is_complaint=False,
            state_path=path_to(CaseState.AWAITING_CUSTOMER),
        ),
        "none": case_factory(state_path=path_to(CaseState.WITHDRAWN)),
    }
    clocks_sweep()
    return {name: type(case).objects.get(pk=case.pk) for name, case in made.items()}


@pytest.fixture
def root_client(client, staff):
    client.force_login(staff(None, superuser=True))
    return client


def badges(response) -> dict[str, str]:
    """The "Next deadline" cell of each listed case, by reference."""
    html = response.content.decode()
    cells = {}
    for row in ROW.findall(html):
        cell = CELL.search(row)
        reference = re.search(r"CX-\d{4}-\d+", row)
        if cell and reference:
            cells[reference.group(0)] = cell.group(1)
    return cells


def test_each_case_gets_the_badge_of_its_earliest_deadline(root_client, cases):
    cells = badges(root_client.get(changelist_url()))

    def cell(name):
        return cells[cases[name].reference]

    assert "cx-deadline-overdue" in cell("overdue")
    assert "Overdue by 6 hours" in cell("overdue")
    assert "First response" in cell("overdue")
    assert "cx-deadline-soon" in cell("soon")
    assert "Due in 2 hours" in cell("soon")
    # Amber although 12 hours away: its warning went out.
    assert "cx-deadline-soon" in cell("warned")
    assert "Due in 11 hours" in cell("warned")
    assert "cx-deadline-later" in cell("later")
    assert "Due in 22 hours" in cell("later")
    # Paused service targets, but the regulator's final response still runs: both shown.
    assert "cx-deadline-paused" in cell("paused")
    assert "Paused" in cell("paused")
    assert "Final response (regulatory)" in cell("paused")
    assert re.search(r"Due in 5[56] days", cell("paused"))
    assert "cx-deadline-paused" in cell("paused_query")
    assert "Due in" not in cell("paused_query")
    assert "cx-deadline-none" in cell("none")
    # Words and classes, never inline styles or raw timestamps.
    for html in cells.values():
        assert "style=" not in html
        assert "+00:00" not in html


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("overdue", {"overdue"}),
        ("soon", {"soon"}),
        ("paused", {"paused", "paused_query"}),
        ("none", {"none"}),
    ],
)
def test_the_deadline_filter(root_client, cases, choice, expected):
    response = root_client.get(changelist_url(), {"deadline": choice})
    assert listed_pks(response) == {cases[name].pk for name in expected}


def test_the_deadline_filter_names_its_choices_in_words(root_client, cases):
    html = root_client.get(changelist_url()).content.decode()
    for words in ("Overdue", "Due within 4 hours", "Paused (waiting for the customer)"):
        assert words in html
    assert "By regulatory regime" in html or "regulatory regime" in html.lower()
    assert "US CFPB" in html


@pytest.mark.parametrize(("regime", "expected"), [("cfpb", {"soon"}), ("mica", {"later"})])
def test_the_regime_filter(root_client, cases, regime, expected):
    response = root_client.get(changelist_url(), {"regime__exact": regime})
    assert listed_pks(response) == {cases[name].pk for name in expected}


def _ordered(client, sign: str) -> list[int]:
    first = client.get(changelist_url())
    column = first.context["cl"].list_display.index("next_deadline")
    response = client.get(changelist_url(), {"o": f"{sign}{column}"})
    return [case.pk for case in response.context["cl"].result_list]


def test_sorted_by_time_to_breach_with_no_deadline_last_both_ways(root_client, cases):
    ticking = ["overdue", "soon", "warned", "later", "paused"]
    without = {cases["paused_query"].pk, cases["none"].pk}

    ascending = _ordered(root_client, "")
    assert ascending[:5] == [cases[name].pk for name in ticking]
    assert set(ascending[5:]) == without

    descending = _ordered(root_client, "-")
    assert descending[:5] == [cases[name].pk for name in reversed(ticking)]
    assert set(descending[5:]) == without


def test_the_list_costs_the_same_few_queries_for_few_and_many_cases(
    root_client, case_factory, django_assert_max_num_queries
):
    for hours in (1, 3, 30):
        case_factory(priority=Priority.P2, received_at=received(hours))
    clocks_sweep()
    column = root_client.get(changelist_url()).context["cl"].list_display.index("next_deadline")
    query = {"o": str(column), "deadline": "overdue"}
    root_client.get(changelist_url(), query)  # warm process-wide caches
    counts = []
    for extra in (0, 30):
        for i in range(extra):
            case_factory(priority=Priority.P2, received_at=received(5 + i))
        clocks_sweep()
        with django_assert_max_num_queries(7) as captured:
            response = root_client.get(changelist_url(), query)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert len(listed_pks(response)) == 31
