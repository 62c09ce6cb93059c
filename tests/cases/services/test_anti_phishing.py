"""The anti-phishing code (issue 14): the user sets it in the portal; every email we send them
shows it near the top (or tells them where to set one); it never reaches a log, a notification
row, the history or an error, however delivery ends."""

import logging

import pytest
from django.apps import apps
from django.core import mail
from django.db import models
from django.db.models import TextField
from django.db.models.functions import Cast

from cases.models import CustomerProfile, Notification, NotificationStatus
from cases.portal.services import customer_anti_phishing_set
from cases.services.notifications import notification_deliver, notification_queue
from cases.tasks import notification_deliver as notification_deliver_task
from complaints_site.common.exceptions import ApplicationError, PermissionDeniedError
from tests.factories.cases import SYSTEM, make_case
from tests.support.notifications import CONTEXTS, customer_kinds

pytestmark = pytest.mark.django_db

CODE = "Zq7Vx9Kp"


@pytest.fixture
def alice(portal_user):
    return portal_user("alice")


def own_case(user, **overrides):
    profile = user.customer_profile
    return make_case(
        customer=user,
        complainant_email=user.email,
        complainant_account_id=profile.exchange_account_id,
        complainant_locale=profile.locale,
        **overrides,
    )


def queue(case, kind="case.message", cause="c1", context=None):
    notification_queue(
        case=case,
        kind=kind,
        cause=cause,
        actor=SYSTEM,
        context={"body": "Hello."} if context is None else context,
    )
    return Notification.objects.get(
        case=case, kind=kind, channel="email", dedupe_key__contains=cause
    )


def deliver(row):
    assert notification_deliver(notification_id=row.pk, actor=SYSTEM) == "sent"
    return mail.outbox[-1]


# --- Setting it ----------------------------------------------------------------------------


def _profile(user):
    return CustomerProfile.objects.get(user=user)


def test_set_change_and_clear_each_leave_a_history_row_without_the_code(alice):
    customer_anti_phishing_set(user=alice, code=CODE)
    assert _profile(alice).anti_phishing_code == CODE
    customer_anti_phishing_set(user=alice, code="  Other42  ")  # trimmed
    assert _profile(alice).anti_phishing_code == "Other42"
    customer_anti_phishing_set(user=alice, code="Other42")  # the same again: nothing happens
    customer_anti_phishing_set(user=alice, code="")
    assert _profile(alice).anti_phishing_code == ""

    rows = list(_profile(alice).history.order_by("history_date", "history_id"))
    assert [r.history_change_reason for r in rows[-3:]] == [
        "Anti-phishing code set",
        "Anti-phishing code changed",
        "Anti-phishing code cleared",
    ]
    assert all(r.history_user_id == alice.pk for r in rows[-3:])
    assert all(r.history_actor == f"user:{alice.pk}:alice" for r in rows[-3:])
    history_columns = {f.name for f in CustomerProfile.history.model._meta.fields}
    assert "anti_phishing_code" not in history_columns


@pytest.mark.parametrize(
    "code",
    [
        "abc",
        "x" * 21,
        "two words",
        "pass-word",
        "密码密码",
        "\uff22lue42",  # a full-width B
        "abc\n123",
        "<b>1234</b>",
    ],
)
def test_a_code_that_is_not_4_to_20_ascii_letters_and_digits_is_refused(alice, code):
    customer_anti_phishing_set(user=alice, code="Keep1234")
    with pytest.raises(ApplicationError) as refused:
        customer_anti_phishing_set(user=alice, code=code)
    assert refused.value.message == (
        "Use 4 to 20 letters (A-Z, a-z) and digits (0-9), with no spaces or other signs."
    )
    assert refused.value.extra["errors"]["code"] == [refused.value.message]
    assert _profile(alice).anti_phishing_code == "Keep1234"


def test_only_a_customer_has_a_code(staff):
    with pytest.raises(PermissionDeniedError):
        customer_anti_phishing_set(user=staff("Support agent"), code=CODE)


# --- In every email ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", customer_kinds())
def test_every_email_starts_with_the_code(alice, kind):
    customer_anti_phishing_set(user=alice, code=CODE)
    case = own_case(alice)
    sent = deliver(queue(case, kind=kind, cause=f"k-{kind}", context=CONTEXTS[kind]))
    first_line, blank, *_rest = sent.body.split("\n")
    assert first_line == f"Your anti-phishing code: {CODE}"
    assert blank == ""
    assert sent.body.count(CODE) == 1
    assert CODE not in sent.subject


