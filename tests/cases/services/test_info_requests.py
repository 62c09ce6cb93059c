"""Asking the customer for information: the question goes out, the clocks pause and resume, the
customer's reply resumes the case, and the sweep reminds once and closes silent cases."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from cases import roles, tasks
from cases.enums import CaseState, ClockKind
from cases.models import Case, CaseClock, CaseEvent, Message, MessageDirection, Notification
from cases.services.info_requests import SWEEP_ACTOR, SweepResult, info_requests_sweep
from cases.services.intake import REPLY_ACTOR, IntakeReply, intake_reply
from cases.services.lifecycle import case_transition
from cases.services.notifications import notification_render
from complaints_site.common.exceptions import ApplicationError
from tests.factories.cases import SYSTEM
from tests.support.lifecycle import path_to

pytestmark = pytest.mark.django_db

QUESTION = "Please send the transaction id of the withdrawal."


@pytest.fixture
def clock(monkeypatch):
    """Set `django.utils.timezone.now` (what the services and models call) to a fixed moment;
    `clock(None)` lets the real time run again."""
    real_now = timezone.now

    def set_to(moment):
        monkeypatch.setattr(
            "django.utils.timezone.now", real_now if moment is None else lambda: moment
        )

    return set_to


@pytest.fixture
def handler(staff, team):
    return staff(roles.CASE_HANDLER, teams=[team])


def _investigating(case_factory, team):
    return case_factory(team=team, state_path=path_to(CaseState.INVESTIGATING))


def _ask(case, actor, question=QUESTION):
    return case_transition(
        case=case,
        transition="request_info",
        actor=actor,
        reason="Need the txid",
        info_request=question,
    )


def _kinds(case, kind):
    return sorted(
        Notification.objects.filter(case=case, kind=kind).values_list("channel", flat=True)
    )


# --- request_info -----------------------------------------------------------------------------


def test_request_info_without_a_question_is_refused_and_changes_nothing(
    case_factory, team, handler
):
    case = _investigating(case_factory, team)
    history, events = case.history.count(), CaseEvent.objects.filter(case=case).count()

    with pytest.raises(ApplicationError) as exc_info:
        case_transition(case=case, transition="request_info", actor=handler, reason="Need more")

    assert type(exc_info.value) is ApplicationError
    assert "customer is asked to provide" in exc_info.value.message
    assert exc_info.value.extra["errors"]["conditions"]
    case.refresh_from_db()
    assert case.state == CaseState.INVESTIGATING
    assert case.paused_at is None
    assert case.first_response_at is None
    assert case.history.count() == history
    assert CaseEvent.objects.filter(case=case).count() == events
    assert not Message.objects.filter(case=case, direction=MessageDirection.OUTBOUND).exists()
    assert not Notification.objects.filter(case=case, kind="case.info_requested").exists()


def test_a_second_request_without_a_question_is_refused(case_factory, team, handler):
    case = _investigating(case_factory, team)
    case = _ask(case, handler)
    case = case_transition(case=case, transition="resume", actor=handler, reason="Answered")
    outbound = Message.objects.filter(case=case, direction=MessageDirection.OUTBOUND).count()

    with pytest.raises(ApplicationError):
        case_transition(case=case, transition="request_info", actor=handler, reason="Again")

    case.refresh_from_db()
    assert case.state == CaseState.INVESTIGATING
    assert (
        Message.objects.filter(case=case, direction=MessageDirection.OUTBOUND).count() == outbound
    )


def test_request_info_sends_the_question_as_a_public_message(case_factory, team, handler):
    case = _investigating(case_factory, team)
    history = case.history.count()
    assert case.first_response_at is None

    case = _ask(case, handler)

    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_CUSTOMER
    assert case.state_before_pause == CaseState.INVESTIGATING
    assert case.info_request == QUESTION
    assert case.paused_at is not None
    message = Message.objects.get(case=case, direction=MessageDirection.OUTBOUND)
    assert message.body == QUESTION
    assert message.author == handler
    assert _kinds(case, "case.info_requested") == ["email", "portal"]
    email = Notification.objects.get(case=case, kind="case.info_requested", channel="email")
    assert email.recipient_email == case.complainant_email
    assert email.context["body"] == QUESTION
    # The question is the first response, written in the transition's one history row.
    assert case.first_response_at is not None
    assert case.history.count() == history + 1
    record = case.history.latest()
    assert record.history_change_reason == "Need the txid"
    assert record.history_user == handler
    assert record.first_response_at == case.first_response_at
    transition = CaseEvent.objects.get(case=case, type="case.transition.request_info")
    assert transition.data == {"info_request": QUESTION}
    assert CaseEvent.objects.filter(case=case, type="case.info.requested").count() == 1


# --- the clocks -------------------------------------------------------------------------------


def test_resume_moves_the_service_clocks_by_the_time_waited(case_factory, team, handler, clock):
    case = _ask(_investigating(case_factory, team), handler)
    case.refresh_from_db()
    assert case.resolution_due_at is not None
    assert case.final_response_due_at is not None
    before = {
        "first": case.first_response_due_at,
        "resolution": case.resolution_due_at,
        "final": case.final_response_due_at,
        "paused_total": case.paused_total,
    }
    waited = timedelta(hours=5, minutes=7)
    clock(case.paused_at + waited)

    case = case_transition(case=case, transition="resume", actor=handler, reason="Answered")

    clock(None)
    case.refresh_from_db()
    assert case.state == CaseState.INVESTIGATING
    assert case.paused_at is None
    assert case.resolution_due_at == before["resolution"] + waited
    # The regulatory deadline never moves.
    assert case.final_response_due_at == before["final"]
    # The question itself was the first response, so that clock has stopped and stays put.
    assert case.first_response_at is not None
    assert case.first_response_due_at == before["first"]
    assert case.paused_total == before["paused_total"] + waited


def test_resume_moves_the_first_response_clock_while_nobody_has_answered(
    case_factory, team, handler, clock
):
    """The clock rule on its own (the service always answers first when it asks): a first
    response still owed while the case waited moves by the wait too, like the resolution."""
    case = _ask(_investigating(case_factory, team), handler)
    first = CaseClock.objects.get(case=case, kind=ClockKind.FIRST_RESPONSE)
    # As if the question had not counted as an answer: the clock still runs, paused.
    CaseClock.objects.filter(pk=first.pk).update(met_at=None, met_by="", paused_at=case.paused_at)
    first.refresh_from_db()
    resolution = CaseClock.objects.get(case=case, kind=ClockKind.RESOLUTION, met_at__isnull=True)
    waited = timedelta(hours=2)
    clock(case.paused_at + waited)

    case = case_transition(case=case, transition="resume", actor=handler, reason="Answered")

    moved = {c.kind: c for c in CaseClock.objects.filter(case=case, met_at__isnull=True)}
    assert moved[ClockKind.FIRST_RESPONSE].due_at == first.due_at + waited
    assert moved[ClockKind.FIRST_RESPONSE].paused_at is None
    assert moved[ClockKind.RESOLUTION].due_at == resolution.due_at + waited
    case.refresh_from_db()
    assert case.first_response_due_at == first.due_at + waited
    assert case.next_due_at == min(c.due_at for c in moved.values())


def test_customer_reply_resumes_the_case_to_the_step_that_asked(case_factory, team):
    case = case_factory(team=team, state_path=path_to(CaseState.AWAITING_CUSTOMER, via="assessing"))
    assert case.state == CaseState.AWAITING_CUSTOMER

    result = intake_reply(
        reply=IntakeReply(
            case=case,
            channel="email",
            body="The txid is 0xabc123.",
            author_label=case.complainant_email,
        ),
        actor=SYSTEM,
    )

    case.refresh_from_db()
    assert result.case.state == CaseState.ASSESSING
    assert case.state == CaseState.ASSESSING
    assert case.paused_at is None
    assert case.state_before_pause == ""
    event = CaseEvent.objects.get(case=case, type="case.transition.resume")
    assert event.actor_label == REPLY_ACTOR.label == "system:intake:reply"
    assert event.actor is None
    assert (event.from_state, event.to_state) == (CaseState.AWAITING_CUSTOMER, CaseState.ASSESSING)
    assert Message.objects.filter(
        case=case, direction=MessageDirection.INBOUND, body="The txid is 0xabc123."
    ).exists()


# --- the sweep --------------------------------------------------------------------------------


def _waiting_since(case_factory, team, actor, clock, ago):
    case = _investigating(case_factory, team)
    clock(timezone.now() - ago)
    case = _ask(case, actor)
    clock(None)
    return case


def test_sweep_reminds_once_closes_the_silent_and_leaves_the_rest(
    case_factory, team, handler, clock
):
    day = timedelta(days=1)
    to_close = _waiting_since(
        case_factory, team, handler, clock, settings.INFO_REQUEST_CLOSE_AFTER + day
    )
    to_remind = _waiting_since(
        case_factory, team, handler, clock, settings.INFO_REQUEST_REMINDER_AFTER + day
    )
    fresh = _waiting_since(case_factory, team, handler, clock, day)

    assert info_requests_sweep() == SweepResult(reminded=1, closed=1)

    to_remind.refresh_from_db()
    assert to_remind.state == CaseState.AWAITING_CUSTOMER
    assert to_remind.info_reminder_at is not None
    assert _kinds(to_remind, "case.info_reminder") == ["email", "portal"]
    reminder = Notification.objects.get(case=to_remind, kind="case.info_reminder", channel="email")
    assert reminder.context["question"] == QUESTION
    assert CaseEvent.objects.filter(case=to_remind, type="case.info.reminded").count() == 1

    to_close.refresh_from_db()
    assert to_close.state == CaseState.CLOSED
    assert to_close.closed_at is not None
    assert to_close.paused_at is None
    closed = CaseEvent.objects.get(case=to_close, type="case.transition.close_unanswered")
    assert closed.actor_label == SWEEP_ACTOR.label
    assert _kinds(to_close, "case.closed_unanswered") == ["email", "portal"]
    assert not Notification.objects.filter(case=to_close, kind="case.info_reminder").exists()

    fresh_before = Case.objects.get(pk=fresh.pk)
    assert fresh_before.state == CaseState.AWAITING_CUSTOMER
    assert fresh_before.info_reminder_at is None
    assert not Notification.objects.filter(
        case=fresh, kind__in=["case.info_reminder", "case.closed_unanswered"]
    ).exists()

    # Again: nothing more.
    notifications = Notification.objects.count()
    events = CaseEvent.objects.count()
    assert info_requests_sweep() == SweepResult(reminded=0, closed=0)
    assert Notification.objects.count() == notifications
    assert CaseEvent.objects.count() == events


def test_the_celery_task_runs_the_sweep_and_returns_its_counts(case_factory, team, handler, clock):
    _waiting_since(
        case_factory,
        team,
        handler,
        clock,
        settings.INFO_REQUEST_REMINDER_AFTER + timedelta(hours=1),
    )

    assert tasks.info_requests_sweep.delay().get() == {"reminded": 1, "closed": 0}
    assert tasks.info_requests_sweep.delay().get() == {"reminded": 0, "closed": 0}


# --- rendering --------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["en", "zh-hans"])
def test_each_new_notification_renders_with_the_reference_and_the_question(
    case_factory, team, handler, clock, locale
):
    day = timedelta(days=1)
    reminded = _waiting_since(
        case_factory, team, handler, clock, settings.INFO_REQUEST_REMINDER_AFTER + day
    )
    closed = _waiting_since(
        case_factory, team, handler, clock, settings.INFO_REQUEST_CLOSE_AFTER + day
    )
    info_requests_sweep()
    rows = [
        Notification.objects.get(case=reminded, kind="case.info_requested", channel="email"),
        Notification.objects.get(case=reminded, kind="case.info_reminder", channel="email"),
        Notification.objects.get(case=closed, kind="case.closed_unanswered", channel="email"),
    ]
    for row in rows:
        row.locale = locale  # rendered as the recipient's language; not saved

        subject, body = notification_render(row)

        assert row.case.reference in subject, row.kind
        assert "\n" not in subject
        assert QUESTION in body, row.kind
        assert row.case.reference in body, row.kind
