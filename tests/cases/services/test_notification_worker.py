"""Notifications through a real Celery worker on Redis that is killed (SIGKILL) in the middle
of a batch and started again (issue 14: "never lost, never doubled").

30 emails are queued; the worker takes them one by one and hangs on the 11th while talking to
the "mail server" (a file backend, tests/support/hanging_mail.py); the test kills it there.
A new worker takes the rest; the killed attempt's lease runs out; the delivery sweep sends it.
Every Message-ID must be in the mail folder exactly once.

The second test kills the worker after the server accepted the 11th message and before the
sent mark committed: the one window where a repeat is possible (docs/notifications.md,
"Delivery guarantees"). It is sent again once, with the same Message-ID, and nothing else is.
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter

import pytest
from django.utils import timezone

from cases.models import Notification, NotificationChannel, NotificationStatus
from cases.services.notifications import notification_queue
from cases.tasks import notifications_deliver_due
from tests.factories.cases import SYSTEM, make_case
from tests.support.celery_worker import BROKER, quick_redelivery, wait_for, workers_on_own_queue
from tests.support.hanging_mail import message_ids

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not BROKER, reason="needs CELERY_BROKER_URL (Redis); CI sets it"),
]

N = 30
HANG_AT = 11
LEASE = 3  # seconds, instead of twice the task time limit


@pytest.fixture
def workers(tmp_path):
    with workers_on_own_queue(tmp_path) as started:
        yield started


def _queue_emails() -> list[Notification]:
    """N email notifications on three cases; each queues its delivery task on commit (eager
    mode is off: the tasks wait in Redis for a worker)."""
    cases = [make_case() for _ in range(3)]
    rows = []
    for i in range(N):
        (row,) = notification_queue(
            case=cases[i % 3],
            kind="case.message",
            cause=f"batch-{i}",
            actor=SYSTEM,
            context={"body": f"Message {i}"},
            channels=[NotificationChannel.EMAIL],
        )
        rows.append(row)
    return rows


def _status(pk: int) -> str:
    return Notification.objects.get(pk=pk).status


def _killed_mid_batch(workers, tmp_path, when: str):
    mail = tmp_path / "mail"
    mail.mkdir()
    flag = tmp_path / "hanging"
    common = {
        "TEST_EMAIL_FILE_PATH": str(mail),
        "TEST_EMAIL_BACKEND": "tests.support.hanging_mail.Backend",
        "NOTIFICATION_LEASE_SECONDS": str(LEASE),
        "CELERY_BROKER_TRANSPORT_OPTIONS": quick_redelivery(2),
    }
    rows = _queue_emails()
    first = workers.start(
        "first",
        MAIL_HANG_AT=str(HANG_AT),
        MAIL_HANG_FLAG=str(flag),
        MAIL_HANG_WHEN=when,
        **common,
    )
    assert wait_for(flag.exists, timeout=60), workers.log("first")
    hung_id = flag.read_text()
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=20)
    assert first.returncode == -signal.SIGKILL

    hung = Notification.objects.get(email_message_id=hung_id)
    # The attempt was claimed (committed) before the send: counted, leased, not sent.
    assert (hung.status, hung.attempts) == (NotificationStatus.PENDING, 1)
    claim = hung.history.latest()
    assert claim.history_change_reason == "Sending (attempt 1)"
    assert abs((hung.next_attempt_at - claim.history_date).total_seconds() - LEASE) < 1
    done = Notification.objects.filter(pk__in=[r.pk for r in rows], status="sent").count()
    assert done == HANG_AT - 1

    workers.start("restarted", **common)
    others = [r.pk for r in rows if r.pk != hung.pk]
    assert wait_for(lambda: all(_status(pk) == "sent" for pk in others), timeout=90), workers.log(
        "restarted"
    )
    # The lease of the killed attempt runs out; the periodic sweep (queued to the worker)
    # sends it. Nobody sent it meanwhile: not the redelivered task, not a sweep.
    while True:
        row = Notification.objects.get(pk=hung.pk)
        if row.next_attempt_at <= timezone.now():
            break
        assert row.status == NotificationStatus.PENDING
        time.sleep(0.2)
    notifications_deliver_due.delay()
    assert wait_for(lambda: _status(hung.pk) == "sent", timeout=30), workers.log("restarted")
    time.sleep(1.5)  # any straggling duplicate would land by now
    return rows, hung, Counter(message_ids(mail))


def test_a_worker_killed_mid_send_sends_each_notification_exactly_once(workers, tmp_path):
    rows, hung, sent = _killed_mid_batch(workers, tmp_path, "before")
    assert set(sent) == {r.email_message_id for r in rows}
    assert set(sent.values()) == {1}, [mid for mid, n in sent.items() if n != 1]
    assert len(sent) == N
    hung.refresh_from_db()
    assert hung.attempts == 2  # the killed attempt counts
    reasons = [h.history_change_reason for h in hung.history.order_by("history_date")]
    assert reasons[-3:] == ["Sending (attempt 1)", "Sending (attempt 2)", "Delivered"]
    for row in Notification.objects.filter(pk__in=[r.pk for r in rows]).exclude(pk=hung.pk):
        assert row.attempts == 1


def test_a_worker_killed_after_the_server_accepted_repeats_only_that_mail_with_its_id(
    workers, tmp_path
):
    """The documented window: accepted by the mail server, killed before the sent mark. The
    repeat carries the same Message-ID, which mail clients and providers collapse."""
    rows, hung, sent = _killed_mid_batch(workers, tmp_path, "after")
    assert set(sent) == {r.email_message_id for r in rows}
    assert sent[hung.email_message_id] == 2
    assert {mid: n for mid, n in sent.items() if mid != hung.email_message_id} == {
        r.email_message_id: 1 for r in rows if r.pk != hung.pk
    }
