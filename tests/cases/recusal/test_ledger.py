"""The recusal-check ledger records acts actually attempted, with their true outcome (issue 11,
Low): a transition refused for want of permission or state leaves no "allowed" row, a refusal
by recusal is recorded as refused, and page views never write to it."""

import pytest
from django.urls import reverse

from cases.enums import CaseState
from cases.models import CheckOutcome, RecusalCheck
from cases.roles import AUDITOR, CASE_HANDLER
from cases.services.conflicts import case_participant_add
from cases.services.lifecycle import case_transition
from complaints_site.common.exceptions import ConflictError, PermissionDeniedError
from tests.factories.cases import SYSTEM, make_case
from tests.support.lifecycle import path_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler(staff, team):
    return staff(CASE_HANDLER, teams=[team], username="hank")


@pytest.fixture
def case(team, handler):
    return make_case(team=team, assignee=handler)


def test_a_transition_the_actor_may_not_run_leaves_no_row(client, staff, case):
    auditor = staff(AUDITOR)
    before = RecusalCheck.objects.count()
    with pytest.raises(PermissionDeniedError):
        case_transition(case=case, transition="start_assessment", actor=auditor, reason="go")
    client.force_login(auditor)
    url = reverse("admin:cases_case_transition", args=[case.pk, "start_assessment"])
    for _ in range(5):
        response = client.post(url, {"reason": "go", "expected_state": case.state})
        assert response.status_code == 403
    assert RecusalCheck.objects.count() == before
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED


def test_a_transition_the_state_does_not_allow_leaves_no_allowed_row(case, handler):
    before = RecusalCheck.objects.count()
    with pytest.raises(ConflictError):
        case_transition(case=case, transition="close", actor=handler, reason="done")
    with pytest.raises(ConflictError):
        case_transition(
            case=case,
            transition="start_assessment",
            actor=handler,
            reason="go",
            expected_state=CaseState.ASSESSING,
        )
    assert RecusalCheck.objects.count() == before


def test_a_transition_refused_by_recusal_is_recorded_as_refused(case, handler):
    case_participant_add(case=case, user=handler, role="froze_account", source="x", actor=SYSTEM)
    with pytest.raises(PermissionDeniedError):
        case_transition(case=case, transition="start_assessment", actor=handler, reason="go")
    rows = list(
        RecusalCheck.objects.filter(case=case, act="transition:start_assessment").values_list(
            "user_id", "outcome"
        )
    )
    assert rows == [(handler.pk, CheckOutcome.REFUSED)]


def test_an_allowed_transition_is_recorded_once_as_allowed(case, handler):
    case_transition(case=case, transition="start_assessment", actor=handler, reason="go")
    rows = list(
        RecusalCheck.objects.filter(case=case, act="transition:start_assessment").values_list(
            "outcome", flat=True
        )
    )
    assert rows == [CheckOutcome.ALLOWED]


def test_page_views_never_write_to_the_ledger(client, staff, team, handler):
    case = make_case(team=team, assignee=handler, state_path=path_to(CaseState.INVESTIGATING))
    auditor = staff(AUDITOR)
    pages = [
        reverse("admin:cases_case_change", args=[case.pk]),
        reverse("admin:cases_case_transition", args=[case.pk, "determine_responsibility"]),
        reverse("admin:cases_case_history", args=[case.pk]),
        reverse("admin:cases_case_snapshot", args=[case.pk]),
        reverse("admin:cases_case_audit", args=[case.pk]),
        reverse("admin:cases_recusalcheck_changelist"),
    ]
    before = RecusalCheck.objects.count()
    for user in (handler, auditor):
        client.force_login(user)
        for _ in range(3):
            for url in pages:
                assert client.get(url).status_code in (200, 403, 404), url
    assert RecusalCheck.objects.count() == before
