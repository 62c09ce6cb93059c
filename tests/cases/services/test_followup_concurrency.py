"""The close sweep run twice at once on PostgreSQL (issue 13: the reopening window and the
auto-close sweep run twice concurrently with one effect): each case is closed once, with one
event and one history row."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, transaction

from cases.enums import CaseState
from cases.models import Case, CaseEvent
from cases.services.followup import follow_up_close_sweep
from tests.factories.cases import make_case, make_team
from tests.support.lifecycle import path_to
from tests.support.threads import in_thread, run_all

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def _resolved(n):
    team = make_team("complaints", "Complaints")
    return [make_case(team=team, state_path=path_to(CaseState.RESOLVED)) for _ in range(n)]


def _closed_once(cases):
    for case in cases:
        fresh = Case.objects.get(pk=case.pk)
        assert fresh.state == CaseState.CLOSED
        assert CaseEvent.objects.filter(case=case, type="case.transition.close").count() == 1
        assert fresh.history.filter(state=CaseState.CLOSED).count() == 1


def test_a_second_sweep_waiting_on_the_first_closes_nothing(settings):
    cases = _resolved(3)
    settings.REOPEN_WINDOW = timedelta(0)
    holding = threading.Event()
    results = {}

    def first():
        # Closes every case and holds the row locks a moment before committing, so the second
        # sweep, which chose the same cases, really waits on PostgreSQL's locks.
        with transaction.atomic():
            closed = follow_up_close_sweep()
            holding.set()
            threading.Event().wait(0.5)
            return closed

    def second():
        holding.wait(5)
        return follow_up_close_sweep()

    run_all([in_thread(first, results, "first"), in_thread(second, results, "second")], timeout=20)
    close_old_connections()
    assert results == {"first": 3, "second": 0}
    _closed_once(cases)


def test_two_sweeps_started_together_close_each_case_once(settings):
    cases = _resolved(6)
    settings.REOPEN_WINDOW = timedelta(0)
    barrier = threading.Barrier(2)
    results = {}

    def sweep():
        barrier.wait(5)
        return follow_up_close_sweep()

    run_all([in_thread(sweep, results, i) for i in range(2)], timeout=30)
    close_old_connections()
    assert all(isinstance(n, int) for n in results.values()), results
    assert sum(results.values()) == 6
    _closed_once(cases)
