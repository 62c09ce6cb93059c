"""The one door into cases: what every channel gets from `intake_submit` / `intake_reply`."""

import pytest
from django.core import mail

from cases.models import (
    Case,
    CaseEvent,
    Evidence,
    Message,
    Notification,
    NotificationStatus,
)
from cases.services.assignment import case_assign
from cases.services.intake import (
    IncomingFile,
    IntakeReply,
    case_set_complaint_flag,
    intake_reply,
    intake_submit,
    message_post_staff,
)
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from complaints_site.common.tasks import _queue_seal
from tests.factories.cases import SYSTEM, make_customer, make_staff, make_team, submission
from tests.support import files

pytestmark = pytest.mark.django_db


def test_submit_registers_once_with_reference_message_and_acknowledgement(
    django_capture_on_commit_callbacks,
):
    make_team("support", "Customer support")
    with django_capture_on_commit_callbacks(execute=True):
        result = intake_submit(submission=submission(), actor=SYSTEM)
    case = Case.objects.get()
    assert result.created
    assert result.case == case
    assert case.reference.startswith("CX-")
    assert case.complainant_email == "trader@example.com"
    assert case.team.code == "support"
    assert case.is_complaint
    assert case.priority == "P2"
    assert Message.objects.get().body.startswith("My USDT withdrawal")
    kinds = set(CaseEvent.objects.values_list("type", flat=True))
    assert kinds == {"case.opened"}  # routed at birth: no second save, no reassignment
    opened = CaseEvent.objects.get()
    assert opened.data["team"] == "support"
    assert opened.data["classification"].startswith("complaint")
    # The team reaches the case at once, through its group's object permissions.
    from cases.selectors.cases import case_list_for_staff

    agent = make_staff("Support agent", teams=[case.team])
    assert case_list_for_staff(user=agent).filter(pk=case.pk).exists()
    sent = Notification.objects.filter(status=NotificationStatus.SENT)
    assert sorted(sent.values_list("channel", flat=True)) == ["email", "portal"]
    (email,) = mail.outbox
    assert case.reference in email.subject
    assert email.extra_headers["Auto-Submitted"] == "auto-generated"
    assert email.reply_to[0].startswith("complaints+" + case.reference.lower() + ".")


