"""The outbox: written with the change, delivered after commit, retried, never doubled."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cases.models import Notification, NotificationStatus
from cases.services.intake import intake_submit
from cases.services.notifications import (
    notification_deliver,
    notification_queue,
    notifications_due_ids,
)
from cases.tasks import notifications_deliver_due
from tests.factories.cases import SYSTEM, submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        return intake_submit(submission=submission(), actor=SYSTEM).case


def _email_row(case):
    return Notification.objects.get(case=case, channel="email", kind="case.acknowledged")


def test_queueing_twice_for_one_cause_is_one_row(case):
    again = notification_queue(case=case, kind="case.acknowledged", cause="intake", actor=SYSTEM)
    assert {n.pk for n in again} == set(
        Notification.objects.filter(case=case).values_list("pk", flat=True)
    )
    assert Notification.objects.filter(case=case).count() == 2  # email + portal


def test_delivering_twice_sends_once(case):
    row = _email_row(case)
    assert notification_deliver(notification_id=row.pk, actor=SYSTEM) == "sent"
    assert notification_deliver(notification_id=row.pk, actor=SYSTEM) == "skipped"
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    assert row.attempts == 1
    sent = mail.outbox[0]
    assert sent.extra_headers["Message-ID"] == row.email_message_id
    assert sent.to == [case.complainant_email]


def test_a_failed_send_is_retried_with_backoff_then_given_up(case, settings):
    settings.EMAIL_BACKEND = "tests.support.failing_mail.Backend"
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    row = _email_row(case)
    assert notification_deliver(notification_id=row.pk, actor=SYSTEM) == "retry"
    row.refresh_from_db()
    assert row.status == NotificationStatus.PENDING
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=30)
    assert row.last_error == "ConnectionRefusedError"
    # Not due yet: the sweep leaves it alone.
    assert row.pk not in notifications_due_ids()
    assert notification_deliver(notification_id=row.pk, actor=SYSTEM) == "not_due"
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert notification_deliver(notification_id=row.pk, actor=SYSTEM) == "failed"
    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED
    assert row.attempts == 2


def test_the_sweep_delivers_what_is_due_and_recovers_after_an_outage(case, settings):
    settings.EMAIL_BACKEND = "tests.support.failing_mail.Backend"
    assert notifications_deliver_due() == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Notification.objects.update(next_attempt_at=timezone.now())
    assert notifications_deliver_due() == 1
    assert len(mail.outbox) == 1
    assert notifications_deliver_due() == 0


def test_every_delivery_is_in_the_history_with_a_system_actor(case):
    row = _email_row(case)
    notification_deliver(notification_id=row.pk, actor=SYSTEM)
    latest = row.history.latest()
    assert latest.history_change_reason == "Delivered"
    assert latest.history_actor == "system:tests"


# --- The claim: counted, leased, committed before the send ------------------------------------


def test_a_worker_that_dies_mid_send_leaves_a_counted_attempt_and_a_lease(case, settings):
    from tests.support.failing_mail import WorkerDied

    settings.EMAIL_BACKEND = "tests.support.failing_mail.DyingBackend"
    row = _email_row(case)
    before = timezone.now()
    with pytest.raises(WorkerDied):
        notification_deliver(notification_id=row.pk, actor=SYSTEM)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.PENDING, 1)
    lease = timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)
    assert before + lease <= row.next_attempt_at <= timezone.now() + lease
    assert row.history.latest().history_change_reason == "Sending (attempt 1)"
    # Nobody sends it again while the lease runs: not a redelivered task, not the sweep.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_deliver(notification_id=row.pk, actor=SYSTEM) == "not_due"
    assert row.pk not in notifications_due_ids()
    assert mail.outbox == []
    # The lease ran out: the sweep sends it, with the Message-ID it always had.
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert notifications_deliver_due() == 1
    (sent,) = mail.outbox
    assert sent.extra_headers["Message-ID"] == row.email_message_id
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 2)
    reasons = list(row.history.order_by("history_date").values_list("history_change_reason"))
    assert [r for (r,) in reasons][-3:] == [
        "Sending (attempt 1)",
        "Sending (attempt 2)",
        "Delivered",
    ]


def test_a_mail_that_kills_every_worker_is_given_up_not_looped(case, settings):
    from tests.support.failing_mail import WorkerDied

    settings.EMAIL_BACKEND = "tests.support.failing_mail.DyingBackend"
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    row = _email_row(case)
    for _ in range(2):
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        with pytest.raises(WorkerDied):
            notification_deliver(notification_id=row.pk, actor=SYSTEM)
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert notification_deliver(notification_id=row.pk, actor=SYSTEM) == "failed"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("failed", 2, "WorkerLost")
    assert row.history.latest().history_change_reason == ("Delivery abandoned: no attempt finished")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_claim_is_committed_and_no_transaction_is_open_while_sending(settings):
    from tests.support import failing_mail

    case = intake_submit(submission=submission(), actor=SYSTEM).case  # delivered eagerly
    row = _email_row(case)
    assert row.status == NotificationStatus.SENT
    settings.EMAIL_BACKEND = "tests.support.failing_mail.WitnessBackend"
    failing_mail.SEEN.clear()
    again = notification_queue(case=case, kind="case.message", cause="m1", actor=SYSTEM)
    email = next(n for n in again if n.channel == "email")
    in_transaction, (status, attempts, lease_end) = failing_mail.SEEN[-1]
    assert in_transaction is False
    # Read by the backend from the database: the claim was there before the mail left.
    assert (status, attempts) == ("pending", 1)
    assert lease_end > timezone.now() + timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS - 60)
    assert Notification.objects.get(pk=email.pk).status == NotificationStatus.SENT
