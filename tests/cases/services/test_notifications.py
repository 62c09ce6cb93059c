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
