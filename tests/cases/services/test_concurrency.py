"""Two real database connections racing on one case, and many on the reference sequence."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from cases.enums import CaseState
from cases.models import Case, CaseEvent
from cases.services.lifecycle import case_transition
from complaints_site.common.exceptions import ConflictError
from tests.factories.cases import make_case, make_staff
from tests.support.threads import in_thread, run_all

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_concurrent_transitions_only_one_wins():
    case = make_case()
    root = make_staff(None, superuser=True)
    locked = threading.Event()
    results = {}

    def first():
        # Holds the row lock across a pause, so the second really waits on PostgreSQL's lock.
        with transaction.atomic():
            done = case_transition(
                case=case,
                transition="start_assessment",
                actor=root,
                reason="first",
                expected_state=CaseState.RECEIVED,
            )
            assert connection.in_atomic_block
            locked.set()
            threading.Event().wait(0.5)
            return done.state

    def second():
        locked.wait(5)
        return case_transition(
            case=case,
            transition="withdraw",
            actor=root,
            reason="second",
            expected_state=CaseState.RECEIVED,
        )

    threads = [in_thread(first, results, "first"), in_thread(second, results, "second")]
    run_all(threads, timeout=10)
    close_old_connections()

    assert results["first"] == CaseState.ASSESSING
    assert isinstance(results["second"], ConflictError)
    assert "changed meanwhile" in results["second"].message
    case.refresh_from_db()
    assert case.state == CaseState.ASSESSING
    # Nothing half-written: open + one transition in history and in events.
    assert case.history.count() == 2
    assert list(CaseEvent.objects.filter(case=case).values_list("type", flat=True)) == [
        "case.opened",
        "case.transition.start_assessment",
    ]


def test_same_transition_twice_at_once_runs_once():
    case = make_case()
    root = make_staff(None, superuser=True)
    barrier = threading.Barrier(4)
    results = {}

    def attempt():
        barrier.wait(5)
        return case_transition(case=case, transition="start_assessment", actor=root, reason="go")

    threads = [in_thread(attempt, results, i) for i in range(4)]
    run_all(threads, timeout=10)
    wins = [r for r in results.values() if isinstance(r, Case)]
    conflicts = [r for r in results.values() if isinstance(r, ConflictError)]
    assert (len(wins), len(conflicts)) == (1, 3)
    assert CaseEvent.objects.filter(case=case, type="case.transition.start_assessment").count() == 1


def test_stale_instance_cannot_overwrite_a_newer_state():
    """ConcurrentTransitionMixin: an instance loaded before another transition committed."""
    from django_fsm import ConcurrentTransition

    case = make_case()
    stale = Case.objects.get(pk=case.pk)
    case_transition(
        case=case,
        transition="start_assessment",
        actor=make_staff(None, superuser=True),
        reason="first",
    )
    stale.withdraw()
    with pytest.raises(ConcurrentTransition):
        stale.save()
    assert Case.objects.get(pk=case.pk).state == CaseState.ASSESSING


def test_references_are_unique_under_concurrent_inserts():
    barrier = threading.Barrier(8)
    results = {}

    def open_cases():
        barrier.wait(5)
        return [make_case().reference for _ in range(5)]

    threads = [in_thread(open_cases, results, i) for i in range(8)]
    run_all(threads, timeout=30)
    references = [ref for refs in results.values() for ref in refs]
    assert len(references) == 40
    assert len(set(references)) == 40
    assert Case.objects.count() == 40
