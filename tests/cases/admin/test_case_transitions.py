"""The case admin's transitions: the buttons a user is offered, and crafted transition POSTs
(refused without the capability, out of reach, illegal now, stale, or without a reason)."""

from __future__ import annotations

import pytest

from cases.enums import CaseState
from cases.models import Case, CaseEvent
from cases.models.case import has_responsibility_finding
from cases.roles import AUDITOR, COMPLIANCE_OFFICER, SUPPORT_AGENT, TEAM_LEAD
from cases.services.lifecycle import case_transition
from tests.factories.cases import SYSTEM
from tests.support.admin import (
    change_url,
    latest_history,
    post_transition,
    snapshot,
    transition_buttons,
    transition_url,
)
from tests.support.lifecycle import TO_INVESTIGATING, cite_evidence

pytestmark = pytest.mark.django_db

FINDING = {
    "responsibility": "platform_system_fault",
    "responsibility_rationale": "The order log shows the matching engine stalled for 4 s.",
}


# --- 4. transition buttons ----------------------------------------------------------------------


def test_buttons_show_only_what_this_user_may_run_now(client, staff, team, case_factory):
    agent = staff(SUPPORT_AGENT)
    lead = staff(TEAM_LEAD, teams=[team])
    received = case_factory(team=team, assignee=agent)
    investigating = case_factory(team=team, assignee=agent, state_path=TO_INVESTIGATING)

    client.force_login(agent)
    assert transition_buttons(client.get(change_url(received))) == {"start_assessment", "withdraw"}
    assert transition_buttons(client.get(change_url(investigating))) == {
        "request_info",
        "withdraw",
    }

    client.force_login(lead)
    assert transition_buttons(client.get(change_url(investigating))) == {
        "request_info",
        "determine_responsibility",
        "withdraw",
    }
    # The final response is a letter, issued through its own form (not a transition button).
    page = client.get(change_url(investigating))
    assert transition_url(investigating, "issue_final_response") not in page.content.decode()


@pytest.mark.parametrize("role", [AUDITOR, COMPLIANCE_OFFICER])
def test_auditor_gets_no_buttons(client, staff, team, case_factory, role):
    case = case_factory(team=team, state_path=TO_INVESTIGATING)
    client.force_login(staff(role))
    page = client.get(change_url(case))
    assert page.status_code == 200
    assert transition_buttons(page) == set()
    assert client.get(transition_url(case, "withdraw")).status_code == 403


# --- 5. crafted transition POSTs ------------------------------------------------------------------


def test_transition_without_the_capability_is_refused(client, staff, team, case_factory):
    agent = staff(SUPPORT_AGENT, teams=[team])
    case = case_factory(team=team, assignee=agent, state_path=TO_INVESTIGATING)
    before = snapshot(case)
    client.force_login(agent)

    assert client.get(transition_url(case, "issue_final_response")).status_code == 403
    response = post_transition(
        client, case, "issue_final_response", final_response_text="We maintain our position."
    )

    assert response.status_code == 403
    assert snapshot(case) == before
    assert Case.objects.get(pk=case.pk).final_response_text == ""


@pytest.mark.parametrize("role", [AUDITOR, COMPLIANCE_OFFICER])
def test_auditor_transition_post_is_refused(client, staff, team, case_factory, role):
    case = case_factory(team=team)
    before = snapshot(case)
    client.force_login(staff(role))
    for name in ("start_assessment", "withdraw"):
        assert post_transition(client, case, name).status_code == 403
    assert snapshot(case) == before


def test_transition_post_on_a_case_out_of_reach_is_404(
    client, staff, team, other_team, case_factory
):
    outsider = staff(TEAM_LEAD, teams=[other_team])
    case = case_factory(team=team)
    before = snapshot(case)
    client.force_login(outsider)

    assert post_transition(client, case, "start_assessment").status_code == 404
    assert post_transition(client, case, "withdraw").status_code == 404
    assert snapshot(case) == before


def test_unknown_transition_name_is_404(client, staff, team, case_factory):
    case = case_factory(team=team)
    client.force_login(staff(None, superuser=True))
    before = snapshot(case)
    assert post_transition(client, case, "save").status_code == 404
    assert post_transition(client, case, "_do_nothing").status_code == 404
    assert snapshot(case) == before