def test_the_code_line_is_in_the_recipients_language(portal_user):
    bo = portal_user("bo", locale="zh-hans")
    customer_anti_phishing_set(user=bo, code=CODE)
    sent = deliver(queue(own_case(bo)))
    assert sent.body.startswith(f"您的防钓鱼码：{CODE}\n\n")


def test_a_changed_code_shows_in_the_next_email(alice):
    customer_anti_phishing_set(user=alice, code=CODE)
    case = own_case(alice)
    row = queue(case, cause="before")
    customer_anti_phishing_set(user=alice, code="Changed9")
    # Read when the mail leaves, not when it was queued.
    assert deliver(row).body.startswith("Your anti-phishing code: Changed9\n")


def test_without_a_code_the_email_says_where_to_set_one(alice, settings):
    sent = deliver(queue(own_case(alice)))
    assert sent.body.startswith(
        "Tip: set an anti-phishing code in the customer portal and every email from us will "
        "show it, so you can tell our emails from fakes: "
        f"{settings.PORTAL_BASE_URL.rstrip('/')}/portal/settings/security/\n\n"
    )


def test_a_complainant_without_a_portal_account_gets_the_hint():
    case = make_case()  # by email or API, no portal user
    assert case.customer_id is None
    sent = deliver(queue(case))
    assert sent.body.startswith("Tip: set an anti-phishing code")
    assert "Your anti-phishing code:" not in sent.body


def test_staff_mail_has_no_anti_phishing_line(staff):
    """The SLA sweep's warnings go to colleagues: no customer code, no hint to set one."""
    import uuid

    agent = staff("Support agent")
    case = make_case()
    row = Notification.objects.create(
        dedupe_key=f"staff.clock_warning:{case.pk}:x",
        case=case,
        channel="email",
        kind="staff.clock_warning",
        locale="en",
        recipient_email=agent.email,
        recipient_user=agent,
        context={"clock": "first_response", "due_at": "2027-01-01T10:00:00+00:00"},
        email_message_id=f"<{uuid.uuid4().hex}@exchange.example>",
    )
    body = deliver(row).body
    assert "anti-phishing" not in body
    assert body.startswith(f"Case {case.reference} is assigned to you")


def test_another_users_code_never_shows(alice, portal_user):
    customer_anti_phishing_set(user=alice, code=CODE)
    bob = portal_user("bob")
    sent = deliver(queue(own_case(bob)))
    assert CODE not in sent.body


def test_one_query_reads_the_case_and_the_code(alice, django_assert_max_num_queries):
    customer_anti_phishing_set(user=alice, code=CODE)
    row = queue(own_case(alice))
    # Claim (lock and read with case and profile, update, history, savepoints), send
    # (the message kind reads nothing more), record (lock, update, history).
    with django_assert_max_num_queries(10):
        deliver(row)


# --- Never anywhere else ----------------------------------------------------------------------


def _rows_holding(text):
    """Every (model, field) of the database whose stored text contains `text`."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                lookup = {f"{field.attname}__contains": text}
                if model._base_manager.filter(**lookup).exists():
                    found.append((model._meta.label, field.name))
            elif isinstance(field, models.JSONField):
                query = model._base_manager.annotate(_t=Cast(field.attname, TextField()))
                if query.filter(_t__contains=text).exists():
                    found.append((model._meta.label, field.name))
    return found


def _log_text(caplog):
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
        if record.exc_text:
            parts.append(record.exc_text)
    return "\n".join(parts) + caplog.text


def test_the_code_is_never_logged_or_stored_through_a_delivery_and_a_failed_one(
    alice, settings, caplog
):
    caplog.set_level(logging.DEBUG)
    customer_anti_phishing_set(user=alice, code=CODE)
    case = own_case(alice)

    # A delivery through the task, as a worker runs it.
    sent_row = queue(case, cause="ok")
    notification_deliver_task.delay(sent_row.pk)
    assert Notification.objects.get(pk=sent_row.pk).status == NotificationStatus.SENT
    assert CODE in mail.outbox[-1].body

    # A server that refuses the mail and quotes it back in its error, until we give up.
    settings.EMAIL_BACKEND = "tests.support.failing_mail.QuotingBackend"
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    failed_row = queue(case, cause="refused")
    notification_deliver_task.delay(failed_row.pk)
    failed_row.refresh_from_db()
    assert failed_row.status == NotificationStatus.FAILED
    assert failed_row.last_error == "SMTPDataError"
    assert any("failed: SMTPDataError" in r.getMessage() for r in caplog.records)

    assert caplog.records  # the logs were captured at DEBUG
    assert CODE not in _log_text(caplog)
    # Stored in one place only: the profile (not a notification, its context, its history,
    # an event, the profile's history).
    assert _rows_holding(CODE) == [("cases.CustomerProfile", "anti_phishing_code")]
