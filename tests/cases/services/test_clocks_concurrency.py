"""The SLA sweep run twice at once on PostgreSQL (issue 14: "the sweep run twice concurrently
with one warning and one escalation"): the second pass waits on the first one's row locks,
re-checks its condition and claims nothing."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import close_old_connections, connection, transaction

from cases import roles
from cases.enums import CaseEventType, ClockKind
from cases.models import CaseClock, CaseEvent, Notification
from cases.services.clocks import clocks_sweep
from tests.factories.cases import make_case, make_staff, make_team
from tests.support.threads import in_thread, run_all

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

RECEIVED = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)


def _cases(n):
    team = make_team("complaints", "Complaints")
    handler = make_staff(roles.CASE_HANDLER, teams=[team])
    lead = make_staff(roles.TEAM_LEAD, teams=[team])
    team.lead = lead
    team.save()
    return [make_case(team=team, assignee=handler, received_at=RECEIVED) for _ in range(n)]


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query ILIKE 'UPDATE%%cases_caseclock%%'"
        )
        return cursor.fetchone()[0] > 0


def _once_each(cases, *, type, kind, per_clock_mails):
    for case in cases:
        clock = CaseClock.objects.get(case=case, kind=kind)
        events = CaseEvent.objects.filter(case=case, type=type, data__clock=kind)
        assert events.count() == 1
        mails = Notification.objects.filter(case=case, context__clock=kind)
        assert mails.count() == per_clock_mails
        assert clock.sweep_token is not None


def test_a_second_sweep_waiting_on_the_first_warns_and_escalates_nothing():
    cases = _cases(3)
    first_due = CaseClock.objects.get(case=cases[0], kind=ClockKind.FIRST_RESPONSE).due_at
    now = first_due + timedelta(minutes=1)
    claimed, released = threading.Event(), threading.Event()
    results = {}

    def first():
        # Claims every breached clock, then holds its row locks until the second pass is
        # seen waiting on them in PostgreSQL.
        with transaction.atomic():
            result = clocks_sweep(now=now)
            claimed.set()
            released.wait(20)
            return result

    def second():
        claimed.wait(10)
        return clocks_sweep(now=now)

    threads = [in_thread(first, results, "first"), in_thread(second, results, "second")]
    for thread in threads:
        thread.start()
    claimed.wait(10)
    for _ in range(100):
        if _waiting_on_a_lock():
            break
        threading.Event().wait(0.05)
    else:
        pytest.fail("the second sweep never waited on the first one's locks")
    released.set()
    for thread in threads:
        thread.join(30)
    close_old_connections()

    assert results["first"].breached == 3  # first response of each case
    assert (results["second"].breached, results["second"].warned) == (0, 0)
    _once_each(
        cases, type=CaseEventType.CLOCK_BREACHED, kind=ClockKind.FIRST_RESPONSE, per_clock_mails=2
    )


def test_two_sweeps_started_together_warn_each_clock_once():
    cases = _cases(8)
    warn_at = CaseClock.objects.get(case=cases[0], kind=ClockKind.FIRST_RESPONSE).warn_at
    now = warn_at + timedelta(minutes=1)
    start = threading.Barrier(2)
    results = {}

    def sweep():
        start.wait(10)
        return clocks_sweep(now=now)

    run_all([in_thread(sweep, results, n) for n in range(2)], timeout=30)
    close_old_connections()

    assert not any(isinstance(r, Exception) for r in results.values()), results
    assert sum(r.warned for r in results.values()) == 8
    _once_each(
        cases, type=CaseEventType.CLOCK_WARNED, kind=ClockKind.FIRST_RESPONSE, per_clock_mails=1
    )
