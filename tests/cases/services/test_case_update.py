"""`case_update`: triage and assignment from the case form, all or nothing."""

import pytest

from cases.enums import Priority
from cases.models import Case, CaseEvent
from cases.services.updates import Assignment, Triage, case_update
from complaints_site.common.exceptions import ApplicationError, PermissionDeniedError
from tests.factories.cases import make_case, make_staff

pytestmark = pytest.mark.django_db


def _state(case):
    fresh = Case.objects.get(pk=case.pk)
    return (fresh.priority, fresh.assignee_id, fresh.history.count(), fresh.events.count())


def test_triage_and_assignment_each_write_their_history_row_and_event(team):
    lead = make_staff("Team lead", teams=[team])
    handler = make_staff("Case handler", teams=[team], username="hana")
    case = make_case(team=team, priority=Priority.P3)
    history_before = case.history.count()

    case_update(
        case=case,
        actor=lead,
        reason="Escalate to hana",
        triage=Triage(category=case.category, priority=Priority.P1),
        assignment=Assignment(team=team, assignee=handler),
    )

    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.priority, fresh.assignee) == (Priority.P1, handler)
    assert fresh.history.count() == history_before + 2
    types = list(CaseEvent.objects.filter(case=case).values_list("type", flat=True))
    assert types[-2:] == ["case.triage.changed", "case.assignment.changed"]


def test_a_refused_assignment_leaves_the_triage_unsaved(team, staff):
    lead = make_staff("Team lead", teams=[team])
    auditor = make_staff("Auditor")  # active staff who cannot handle cases
    case = make_case(team=team, priority=Priority.P3)
    before = _state(case)

    with pytest.raises(ApplicationError):
        case_update(
            case=case,
            actor=lead,
            reason="Escalate",
            triage=Triage(category=case.category, priority=Priority.P1),
            assignment=Assignment(team=team, assignee=auditor),
        )

    assert _state(case) == before


def test_an_actor_who_may_not_assign_is_refused_with_nothing_stored(team, other_team):
    agent = make_staff("Support agent", teams=[team])
    case = make_case(team=team)
    before = _state(case)

    with pytest.raises(PermissionDeniedError):
        case_update(
            case=case,
            actor=agent,
            reason="I'll take it",
            triage=Triage(category=case.category, priority=Priority.P1),
            assignment=Assignment(team=other_team, assignee=agent),
        )

    assert _state(case) == before


def test_nothing_to_change_writes_nothing(team):
    lead = make_staff("Team lead", teams=[team])
    case = make_case(team=team)
    before = _state(case)

    case_update(case=case, actor=lead, reason="Looked at it")

    assert _state(case) == before
