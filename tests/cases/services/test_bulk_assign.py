"""`cases_bulk_assign`: the lead's reassignment rules live in the service, not the admin."""

import pytest

from cases.models import Case, CaseEvent, RecusalCheck
from cases.services.assignment import cases_bulk_assign
from tests.factories.cases import make_case, make_staff
from tests.support.routing import make_handler, make_led_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead():
    return make_staff("Team lead", username="lena")


@pytest.fixture
def security(lead):
    team = make_led_team("security", "Security", lead=lead)
    from cases.services.assignment import team_member_add
    from tests.factories.cases import SYSTEM

    team_member_add(team=team, user=lead, actor=SYSTEM)
    return team


def test_member_of_the_case_team_gets_the_case_with_history_and_event(lead, security):
    amy, bob = make_handler(security, "amy"), make_handler(security, "bob")
    case = make_case(team=security, assignee=amy)
    history_before = case.history.count()

    result = cases_bulk_assign(cases=[case], assignee=bob, actor=lead, reason="Balancing")

    assert result.assigned == [case.reference]
    assert result.refused == []
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.assignee == bob
    assert fresh.team == security
    assert fresh.history.count() == history_before + 1
    assert fresh.history.latest("history_id").history_change_reason == "Balancing"
    event = CaseEvent.objects.filter(case=case, type="case.assignment.changed").latest("id")
    assert event.reason == "Balancing"
    assert event.data["assignee"] == ["amy", "bob"]


def test_a_non_member_is_refused_and_nothing_is_recorded(lead, security):
    amy = make_handler(security, "amy")
    legal = make_led_team("legal", "Legal")
    olga = make_handler(legal, "olga")
    case = make_case(team=security, assignee=amy)
    events_before = CaseEvent.objects.filter(case=case).count()

    result = cases_bulk_assign(cases=[case], assignee=olga, actor=lead, reason="Balancing")

    assert result.assigned == []
    assert result.refused == [(case.reference, "olga is not in this case's team")]
    assert Case.objects.get(pk=case.pk).assignee == amy
    assert CaseEvent.objects.filter(case=case).count() == events_before
    # Refused before any recusal check is recorded.
    assert not RecusalCheck.objects.filter(case=case, user=olga).exists()


def test_a_lead_moves_only_cases_of_teams_they_lead(lead, security):
    bob = make_handler(security, "bob")
    support = make_led_team("support", "Support")
    from cases.services.assignment import team_member_add
    from tests.factories.cases import SYSTEM

    team_member_add(team=support, user=bob, actor=SYSTEM)
    team_member_add(team=support, user=lead, actor=SYSTEM)
    theirs = make_case(team=support)

    result = cases_bulk_assign(cases=[theirs], assignee=bob, actor=lead, reason="Balancing")

    assert result.refused == [(theirs.reference, "not in a team you lead")]
    assert Case.objects.get(pk=theirs.pk).assignee is None


def test_each_case_is_its_own_transaction(lead, security):
    """A refused case does not undo the others, and leaves no partial write of its own."""
    bob = make_handler(security, "bob")
    open_case = make_case(team=security)
    closed = make_case(team=security, state_path=["withdraw"])
    closed_history = closed.history.count()

    result = cases_bulk_assign(
        cases=[open_case, closed], assignee=bob, actor=lead, reason="Balancing"
    )

    assert result.assigned == [open_case.reference]
    assert [ref for ref, _why in result.refused] == [closed.reference]
    assert Case.objects.get(pk=open_case.pk).assignee == bob
    assert Case.objects.get(pk=closed.pk).assignee is None
    assert closed.history.count() == closed_history
