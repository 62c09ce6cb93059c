"""The customer's answer to the satisfaction survey (cases.services.followup.survey_answer): two
separate questions, each 1 to 5 with reason codes, answered once within the window."""

from datetime import timedelta

import pytest

from cases.enums import CaseEventType, CaseState
from cases.models import CaseEvent, Survey
from cases.services.followup import survey_answer
from cases.services.offers import customer_actor
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from tests.support.lifecycle import path_to

pytestmark = pytest.mark.django_db

EMAIL = customer_actor("email_link")


@pytest.fixture
def survey(case_factory, team):
    case = case_factory(team=team, state_path=path_to(CaseState.RESOLVED))
    return Survey.objects.get(case=case)


def answer(survey, **changes):
    fields = {
        "survey": survey,
        "actor": EMAIL,
        "process_score": 2,
        "process_reasons": ["slow", "not_informed"],
        "outcome_score": 5,
        "outcome_reasons": ["fair"],
        "comment": "  Fair in the end, but it took weeks.  ",
        "channel": "email_link",
        **changes,
    }
    return survey_answer(**fields)


def test_the_answer_is_stored_once_with_an_event_and_a_history_row(survey):
    done = answer(survey)
    assert (done.process_score, done.outcome_score) == (2, 5)
    assert done.process_reasons == ["slow", "not_informed"]
    assert done.comment == "Fair in the end, but it took weeks."
    assert done.channel == "email_link"
    assert done.answered_at is not None
    event = CaseEvent.objects.get(case=survey.case, type=CaseEventType.SURVEY_ANSWERED)
    assert event.actor_label == "system:customer:email_link"
    assert done.history.latest().history_change_reason == "Survey answered (email_link)"

    # The same answer again changes nothing; another one is refused.
    assert answer(survey).answered_at == done.answered_at
    with pytest.raises(ConflictError, match="already answered"):
        answer(survey, outcome_score=1)
    assert CaseEvent.objects.filter(type=CaseEventType.SURVEY_ANSWERED).count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"process_score": 0}, "process_score"),
        ({"outcome_score": 6}, "outcome_score"),
        ({"outcome_score": "5"}, "outcome_score"),
        ({"process_score": True}, "process_score"),
        ({"process_reasons": ["fair"]}, "process_reasons"),
        ({"outcome_reasons": ["unknown"]}, "outcome_reasons"),
        ({"comment": "x" * 2001}, "comment"),
        ({"channel": "staff"}, "channel"),
    ],
)
def test_out_of_range_answers_are_refused(survey, changes, field):
    with pytest.raises(ApplicationError) as exc_info:
        answer(survey, **changes)
    assert field in exc_info.value.extra["errors"]
    assert Survey.objects.get(pk=survey.pk).answered_at is None


def test_only_the_customer_answers(survey, staff):
    with pytest.raises(PermissionDeniedError):
        answer(survey, actor=staff("Case handler"))


def test_after_the_window_the_survey_is_closed(survey):
    Survey.objects.filter(pk=survey.pk).update(expires_at=survey.sent_at - timedelta(seconds=1))
    with pytest.raises(ConflictError, match="closed"):
        answer(survey)