def test_acknowledgement_is_in_the_users_language(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        intake_submit(submission=submission(locale="zh-hans"), actor=SYSTEM)
    (email,) = mail.outbox
    assert "我们已收到您的投诉" in email.subject


def test_nothing_leaves_before_commit_and_nothing_after_rollback(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        intake_submit(submission=submission(), actor=SYSTEM)
    assert mail.outbox == []
    # One delivery hook, plus at most the audit chain's one sealing hook (docs/audit.md).
    assert len([c for c in callbacks if c is not _queue_seal]) == 1
    assert len(callbacks) <= 2


def test_bad_input_stores_nothing():
    with pytest.raises(ApplicationError) as exc_info:
        intake_submit(
            submission=submission(email="not-an-email", category="nonsense", subject=" "),
            actor=SYSTEM,
        )
    errors = exc_info.value.extra["errors"]
    assert set(errors) == {"complainant_email", "category", "subject"}
    assert Case.objects.count() == Message.objects.count() == Notification.objects.count() == 0


def test_secrets_are_redacted_before_storage_and_the_user_is_warned(
    django_capture_on_commit_callbacks,
):
    phrase = "legal winner thank year wave sausage worth useful legal winner thank yellow"
    with django_capture_on_commit_callbacks(execute=True):
        result = intake_submit(
            submission=submission(description=f"I typed my phrase {phrase} into a site"),
            actor=SYSTEM,
        )
    case = result.case
    assert "sausage" not in case.description
    assert "sausage" not in Message.objects.get().body
    assert case.redactions == ["seed_phrase"]
    assert "never ask for your recovery phrase" in mail.outbox[0].body


def test_a_bad_attachment_is_refused_alone(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = intake_submit(
            submission=submission(
                attachments=(
                    IncomingFile("ok.png", files.png()),
                    IncomingFile("invoice.png", files.WINDOWS_EXE),
                )
            ),
            actor=SYSTEM,
        )
    assert [r.name for r in result.refused] == ["invoice.png"]
    evidence = Evidence.objects.get()
    assert evidence.original_name == "ok.png"
    assert evidence.message == result.message
    assert "invoice.png" in mail.outbox[0].body


def test_queries_are_classified_and_get_low_priority():
    result = intake_submit(
        submission=submission(
            subject="How do I change my phone number?", description="Where is it?", category="other"
        ),
        actor=SYSTEM,
    )
    assert result.case.is_complaint is False
    assert result.case.priority == "P4"


def test_funds_at_risk_is_p1():
    result = intake_submit(
        submission=submission(
            category="account_security", description="My account was hacked, funds stolen"
        ),
        actor=SYSTEM,
    )
    assert result.case.priority == "P1"


def test_case_is_put_on_the_portal_of_the_account_owner():
    alice = make_customer("alice", account_id="UID-1001")
    result = intake_submit(submission=submission(account_id="UID-1001"), actor=SYSTEM)
    assert result.case.customer == alice
    other = intake_submit(submission=submission(account_id="UID-9999"), actor=SYSTEM)
    assert other.case.customer is None


def test_email_cases_may_come_without_an_account_id():
    result = intake_submit(submission=submission(channel="email", account_id=""), actor=SYSTEM)
    assert result.case.complainant_account_id == ""
    with pytest.raises(ApplicationError):
        intake_submit(submission=submission(channel="api", account_id=""), actor=SYSTEM)


def test_reply_adds_a_message_and_refuses_only_bad_files(django_capture_on_commit_callbacks):
    case = intake_submit(submission=submission(), actor=SYSTEM).case
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = intake_reply(
            reply=IntakeReply(
                case=case,
                channel="email",
                body="Here is the screenshot. 2FA code 123456",
                attachments=(
                    IncomingFile("shot.png", files.png()),
                    IncomingFile("x.png", files.HTML_PAGE),
                ),
                author_label="trader@example.com",
            ),
            actor=SYSTEM,
        )
    assert result.message.body == "Here is the screenshot. 2FA code [redacted: one time code]"
    assert case.evidence.count() == 1
    assert [r.code for r in result.refused] == ["disguised"]
    assert [m.subject for m in mail.outbox] == [
        f"[{case.reference}] Some of your attachments were not accepted"
    ]


def test_empty_reply_and_reply_on_withdrawn_case_are_refused():
    case = intake_submit(submission=submission(), actor=SYSTEM).case
    with pytest.raises(ApplicationError):
        intake_reply(reply=IntakeReply(case=case, channel="web", body="  "), actor=SYSTEM)
    from cases.services.lifecycle import case_transition

    case_transition(case=case, transition="withdraw", actor=SYSTEM, reason="user withdrew")
    with pytest.raises(ConflictError):
        intake_reply(reply=IntakeReply(case=case, channel="web", body="hello"), actor=SYSTEM)


def test_staff_reply_notifies_and_stops_the_first_response_clock(
    staff, team, django_capture_on_commit_callbacks
):
    case = intake_submit(submission=submission(), actor=SYSTEM).case
    # The agent works the case through their team: a staff reply needs the case within reach
    # (checked by the service itself since issue 11, with the recusal check).
    case = case_assign(case=case, actor=SYSTEM, reason="setup", team=team)
    agent = staff("Support agent", teams=[team])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message_post_staff(case=case, actor=agent, body="We are looking into it.")
        message_post_staff(case=case, actor=agent, body="internal only", internal=True)
    case.refresh_from_db()
    assert case.first_response_at is not None
    assert len(mail.outbox) == 1
    assert "We are looking into it." in mail.outbox[0].body


def test_complaint_flag_changes_only_with_a_reason(staff, team):
    case = intake_submit(submission=submission(), actor=SYSTEM).case
    case = case_assign(case=case, actor=SYSTEM, reason="setup", team=team)
    lead = staff("Team lead", teams=[team])
    outsider = staff("Team lead")
    with pytest.raises(PermissionDeniedError):  # a lead of another team does not reach it
        case_set_complaint_flag(case=case, actor=outsider, is_complaint=False, reason="Fees")
    with pytest.raises(ApplicationError):
        case_set_complaint_flag(case=case, actor=lead, is_complaint=False, reason="")
    case = case_set_complaint_flag(
        case=case, actor=lead, is_complaint=False, reason="Only asks how fees work"
    )
    assert case.is_complaint is False
    event = CaseEvent.objects.get(type="case.classification.changed")
    assert event.reason == "Only asks how fees work"
    assert event.actor == lead
    assert case.history.latest().history_change_reason == "Only asks how fees work"
