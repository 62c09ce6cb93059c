"""Object permissions: assignment and team grant reach; reassignment moves it at once."""

import pytest
from guardian.shortcuts import get_perms

from cases import roles
from cases.models import CaseEvent
from cases.selectors.cases import case_get_for_staff, case_list_for_staff
from cases.services.assignment import case_assign, team_member_add, team_member_remove
from cases.services.lifecycle import case_transition
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from tests.factories.cases import SYSTEM
from tests.support.lifecycle import path_to

pytestmark = pytest.mark.django_db


def _visible(user):
    return set(case_list_for_staff(user=user).values_list("reference", flat=True))


def test_agent_sees_only_own_and_team_cases(case_factory, team, other_team, staff):
    agent = staff(roles.SUPPORT_AGENT, teams=[team])
    mine = case_factory(assignee=agent)
    ours = case_factory(team=team)
    theirs = case_factory(team=other_team)
    nobody = case_factory()
    assert _visible(agent) == {mine.reference, ours.reference}
    assert case_get_for_staff(user=agent, pk=theirs.pk) is None
    assert case_get_for_staff(user=agent, pk=nobody.pk) is None


def test_auditor_and_compliance_see_all_change_nothing(case_factory, team, staff):
    cases = {case_factory(team=team).reference for _ in range(3)}
    for role in (roles.AUDITOR, roles.COMPLIANCE_OFFICER):
        user = staff(role)
        assert _visible(user) == cases
        case = case_get_for_staff(user=user, pk=case_factory(team=team).pk)
        with pytest.raises(PermissionDeniedError):
            case_transition(case=case, transition="start_assessment", actor=user, reason="r")
        cases.add(case.reference)


def test_non_staff_and_inactive_see_nothing(case_factory, team, staff):
    from tests.factories.cases import UserFactory

    case_factory(team=team)
    assert _visible(UserFactory()) == set()
    member = staff(roles.CASE_HANDLER, teams=[team])
    member.is_active = False
    member.save()
    assert _visible(member) == set()


def test_assignment_grants_and_reassignment_revokes(case_factory, team, other_team, staff):
    first = staff(roles.CASE_HANDLER)
    second = staff(roles.CASE_HANDLER, teams=[other_team])
    case = case_factory(team=team, assignee=first)
    assert set(get_perms(first, case)) == {"view_case", "change_case"}
    assert set(get_perms(team.group, case)) == {"view_case", "change_case"}

    case = case_assign(
        case=case, actor=SYSTEM, reason="rebalance", team=other_team, assignee=second
    )

    assert get_perms(first, case) == []
    assert get_perms(team.group, case) == []
    assert set(get_perms(second, case)) == {"view_case", "change_case"}
    assert set(get_perms(other_team.group, case)) == {"view_case", "change_case"}
    assert case.reference not in _visible(first)
    assert case.reference in _visible(second)
    record = case.history.latest()
    assert record.history_change_reason == "rebalance"
    event = CaseEvent.objects.filter(case=case, type="case.assignment.changed").latest("id")
    assert event.data["assignee"] == [first.username, second.username]


def test_case_assign_refuses_a_non_member_of_the_team_and_accepts_a_member(
    case_factory, team, staff
):
    outsider = staff(roles.CASE_HANDLER)
    member = staff(roles.CASE_HANDLER, teams=[team])
    case = case_factory(team=team)
    history = case.history.count()
    events = CaseEvent.objects.filter(case=case).count()

    with pytest.raises(ApplicationError) as refused:
        case_assign(case=case, actor=SYSTEM, reason="cover", team=team, assignee=outsider)

    assert refused.value.extra["errors"]["assignee"] == [
        f"{outsider.username} is not in this case's team"
    ]
    case.refresh_from_db()
    assert (case.team_id, case.assignee_id) == (team.pk, None)
    assert case.history.count() == history
    assert CaseEvent.objects.filter(case=case).count() == events
    assert get_perms(outsider, case) == []
    assert case.reference not in _visible(outsider)

    case = case_assign(case=case, actor=SYSTEM, reason="cover", team=team, assignee=member)

    assert (case.team_id, case.assignee_id) == (team.pk, member.pk)
    assert set(get_perms(member, case)) == {"view_case", "change_case"}
    assert case.history.count() == history + 1
    assert CaseEvent.objects.filter(case=case).count() == events + 1
    event = CaseEvent.objects.filter(case=case, type="case.assignment.changed").latest("id")
    assert event.data["assignee"] == [None, member.username]


