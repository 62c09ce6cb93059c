"""The case list's count: exact up to the cap, the planner's estimate beyond it, and the
estimate costs one EXPLAIN however many rows."""

from __future__ import annotations

import pytest

from cases.admin.paginator import CappedCountPaginator
from cases.models import Case
from cases.roles import CASE_HANDLER
from cases.selectors.cases import case_list_for_staff

pytestmark = pytest.mark.django_db


class SmallCap(CappedCountPaginator):
    count_cap = 3


def test_exact_up_to_the_cap(case_factory, team, staff):
    agent = staff(CASE_HANDLER, teams=[team])
    for _ in range(3):
        case_factory(team=team)
    case_factory()  # not the agent's
    paginator = SmallCap(case_list_for_staff(user=agent), 2)
    assert paginator.count == 3
    assert not paginator.is_estimate


@pytest.mark.postgres
def test_estimate_beyond_the_cap_in_two_queries(
    case_factory, team, staff, django_assert_num_queries
):
    agent = staff(CASE_HANDLER, teams=[team])
    for _ in range(6):
        case_factory(team=team)
    paginator = SmallCap(case_list_for_staff(user=agent).order_by("-received_at"), 2)
    with django_assert_num_queries(2):  # the capped count, then one EXPLAIN
        count = paginator.count
    assert count >= 4
    assert paginator.is_estimate
    assert len(paginator.page(1).object_list) == 2
    assert Case.objects.count() == 6
