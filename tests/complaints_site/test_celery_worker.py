"""Celery for real: a worker process on Redis delivering the outbox of this test's database.

Eager mode hides real behaviour (RELIABILITY.md), so these tests start `celery worker` as a
subprocess against the test database and the broker of CELERY_BROKER_URL (CI sets it).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from cases.models import Notification, NotificationStatus
from cases.services.intake import intake_submit
from complaints_site.celery import app
from tests.factories.cases import SYSTEM, submission
from tests.support.django_process import ROOT

BROKER = os.environ.get("CELERY_BROKER_URL", "")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not BROKER, reason="needs CELERY_BROKER_URL (Redis); CI sets it"),
]


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker(tmp_path):
    """A real worker on a queue of its own; the test process sends to it (eager off)."""
    queue = f"test-{os.getpid()}-{time.monotonic_ns()}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "complaints_site.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "CELERY_REAL_BROKER": "1",
        "TEST_EMAIL_FILE_PATH": str(mail_dir),
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "complaints_site",
            "worker",
            "-P",
            "solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    saved = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        yield mail_dir
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = saved
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _mails(mail_dir: Path) -> list[str]:
    return [p.read_text() for p in sorted(mail_dir.glob("*.log"))]


def test_worker_delivers_the_acknowledgement_after_commit(worker):
    case = intake_submit(submission=submission(), actor=SYSTEM).case
    email = Notification.objects.get(case=case, channel="email")
    assert _wait_for(
        lambda: Notification.objects.get(pk=email.pk).status == NotificationStatus.SENT
    ), "the worker did not deliver the notification"
    (sent,) = _mails(worker)
    assert case.reference in sent
    assert "Auto-Submitted: auto-generated" in sent
    row = Notification.objects.get(pk=email.pk)
    assert row.history.latest().history_actor == "system:task:notification_deliver"


def test_the_same_task_run_twice_sends_once(worker):
    from cases.tasks import notification_deliver

    case = intake_submit(submission=submission(), actor=SYSTEM).case
    email = Notification.objects.get(case=case, channel="email")
    # The on-commit task plus two more deliveries of the same id, as a redelivery would do.
    notification_deliver.delay(email.pk)
    notification_deliver.delay(email.pk)
    assert _wait_for(
        lambda: Notification.objects.get(pk=email.pk).status == NotificationStatus.SENT
    )
    time.sleep(1.5)  # let the duplicates run too
    assert len(_mails(worker)) == 1
    assert Notification.objects.get(pk=email.pk).attempts == 1


def test_worker_sweep_closes_a_case_whose_customer_never_answered(worker):
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from cases.models import Case, CaseEvent
    from cases.services.lifecycle import case_transition
    from cases.tasks import info_requests_sweep

    case = intake_submit(submission=submission(), actor=SYSTEM).case
    case = case_transition(case=case, transition="start_assessment", actor=SYSTEM, reason="r")
    case = case_transition(
        case=case,
        transition="request_info",
        actor=SYSTEM,
        reason="r",
        info_request="Which network did you use?",
    )
    # Test setup only: the request was made long ago (the worker runs on the real clock).
    Case.objects.filter(pk=case.pk).update(
        paused_at=timezone.now() - settings.INFO_REQUEST_CLOSE_AFTER - timedelta(hours=1)
    )

    info_requests_sweep.delay()
    info_requests_sweep.delay()  # a second run, as a re-delivery would do

    assert _wait_for(lambda: Case.objects.get(pk=case.pk).state == "closed")
    time.sleep(1.5)
    closed = CaseEvent.objects.get(case=case, type="case.transition.close_unanswered")
    assert closed.actor_label == "system:task:info_requests_sweep"
    assert Notification.objects.filter(case=case, kind="case.closed_unanswered").count() == 2