def test_team_membership_is_reach(case_factory, team, staff):
    handler = staff(roles.CASE_HANDLER)
    case = case_factory(team=team)
    assert case.reference not in _visible(handler)
    team_member_add(team=team, user=handler, actor=SYSTEM)
    assert case.reference in _visible(handler)
    team_member_remove(team=team, user=handler, actor=SYSTEM, reason="moved")
    assert case.reference not in _visible(handler)
    assert team.memberships.model.history.filter(user_id=handler.pk).count() == 2


def test_assignment_needs_the_right_and_reach(case_factory, team, other_team, staff):
    case = case_factory(team=team)
    handler = staff(roles.CASE_HANDLER, teams=[team])
    lead_elsewhere = staff(roles.TEAM_LEAD, teams=[other_team])
    lead = staff(roles.TEAM_LEAD, teams=[team])
    for actor in (handler, lead_elsewhere):
        with pytest.raises(PermissionDeniedError):
            case_assign(case=case, actor=actor, reason="mine", team=team, assignee=actor)
    case = case_assign(case=case, actor=lead, reason="take it", team=team, assignee=handler)
    assert case.assignee == handler


def test_assignee_must_be_an_active_handler(case_factory, team, staff):
    case = case_factory(team=team)
    for bad in (staff(roles.AUDITOR), staff(roles.CONTENT_EDITOR)):
        with pytest.raises(ApplicationError):
            case_assign(case=case, actor=SYSTEM, reason="x", team=team, assignee=bad)
    with pytest.raises(ApplicationError):
        case_assign(case=case, actor=SYSTEM, reason=" ", team=team)


def test_closed_case_cannot_be_reassigned(case_factory, team, staff):
    case = case_factory(team=team, state_path=path_to("withdrawn"))
    with pytest.raises(ConflictError):
        case_assign(case=case, actor=SYSTEM, reason="x", assignee=staff(roles.CASE_HANDLER))


def test_search_is_exact_and_normalised(case_factory, staff):
    from cases.selectors.cases import case_search

    case = case_factory(complainant_email="Mixed.Case@Example.COM", related_transactions=["0xTX9"])
    other = case_factory()
    root = staff(None, superuser=True)
    qs = case_list_for_staff(user=root)
    assert case.complainant_email == "mixed.case@example.com"
    for term in (
        case.reference.lower(),
        f"  {case.reference} ",
        "MIXED.case@example.com",
        case.complainant_account_id,
        "0xTX9",
    ):
        assert list(case_search(qs, term=term)) == [case], term
    assert list(case_search(qs, term=case.reference[:-1])) == []
    assert set(case_search(qs, term="")) == {case, other}


def test_history_rows_are_readable(case_factory, team, staff, django_assert_max_num_queries):
    from cases.selectors.history import case_history_for_staff
    from cases.services.cases import case_update_triage

    handler = staff(roles.CASE_HANDLER, username="dana")
    case = case_factory(team=team, assignee=handler, state_path=["start_assessment"])
    for i in range(10):
        case = case_update_triage(
            case=case, actor=SYSTEM, reason=f"t{i}", priority="P1" if i % 2 == 0 else "P2"
        )
    with django_assert_max_num_queries(3):
        rows = case_history_for_staff(case=case)
    assert len(rows) == 13
    assignment = {c.field: c for c in rows[1].changes}
    assert (assignment["assignee"].old, assignment["assignee"].new) == ("", "dana")
    assert assignment["team"].new == team.name
    assert assignment["team"].label == "team"
    state = {c.field: c for c in rows[2].changes}["state"]
    assert (state.old, state.new) == ("Received", "Preliminary assessment")
    priority = {c.field: c for c in rows[3].changes}["priority"]
    assert priority.new.startswith("P1")
    assert rows[3].record.history_change_reason == "t0"


def test_removing_a_team_member_leaves_a_tombstone(team, staff):
    from complaints_site.common.models import Tombstone

    member = staff("Support agent", teams=[team])
    team_member_remove(team=team, user=member, actor=SYSTEM, reason="moved to Security")
    tombstone = Tombstone.objects.get(model_label="cases.TeamMembership")
    assert tombstone.reason == "moved to Security"
    assert tombstone.actor_label == "system:tests"
