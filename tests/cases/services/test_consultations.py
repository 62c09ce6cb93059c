"""Consultations: the consulted team reaches the case only while it is asked, answers once, and
an overdue question is flagged once to its lead."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from cases import policies, roles, tasks
from cases.enums import CaseState
from cases.models import CaseEvent, Consultation, ConsultationStatus, Evidence
from cases.selectors.cases import case_list_for_staff
from cases.services.assignment import team_create, team_member_add
from cases.services.consultations import (
    OVERDUE_ACTOR,
    consultation_answer,
    consultation_lead_notice_send,
    consultation_request,
    consultation_withdraw,
    consultations_flag_overdue,
)
from cases.services.lifecycle import case_transition
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from tests.factories.cases import SYSTEM
from tests.support.lifecycle import path_to

pytestmark = pytest.mark.django_db

QUESTION = "Did the matching engine stall for BTCUSDT at 14:02 UTC?"


def fresh(user):
    """The user as on their next request: permission caches (Django's and guardian's) empty."""
    return get_user_model().objects.get(pk=user.pk)


def reaches(user, case) -> bool:
    user = fresh(user)
    return policies.may_reach_case(user, case) and (
        case_list_for_staff(user=user).filter(pk=case.pk).exists()
    )


def sees_nothing(user, case) -> bool:
    user = fresh(user)
    return not policies.may_reach_case(user, case) and (
        not case_list_for_staff(user=user).filter(pk=case.pk).exists()
    )


@pytest.fixture
def clock(monkeypatch):
    real_now = timezone.now

    def set_to(moment):
        monkeypatch.setattr(
            "django.utils.timezone.now", real_now if moment is None else lambda: moment
        )

    return set_to


@pytest.fixture
def handler(staff, team):
    return staff(roles.CASE_HANDLER, teams=[team])


@pytest.fixture
def specialist(staff, other_team):
    return staff(roles.SPECIALIST, teams=[other_team])


@pytest.fixture
def case(case_factory, team):
    return case_factory(team=team, state_path=path_to(CaseState.INVESTIGATING))


def _ask(case, handler, team, question=QUESTION, **kwargs):
    return consultation_request(case=case, actor=handler, team=team, question=question, **kwargs)


# --- asking and answering ---------------------------------------------------------------------


def test_the_consulted_team_reaches_the_case_until_it_answers(
    case, handler, specialist, other_team
):
    assert sees_nothing(specialist, case)
    before = timezone.now()

    consultation = _ask(case, handler, other_team)

    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.OPEN
    assert consultation.team == other_team
    assert consultation.asked_by == handler
    due_days = timedelta(days=settings.CONSULTATION_DUE_DAYS)
    assert before + due_days <= consultation.due_at <= timezone.now() + due_days
    requested = CaseEvent.objects.get(case=case, type="consultation.requested")
    assert requested.actor == handler
    assert requested.data["consultation"] == consultation.pk
    assert requested.data["team"] == other_team.code
    assert consultation.history.count() == 1
    assert reaches(specialist, case)

    answered = consultation_answer(
        consultation=consultation,
        actor=fresh(specialist),
        answer="Yes: a 4 s stall, see the attached log.",
        file_name="log.txt",
        file_content=b"14:02:03 matching engine paused\n14:02:07 resumed\n",
    )

    answered.refresh_from_db()
    assert answered.status == ConsultationStatus.ANSWERED
    assert answered.answer == "Yes: a 4 s stall, see the attached log."
    assert answered.answered_by == specialist
    assert answered.answered_at is not None
    assert answered.closed_at is not None
    evidence = answered.answer_evidence
    assert evidence is not None
    assert evidence.case_id == case.pk
    assert evidence.original_name == "log.txt"
    assert evidence.added_by == specialist
    event = CaseEvent.objects.get(case=case, type="consultation.answered")
    assert event.data["access_revoked"] is True
    assert event.data["evidence"] == evidence.pk
    history = list(answered.history.order_by("history_id"))
    assert [h.status for h in history] == ["open", "answered"]
    assert history[-1].history_user == specialist
    assert sees_nothing(specialist, case)
    # The handler's own reach is untouched.
    assert reaches(handler, case)


def test_two_open_consultations_with_one_team_keep_access_until_both_close(
    case, handler, specialist, other_team
):
    first = _ask(case, handler, other_team)
    second = _ask(case, handler, other_team, question="And was the order book rebuilt?")
    assert first.pk != second.pk

    consultation_answer(consultation=first, actor=fresh(specialist), answer="Yes.")

    assert reaches(specialist, case)
    assert (
        CaseEvent.objects.get(case=case, type="consultation.answered").data["access_revoked"]
        is False
    )

    consultation_answer(consultation=second, actor=fresh(specialist), answer="Yes, at 14:03.")

    assert sees_nothing(specialist, case)


def test_consulting_the_cases_own_team_never_revokes_its_access(case, handler, staff, team):
    own_specialist = staff(roles.SPECIALIST, teams=[team])
    agent = staff(roles.SUPPORT_AGENT, teams=[team])
    consultation = _ask(case, handler, team)

    consultation_answer(consultation=consultation, actor=fresh(own_specialist), answer="No.")

    event = CaseEvent.objects.get(case=case, type="consultation.answered")
    assert event.data["access_revoked"] is False
    assert reaches(agent, case)
    assert reaches(own_specialist, case)
    assert reaches(handler, case)


def test_a_consulted_team_keeps_reading_when_the_case_moves_between_teams(
    case, handler, specialist, team, other_team, staff
):
    from cases.services.assignment import case_assign
    from tests.factories.cases import SYSTEM

    consultation = _ask(case, handler, other_team)
    # The case moves to the consulted team, then away again: the question is still open.
    case = case_assign(case=case, actor=SYSTEM, reason="Security's case now", team=other_team)
    case = case_assign(case=case, actor=SYSTEM, reason="Back to complaints", team=team)
    assert reaches(specialist, case)

    consultation_answer(consultation=consultation, actor=fresh(specialist), answer="Done.")
    assert sees_nothing(specialist, case)


def test_only_a_member_of_the_consulted_team_with_the_permission_answers(
    case, handler, staff, team, other_team, specialist
):
    consultation = _ask(case, handler, other_team)
    outsider = staff(roles.SPECIALIST, teams=[team])
    member_without_permission = staff(roles.SUPPORT_AGENT, teams=[other_team])

    for actor in (outsider, member_without_permission, handler):
        with pytest.raises(PermissionDeniedError):
            consultation_answer(consultation=consultation, actor=fresh(actor), answer="Guess.")
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.OPEN

    consultation_answer(consultation=consultation, actor=fresh(specialist), answer="First.")
    evidence_count = Evidence.objects.count()
    with pytest.raises(ConflictError):
        consultation_answer(
            consultation=consultation,
            actor=fresh(specialist),
            answer="Second.",
            file_name="late.txt",
            file_content=b"late answer\n",
        )

    consultation.refresh_from_db()
    assert consultation.answer == "First."
    assert consultation.answer_evidence is None
    assert Evidence.objects.count() == evidence_count
    assert CaseEvent.objects.filter(case=case, type="consultation.answered").count() == 1


def test_requests_that_are_refused(case_factory, case, handler, staff, team, other_team):
    agent_elsewhere = staff(roles.SUPPORT_AGENT, teams=[other_team])
    with pytest.raises(PermissionDeniedError):
        _ask(case, fresh(agent_elsewhere), other_team)

    with pytest.raises(ApplicationError) as exc_info:
        _ask(case, handler, other_team, due_at=timezone.now() - timedelta(minutes=1))
    assert "due_at" in exc_info.value.extra["errors"]

    with pytest.raises(ApplicationError) as exc_info:
        _ask(case, handler, other_team, question="   ")
    assert "question" in exc_info.value.extra["errors"]
    assert not Consultation.objects.exists()

    withdrawn = case_factory(team=team, state_path=["withdraw"])
    with pytest.raises(ConflictError):
        _ask(withdrawn, handler, other_team)
    assert not Consultation.objects.exists()


def test_asking_the_same_open_question_twice_returns_the_same_row(case, handler, other_team):
    first = _ask(case, handler, other_team)
    again = _ask(case, handler, other_team, question=f"  {QUESTION}  ")

    assert again.pk == first.pk
    assert Consultation.objects.count() == 1
    assert CaseEvent.objects.filter(case=case, type="consultation.requested").count() == 1


# --- closing without an answer ----------------------------------------------------------------


def test_ending_the_case_lapses_open_consultations_and_revokes_access(
    case, handler, specialist, other_team
):
    consultation = _ask(case, handler, other_team)
    assert reaches(specialist, case)

    case_transition(case=case, transition="withdraw", actor=handler, reason="Customer withdrew")

    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.LAPSED
    assert consultation.closed_at is not None
    lapsed = CaseEvent.objects.get(case=case, type="consultation.lapsed")
    assert lapsed.actor == handler
    assert lapsed.data["access_revoked"] is True
    assert sees_nothing(specialist, case)
    with pytest.raises(ConflictError):
        consultation_answer(consultation=consultation, actor=fresh(specialist), answer="Late.")


def test_withdrawing_revokes_access(case, handler, specialist, other_team):
    consultation = _ask(case, handler, other_team)

    with pytest.raises(ApplicationError):
        consultation_withdraw(consultation=consultation, actor=handler, reason=" ")
    consultation_withdraw(consultation=consultation, actor=handler, reason="Found it in the logs")

    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.WITHDRAWN
    event = CaseEvent.objects.get(case=case, type="consultation.withdrawn")
    assert event.actor == handler
    assert event.data["access_revoked"] is True
    assert consultation.history.latest().history_change_reason == "Found it in the logs"
    assert sees_nothing(specialist, case)


# --- overdue ----------------------------------------------------------------------------------


@pytest.fixture
def led_team(staff):
    lead = staff(roles.TEAM_LEAD, username="legal-lead")
    legal = team_create(code="legal", name="Legal", actor=SYSTEM, lead=lead)
    team_member_add(team=legal, user=lead, actor=SYSTEM)
    return legal


def test_an_overdue_consultation_is_flagged_once_to_the_lead(
    case, handler, led_team, clock, mailoutbox, django_capture_on_commit_callbacks
):
    consultation = _ask(case, handler, led_team)
    clock(consultation.due_at + timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert consultations_flag_overdue() == 1

    consultation.refresh_from_db()
    assert consultation.overdue_notified_at is not None
    overdue = CaseEvent.objects.get(case=case, type="consultation.overdue")
    assert overdue.actor_label == OVERDUE_ACTOR.label
    (email,) = mailoutbox
    assert email.to == [led_team.lead.email]
    assert case.reference in email.subject
    assert case.reference in email.body
    assert case.complainant_email not in email.subject + email.body
    assert email.extra_headers["Auto-Submitted"] == "auto-generated"

    with django_capture_on_commit_callbacks(execute=True):
        assert consultations_flag_overdue() == 0
    assert tasks.consultations_flag_overdue.delay().get() == 0
    assert CaseEvent.objects.filter(case=case, type="consultation.overdue").count() == 1
    assert len(mailoutbox) == 1
    # A re-delivered notice task sends nothing more.
    consultation.refresh_from_db()
    assert consultation.lead_notice_sent_at is not None
    assert tasks.consultation_notify_lead.delay(consultation.pk).get() is False
    assert len(mailoutbox) == 1


def test_lead_notice_goes_nowhere_without_a_lead_or_after_the_answer(
    case, handler, specialist, other_team, led_team, mailoutbox
):
    assert other_team.lead is None
    leaderless = _ask(case, handler, other_team)
    assert consultation_lead_notice_send(consultation_id=leaderless.pk) is False

    led = _ask(case, handler, led_team)
    assert tasks.consultation_notify_lead.delay(led.pk).get() is True
    assert len(mailoutbox) == 1
    consultation_withdraw(consultation=led, actor=handler, reason="Not needed")
    assert consultation_lead_notice_send(consultation_id=led.pk) is False
    assert len(mailoutbox) == 1


def test_flagging_overdue_consultations_has_a_bounded_query_count(
    case_factory, team, handler, led_team, clock, django_assert_max_num_queries
):
    cases = [case_factory(team=team, state_path=path_to(CaseState.INVESTIGATING)) for _ in range(3)]
    for n in range(30):
        _ask(cases[n % 3], handler, led_team, question=f"Question {n}")
    clock(timezone.now() + timedelta(days=settings.CONSULTATION_DUE_DAYS, hours=1))

    # Measured on PostgreSQL: 181 = 1 selection + 6 per row (savepoint, locked read, update,
    # history insert, event insert, savepoint release). A per-row N+1 breaks this bound.
    with django_assert_max_num_queries(1 + 6 * 30):
        assert consultations_flag_overdue() == 30


# --- the consulted team's read ends with the question (issue 11, Low) -----------------------


@pytest.mark.parametrize("end", ["answered", "withdrawn", "lapsed"])
def test_the_consulted_team_no_longer_reads_the_consultation_after_it_ends(
    end, client, case, handler, specialist, other_team
):
    from django.urls import reverse

    from cases.selectors.consultations import consultation_list_for_staff

    consultation = _ask(case, handler, other_team)
    # While the question is open, the team reads it (list and page) and the case.
    assert consultation_list_for_staff(user=fresh(specialist)).filter(pk=consultation.pk)
    client.force_login(specialist)
    page = reverse("admin:cases_consultation_change", args=[consultation.pk])
    assert client.get(page).status_code == 200

    if end == "answered":
        consultation_answer(consultation=consultation, actor=fresh(specialist), answer="No.")
    elif end == "withdrawn":
        consultation_withdraw(consultation=consultation, actor=handler, reason="Not needed")
    else:
        case_transition(case=case, transition="withdraw", actor=SYSTEM, reason="customer left")

    assert sees_nothing(specialist, case)
    assert not consultation_list_for_staff(user=fresh(specialist)).filter(pk=consultation.pk)
    listed = client.get(reverse("admin:cases_consultation_changelist"))
    assert consultation.pk not in [c.pk for c in listed.context["cl"].result_list]
    response = client.get(page)
    assert response.status_code in (302, 404)  # the admin's "does not exist" redirect
    assert QUESTION not in client.get(page, follow=True).text
    # The handler, who still reaches the case, reads the answer.
    assert consultation_list_for_staff(user=fresh(handler)).filter(pk=consultation.pk)


def test_a_team_that_reaches_the_case_otherwise_keeps_reading(
    case, handler, specialist, other_team
):
    from cases.selectors.consultations import consultation_list_for_staff
    from cases.services.assignment import case_assign

    consultation = _ask(case, handler, other_team)
    case_assign(case=case, actor=SYSTEM, reason="Security's case now", team=other_team)
    consultation_answer(consultation=consultation, actor=fresh(specialist), answer="No.")
    assert reaches(specialist, case)
    assert consultation_list_for_staff(user=fresh(specialist)).filter(pk=consultation.pk)
