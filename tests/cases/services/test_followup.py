"""Follow-up after resolution (issue 13, item 7): the survey (two questions, answered once,
within its window, none for fraud or abuse), reopening by the customer within the window, and
the sweep that closes the case after it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.enums import CaseState
from cases.lib.customer_links import SURVEY, claim_matches, link_claim
from cases.models import Case, CaseEvent, Notification, Survey
from cases.roles import CASE_HANDLER
from cases.services.followup import (
    case_reopen_by_customer,
    customer_actor,
    follow_up_close_sweep,
    survey_answer,
    survey_send,
)
from cases.services.notifications import notification_render
from complaints_site.common.actors import SystemActor
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from complaints_site.common.history import stamp
from tests.factories.cases import SYSTEM, make_case
from tests.support.lifecycle import path_to

pytestmark = pytest.mark.django_db

PORTAL = customer_actor("portal")
LINK = customer_actor("email_link")


@pytest.fixture
def resolved_case(team):
    """Factory: a case of the team walked to resolved (an advice-only offer, accepted)."""

    def make(**overrides):
        return make_case(team=team, state_path=path_to(CaseState.RESOLVED), **overrides)

    return make


def answer(survey, actor=LINK, **overrides):
    kwargs = {
        "survey": survey,
        "actor": actor,
        "channel": getattr(actor, "name", "").partition(":")[2],
        "process_score": 4,
        "process_reasons": ["quick", "kept_informed"],
        "outcome_score": 2,
        "outcome_reasons": ["amount_low"],
        "comment": "Fast, but the refund was small.",
        **overrides,
    }
    return survey_answer(**kwargs)


def expire(survey):
    survey.expires_at = timezone.now() - timedelta(minutes=1)
    stamp(survey, actor=SYSTEM, reason="test: the window passed")
    survey.save()


# --- the survey -------------------------------------------------------------------------------


def test_resolving_sends_one_survey_with_a_signed_link(resolved_case):
    case = resolved_case()
    survey = Survey.objects.get(case=case)
    assert survey.round == 1
    assert survey.expires_at == case.resolved_at + timedelta(days=28)
    assert CaseEvent.objects.filter(case=case, type="survey.sent").count() == 1
    email = Notification.objects.get(case=case, kind="case.survey", channel="email")
    assert set(email.context) == {"survey_id", "reopen_by"}  # no token stored
    subject, body = notification_render(email)
    assert case.reference in subject
    token = re.search(r"/portal/surveys/([^/\s]+)/", body).group(1)
    claim = link_claim(token, purpose=SURVEY)
    assert claim.object_id == survey.pk
    assert claim_matches(claim, case=case)
    deadline = case.resolved_at + timedelta(days=14)
    assert f"reopen the case until {deadline:%Y-%m-%d %H:%M} (UTC)" in body


def test_no_survey_for_fraud_or_abuse(team):
    case = make_case(team=team, state_path=path_to(CaseState.INVESTIGATING))
    case.fraud_or_abuse = True
    assert survey_send(case=case, actor=SYSTEM) is None
    assert not Survey.objects.filter(case=case).exists()


def test_an_answer_is_stored_once_with_an_event(resolved_case):
    survey = Survey.objects.get(case=resolved_case())
    answered = answer(survey)
    assert answered.answered_at is not None
    assert (answered.process_score, answered.outcome_score) == (4, 2)
    assert answered.process_reasons == ["quick", "kept_informed"]
    assert answered.outcome_reasons == ["amount_low"]
    assert answered.channel == "email_link"
    event = CaseEvent.objects.get(case=survey.case, type="survey.answered")
    assert event.actor_label == "system:customer:email_link"
    assert event.data == {"survey": survey.pk, "round": 1, "process_score": 4, "outcome_score": 2}
    assert answered.history.count() == 2  # sent, answered


def test_answering_twice_is_refused_and_keeps_the_first_answer(resolved_case):
    survey = Survey.objects.get(case=resolved_case())
    answer(survey)
    assert answer(survey).answered_at is not None  # the same answer again: as it was
    with pytest.raises(ConflictError) as again:
        answer(survey, actor=PORTAL, process_score=1, outcome_score=1)
    assert again.value.extra == {"answered": True}
    survey.refresh_from_db()
    assert (survey.process_score, survey.outcome_score, survey.channel) == (4, 2, "email_link")
    assert CaseEvent.objects.filter(case=survey.case, type="survey.answered").count() == 1


def test_an_expired_survey_takes_no_answer(resolved_case):
    survey = Survey.objects.get(case=resolved_case())
    expire(survey)
    with pytest.raises(ConflictError):
        answer(survey)
    survey.refresh_from_db()
    assert survey.answered_at is None


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("process_score", {"process_score": 0}),
        ("process_score", {"process_score": 6}),
        ("outcome_score", {"outcome_score": -1}),
        ("outcome_score", {"outcome_score": "five"}),
        ("outcome_score", {"outcome_score": "5"}),
        ("process_score", {"process_score": True}),
        ("outcome_score", {"outcome_score": None}),
        ("process_score", {"process_score": 3.5}),
        ("process_reasons", {"process_reasons": ["quick", "bribed"]}),
        ("outcome_reasons", {"outcome_reasons": ["quick"]}),  # a process code
        ("comment", {"comment": "x" * 2001}),
    ],
)
def test_out_of_range_or_unknown_answers_are_refused(field, overrides, resolved_case):
    survey = Survey.objects.get(case=resolved_case())
    with pytest.raises(ApplicationError) as refused:
        answer(survey, **overrides)
    assert field in refused.value.extra["errors"]
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_only_the_customer_answers(staff, resolved_case):
    survey = Survey.objects.get(case=resolved_case())
    for actor in (staff(None, superuser=True), SystemActor("tests"), SystemActor("customer:x")):
        with pytest.raises(PermissionDeniedError):
            answer(survey, actor=actor, channel="email_link")
    with pytest.raises(PermissionDeniedError):  # the actor speaks for another channel
        answer(survey, actor=PORTAL, channel="email_link")


def test_a_secret_in_the_comment_is_not_stored(resolved_case):
    survey = Survey.objects.get(case=resolved_case())
    phrase = "abandon ability able about above absent absorb abstract absurd abuse access accident"
    answered = answer(survey, comment=f"My seed is {phrase} please help")
    assert "abandon ability" not in answered.comment
    assert "[redacted" in answered.comment


# --- reopening --------------------------------------------------------------------------------


def test_the_customer_reopens_within_the_window_and_it_is_investigated_again(resolved_case):
    case = resolved_case()
    history_before = case.history.count()
    reopened = case_reopen_by_customer(
        case=case, actor=PORTAL, reason="The refund never reached my wallet."
    )
    assert reopened.state == CaseState.INVESTIGATING
    assert reopened.reopened_at is not None
    events = list(
        CaseEvent.objects.filter(
            case=case, type__in=["case.transition.reopen", "case.transition.reinvestigate"]
        )
        .order_by("id")
        .values_list("type", "actor_label", "reason")
    )
    assert events[0] == (
        "case.transition.reopen",
        "system:customer:portal",
        "The refund never reached my wallet.",
    )
    assert events[1][0] == "case.transition.reinvestigate"
    assert "The refund never reached my wallet." in events[1][2]
    # Two transitions, two history rows.
    assert case.history.count() == history_before + 2


def test_after_the_window_reopening_is_refused_clearly(settings, resolved_case):
    case = resolved_case()
    settings.REOPEN_WINDOW = timedelta(0)
    with pytest.raises(ConflictError) as refused:
        case_reopen_by_customer(case=case, actor=PORTAL, reason="Too late?")
    assert "The time to reopen this case ended on" in refused.value.message
    assert Case.objects.get(pk=case.pk).state == CaseState.RESOLVED


def test_reopening_needs_a_reason_a_resolved_case_and_the_customer(staff, team, resolved_case):
    case = resolved_case()
    with pytest.raises(ApplicationError):
        case_reopen_by_customer(case=case, actor=PORTAL, reason="  ")
    with pytest.raises(PermissionDeniedError):
        case_reopen_by_customer(
            case=case, actor=staff(CASE_HANDLER, teams=[team]), reason="On their behalf"
        )
    investigating = make_case(team=team, state_path=path_to(CaseState.INVESTIGATING))
    with pytest.raises(ConflictError):
        case_reopen_by_customer(case=investigating, actor=PORTAL, reason="Again")
    assert Case.objects.get(pk=case.pk).state == CaseState.RESOLVED


# --- the close sweep --------------------------------------------------------------------------


def test_the_sweep_closes_only_cases_whose_window_passed(settings, resolved_case, team):
    old = resolved_case()
    reopened = resolved_case()
    case_reopen_by_customer(case=reopened, actor=PORTAL, reason="Not fixed.")
    final = make_case(team=team, state_path=path_to(CaseState.FINAL_RESPONSE))
    assert follow_up_close_sweep() == 0  # still within 14 days
    settings.REOPEN_WINDOW = timedelta(0)
    fresh = resolved_case()
    assert follow_up_close_sweep() == 2
    assert Case.objects.get(pk=old.pk).state == CaseState.CLOSED
    assert Case.objects.get(pk=fresh.pk).state == CaseState.CLOSED
    assert Case.objects.get(pk=reopened.pk).state == CaseState.INVESTIGATING
    assert Case.objects.get(pk=final.pk).state == CaseState.FINAL_RESPONSE
    event = CaseEvent.objects.get(case=old, type="case.transition.close")
    assert event.actor_label == "system:task:follow_up_close_sweep"
    assert follow_up_close_sweep() == 0  # twice: no second effect
    assert CaseEvent.objects.filter(case=old, type="case.transition.close").count() == 1


def test_the_survey_outlives_the_closing(settings, resolved_case):
    case = resolved_case()
    settings.REOPEN_WINDOW = timedelta(0)
    follow_up_close_sweep()
    survey = Survey.objects.get(case=case)
    assert answer(survey).answered_at is not None
