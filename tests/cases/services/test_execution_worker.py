"""Execution at the exchange on real Celery workers with Redis, with the worker killed (SIGKILL)
or the answer lost right after the exchange performed the action (issue 13, "the crash test").

Each worker is a `celery worker` subprocess on this test's database. The gateway is the demo
ledger wrapped by `tests.support.crash_gateway`: after performing an action it kills its own
worker (or raises a timeout) once, while the marker file exists. The ledger must then hold the
action exactly once, and the action end done with the exchange's original reference.
"""

from __future__ import annotations

import signal
from datetime import timedelta

import pytest

from cases.enums import ActionExecutionState as X
from cases.enums import AttemptOutcome, CaseState
from cases.models import Case, CaseEvent, ExecutionAttempt, OfferAction
from cases.services.execution import execution_sweep
from demo.models import LedgerAction
from tests.support.celery_worker import BROKER, quick_redelivery, wait_for, workers_on_own_queue
from tests.support.execution import REFUND, accepted_case, exchange_actions

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not BROKER, reason="needs CELERY_BROKER_URL (Redis); CI sets it"),
]

CRASH = "tests.support.crash_gateway.CrashAfterPerform"
TIMEOUT = "tests.support.crash_gateway.TimeoutAfterPerform"


@pytest.fixture
def marker(tmp_path):
    """The fault fires once: the gateway deletes the file as it fires."""
    path = tmp_path / "fault-once"
    path.touch()
    return path


@pytest.fixture
def workers(tmp_path):
    with workers_on_own_queue(tmp_path) as started:
        yield started


def _attempts(action):
    return list(ExecutionAttempt.objects.filter(action=action).order_by("number"))


def _state(action) -> str:
    return OfferAction.objects.get(pk=action.pk).execution_state


def _killed_after_the_call(workers, marker, **env):
    """A worker takes the acceptance, starts the execution, performs the refund at the
    exchange and is killed before it records the answer."""
    first = workers.start("first", EXCHANGE_GATEWAY=CRASH, CRASH_MARKER=str(marker), **env)
    case = accepted_case(actions=[REFUND])  # its on-commit task goes to the worker
    first.wait(timeout=45)
    assert first.returncode == -signal.SIGKILL, workers.log("first")
    assert not marker.exists()
    (refund,) = exchange_actions(case)
    # Performed at the exchange, nothing recorded: running, one attempt without an answer.
    (paid,) = LedgerAction.objects.filter(idempotency_key=refund.idempotency_key)
    assert refund.execution_state == X.RUNNING
    assert [a.outcome for a in _attempts(refund)] == [AttemptOutcome.STARTED]
    return case, refund, paid


def _done_once(case, refund, paid, *, attempts):
    action = OfferAction.objects.get(pk=refund.pk)
    assert action.execution_state == X.DONE
    assert action.ledger_reference == paid.result["reference"]
    assert LedgerAction.objects.filter(idempotency_key=refund.idempotency_key).count() == 1
    assert LedgerAction.objects.count() == 1
    recorded = _attempts(refund)
    assert [a.outcome for a in recorded] == attempts
    assert recorded[-1].replayed is True
    assert recorded[-1].ledger_reference == paid.result["reference"]
    assert wait_for(lambda: Case.objects.get(pk=case.pk).state == CaseState.RESOLVED)
    events = CaseEvent.objects.filter(case=case, type="case.transition.complete_execution")
    assert events.count() == 1


def test_a_worker_killed_after_the_call_pays_once_after_its_restart(workers, marker):
    """SIGKILL between the exchange's answer and its record; the message stays unacknowledged
    in Redis and the restarted worker gets it again after the (shortened) visibility timeout."""
    redelivery = {"CELERY_BROKER_TRANSPORT_OPTIONS": quick_redelivery(3)}
    case, refund, paid = _killed_after_the_call(workers, marker, **redelivery)

    workers.start("restarted", EXCHANGE_GATEWAY=CRASH, CRASH_MARKER=str(marker), **redelivery)

    assert wait_for(lambda: _state(refund) == X.DONE, timeout=40), workers.log("restarted")
    _done_once(case, refund, paid, attempts=[AttemptOutcome.STARTED, AttemptOutcome.DONE])
    first_try, replay = _attempts(refund)
    assert first_try.worker != replay.worker  # another process asked again


def test_when_the_broker_does_not_redeliver_the_sweep_finishes_the_action(
    workers, marker, settings
):
    """The belt: with Redis's default visibility timeout (an hour) the killed worker's message
    stays parked; the execution sweep queues the stale action again."""
    case, refund, paid = _killed_after_the_call(workers, marker)
    workers.start("restarted", EXCHANGE_GATEWAY=CRASH, CRASH_MARKER=str(marker))
    assert not wait_for(lambda: _state(refund) != X.RUNNING, timeout=3)

    settings.EXECUTION_STALE_AFTER = timedelta(0)  # this process's sweep, queued to the worker
    assert execution_sweep()["actions"] == 1

    assert wait_for(lambda: _state(refund) == X.DONE, timeout=30), workers.log("restarted")
    _done_once(case, refund, paid, attempts=[AttemptOutcome.STARTED, AttemptOutcome.DONE])


def test_a_timed_out_call_that_the_exchange_performed_pays_once(workers, marker):
    """The exchange performs the refund but its answer never arrives in time: the attempt
    records the exchange as unavailable, the task retries after its countdown and the repeat
    gets the original result."""
    workers.start(
        "worker", EXCHANGE_GATEWAY=TIMEOUT, CRASH_MARKER=str(marker), EXECUTION_RETRY_SECONDS="1"
    )
    case = accepted_case(actions=[REFUND])
    (refund,) = exchange_actions(case)

    assert wait_for(lambda: _state(refund) == X.DONE, timeout=40), workers.log("worker")

    assert not marker.exists()
    paid = LedgerAction.objects.get(idempotency_key=refund.idempotency_key)
    _done_once(case, refund, paid, attempts=[AttemptOutcome.UNAVAILABLE, AttemptOutcome.DONE])
    timed_out = _attempts(refund)[0]
    assert timed_out.status_code == 504
    assert timed_out.replayed is False
    assert "Retry in 1s" in workers.log("worker")