def test_transition_illegal_in_the_current_state_shows_an_error(client, staff, team, case_factory):
    agent = staff(SUPPORT_AGENT, teams=[team])
    case = case_factory(team=team)  # received: `accept` needs assessing
    before = snapshot(case)
    client.force_login(agent)

    response = post_transition(client, case, "accept")

    assert response.status_code == 200
    assert "is not possible while the case is" in response.content.decode()
    assert response.context["form"].non_field_errors()
    assert snapshot(case) == before


def test_legal_transition_writes_one_history_row_and_one_event(client, staff, team, case_factory):
    agent = staff(SUPPORT_AGENT, teams=[team])
    case = case_factory(team=team)
    before = snapshot(case)
    client.force_login(agent)

    response = post_transition(client, case, "start_assessment", reason="Taking it up today")

    assert response.status_code == 302
    assert response["Location"] == change_url(case)
    after = snapshot(case)
    assert after["state"] == CaseState.ASSESSING
    assert after["history"] == before["history"] + 1
    assert after["events"] == before["events"] + 1
    record = latest_history(case)
    assert record.state == CaseState.ASSESSING
    assert record.history_change_reason == "Taking it up today"
    assert record.history_user == agent
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert event.type == "case.transition.start_assessment"
    assert event.actor == agent
    assert event.reason == "Taking it up today"
    assert (event.from_state, event.to_state) == (CaseState.RECEIVED, CaseState.ASSESSING)


def test_transition_with_inputs_through_the_form(client, staff, team, case_factory):
    lead = staff(TEAM_LEAD, teams=[team])
    case = case_factory(team=team, state_path=TO_INVESTIGATING)
    client.force_login(lead)

    page = client.get(transition_url(case, "determine_responsibility"))
    assert page.status_code == 200
    assert set(page.context["form"].fields) == {
        "reason",
        "expected_state",
        "responsibility",
        "responsibility_rationale",
        "responsibility_evidence",
    }
    # Nothing cited: refused, naming the condition, and nothing changes.
    response = post_transition(client, case, "determine_responsibility", **FINDING)
    assert response.status_code == 200
    assert "must cite at least one evidence item" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == CaseState.INVESTIGATING

    cited = cite_evidence(case)
    page = client.get(transition_url(case, "determine_responsibility"))
    assert [
        pk for pk, _label in page.context["form"].fields["responsibility_evidence"].choices
    ] == cited
    response = post_transition(
        client, case, "determine_responsibility", **FINDING, responsibility_evidence=cited
    )

    assert response.status_code == 302
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state == CaseState.RESPONSIBILITY_DETERMINED
    assert fresh.responsibility_rationale == FINDING["responsibility_rationale"]
    assert fresh.responsibility_evidence == cited


def test_stale_expected_state_is_a_conflict(client, staff, team, case_factory):
    agent = staff(SUPPORT_AGENT, teams=[team])
    case = case_factory(team=team)
    client.force_login(agent)
    page = client.get(transition_url(case, "withdraw"))
    assert page.context["form"]["expected_state"].value() == CaseState.RECEIVED

    # Someone else moves the case while the form is open; `withdraw` is legal in both states.
    case_transition(case=case, transition="start_assessment", actor=SYSTEM, reason="first")
    before = snapshot(case)
    response = post_transition(client, case, "withdraw", expected_state=CaseState.RECEIVED)

    assert response.status_code == 200
    assert "The case changed meanwhile" in response.content.decode()
    assert snapshot(case) == before
    assert before["state"] == CaseState.ASSESSING


@pytest.mark.parametrize("reason", ["", "   "])
def test_transition_without_a_reason_is_a_form_error(client, staff, team, case_factory, reason):
    agent = staff(SUPPORT_AGENT, teams=[team])
    case = case_factory(team=team)
    before = snapshot(case)
    client.force_login(agent)

    response = post_transition(client, case, "start_assessment", reason=reason)

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert "This field is required." in response.content.decode()
    assert snapshot(case) == before


@pytest.mark.parametrize("rationale", ["", "  \n "])
def test_responsibility_without_rationale_names_the_condition(
    client, staff, team, case_factory, rationale
):
    lead = staff(TEAM_LEAD, teams=[team])
    case = case_factory(team=team, state_path=TO_INVESTIGATING)
    before = snapshot(case)
    client.force_login(lead)

    response = post_transition(
        client,
        case,
        "determine_responsibility",
        responsibility="platform_system_fault",
        responsibility_rationale=rationale,
    )

    assert response.status_code == 200
    message = str(has_responsibility_finding.message)
    assert message in response.context["form"].non_field_errors()
    assert message in response.content.decode()
    assert snapshot(case) == before
    assert Case.objects.get(pk=case.pk).responsibility == ""
