"""The case admin: who sees which case, what they may do there, and that history stays put.

Every request goes through Django's test client as a signed-in staff member, so the admin's own
permission hooks, the selectors and the services are exercised together.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from cases.enums import CaseState, Category, Channel, Priority
from cases.models import Case, CaseEvent
from cases.roles import AUDITOR, CASE_HANDLER, COMPLIANCE_OFFICER, SUPPORT_AGENT, TEAM_LEAD
from cases.services.assignment import case_assign
from cases.services.cases import case_update_triage
from cases.services.lifecycle import case_transition
from tests.factories.cases import SYSTEM
from tests.support.admin import (
    change_url,
    changelist_url,
    form_fields,
    history_url,
    latest_history,
    listed_pks,
    post_transition,
    snapshot,
    submit_change_form,
    transition_url,
)
from tests.support.lifecycle import TO_INVESTIGATING

pytestmark = pytest.mark.django_db


# Query budgets: measured on PostgreSQL plus a margin of one. The tests also require the same
# count for few and for many rows, so a per-row query in a list column or template fails.
# Measured: changelist 6 (superuser) / 11 (agent, object permissions); change view 16 / 21 (team
# lead: guardian re-reads object permissions for every check; the page also lists the case's
# messages, evidence, evidence notes, snapshots, consultations, timeline events, the teams
# to consult and the resolution offers, one query each; the Deadlines panel reads the clocks
# and the lifecycle steps, one query each; the Letters section the regulators' letters sent,
# one query for a case under a regime); history view 4 / 7.
# Each page also asks once whether the staff user enrolled a second factor
# (complaints_site/accounts; +1 with OTP_REQUIRED_FOR_STAFF off).
CHANGELIST_BUDGET = {"superuser": 7, "agent": 12}
CHANGE_VIEW_BUDGET = {"superuser": 20, "lead": 25}
HISTORY_VIEW_BUDGET = {"superuser": 7, "lead": 10}


def assert_sees(client, case: Case) -> None:
    assert case.pk in listed_pks(client.get(changelist_url()))
    page = client.get(change_url(case))
    assert page.status_code == 200
    html = page.content.decode()
    assert case.reference in html
    assert case.complainant_email in html
    assert client.get(history_url(case)).status_code == 200


def assert_does_not_see(client, case: Case) -> None:
    listing = client.get(changelist_url())
    assert case.pk not in listed_pks(listing)
    assert case.reference not in listing.content.decode()

    page = client.get(change_url(case), follow=True)
    html = page.content.decode()
    # Django admin's answer when get_object() finds nothing: back to the index, "doesn't exist".
    assert page.redirect_chain == [(reverse("admin:index"), 302)]
    assert "Perhaps it was deleted?" in html
    assert case.reference not in html
    assert case.complainant_email not in html
    assert case.complainant_account_id not in html

    assert client.get(history_url(case)).status_code == 404
    assert client.get(transition_url(case, "withdraw")).status_code == 404


# --- 1. who sees which case ------------------------------------------------------------------


def test_assignee_and_team_see_the_case_others_do_not(
    client, staff, team, other_team, case_factory
):
    handler = staff(CASE_HANDLER)  # reaches the case only through the assignment
    member = staff(SUPPORT_AGENT, teams=[team])  # only through the team
    outsider = staff(SUPPORT_AGENT, teams=[other_team])
    lead_elsewhere = staff(TEAM_LEAD, teams=[other_team])
    unassigned = staff(CASE_HANDLER)
    case = case_factory(team=team, assignee=handler)
    foreign = case_factory(team=other_team)

    for user in (handler, member):
        client.force_login(user)
        assert_sees(client, case)
        assert listed_pks(client.get(changelist_url())) == {case.pk}
        assert_does_not_see(client, foreign)

    for user in (outsider, lead_elsewhere):
        client.force_login(user)
        assert_does_not_see(client, case)
        assert listed_pks(client.get(changelist_url())) == {foreign.pk}

    client.force_login(unassigned)
    assert_does_not_see(client, case)
    assert listed_pks(client.get(changelist_url())) == set()


def test_posting_the_change_form_of_an_unreachable_case_changes_nothing(
    client, staff, team, other_team, case_factory
):
    outsider = staff(TEAM_LEAD, teams=[other_team])
    case = case_factory(team=team)
    before = snapshot(case)
    client.force_login(outsider)

    response = client.post(
        change_url(case),
        {
            "category": Category.FEES,
            "priority": Priority.P1,
            "team": other_team.pk,
            "assignee": outsider.pk,
            "change_reason": "mine now",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert snapshot(case) == before


def test_superuser_sees_every_case(client, staff, team, other_team, case_factory):
    cases = [case_factory(team=team), case_factory(team=other_team), case_factory()]
    client.force_login(staff(None, superuser=True))
    assert listed_pks(client.get(changelist_url())) == {c.pk for c in cases}
    for case in cases:
        assert_sees(client, case)


@pytest.mark.parametrize("role", [AUDITOR, COMPLIANCE_OFFICER])
def test_auditor_sees_every_case_read_only(client, staff, team, other_team, case_factory, role):
    cases = [case_factory(team=team), case_factory(team=other_team), case_factory()]
    case = cases[0]
    client.force_login(staff(role))

    assert listed_pks(client.get(changelist_url())) == {c.pk for c in cases}
    page = client.get(change_url(case))
    assert page.status_code == 200
    assert case.complainant_email in page.content.decode()
    _data, controls = form_fields(page)
    assert not {"category", "priority", "team", "assignee", "change_reason", "_save"} & controls
    assert not page.context["has_change_permission"]

    before = snapshot(case)
    response = client.post(
        change_url(case),
        {
            "category": Category.FEES,
            "priority": Priority.P1,
            "change_reason": "audit",
            "_save": "Save",
        },
    )
    assert response.status_code == 403
    assert snapshot(case) == before


def test_reassignment_ends_access_at_the_next_request(
    client, staff, team, other_team, case_factory
):
    first = staff(CASE_HANDLER)
    second = staff(CASE_HANDLER, teams=[other_team])
    member = staff(SUPPORT_AGENT, teams=[team])
    newcomer_team_member = staff(SUPPORT_AGENT, teams=[other_team])
    case = case_factory(team=team, assignee=first)

    client.force_login(first)
    assert_sees(client, case)  # the session is warm: permissions were read in this session

    case_assign(case=case, actor=SYSTEM, reason="rebalance", team=other_team, assignee=second)

    assert_does_not_see(client, case)
    assert post_transition(client, case, "start_assessment").status_code == 404
    assert Case.objects.get(pk=case.pk).state == CaseState.RECEIVED

    for user, sees in ((member, False), (second, True), (newcomer_team_member, True)):
        client.force_login(user)
        (assert_sees if sees else assert_does_not_see)(client, case)


# --- 2. filters and search --------------------------------------------------------------------


@pytest.fixture
def catalogue(staff, team, other_team, case_factory):
    ann, bob = staff(CASE_HANDLER, username="ann"), staff(CASE_HANDLER, username="bob")
    cases = {
        "a": case_factory(
            team=team,
            assignee=ann,
            category=Category.TRADE_DISPUTE,
            priority=Priority.P1,
            channel=Channel.WEB,
            related_transactions=["0xfeed01", "0xfeed02"],
        ),
        "b": case_factory(
            team=other_team,
            assignee=bob,
            category=Category.FEES,
            priority=Priority.P3,
            channel=Channel.EMAIL,
            state_path=["start_assessment"],
            related_transactions=["0xbeef01"],
        ),
        "c": case_factory(
            category=Category.ACCOUNT_SECURITY,
            priority=Priority.P2,
            channel=Channel.CHAT,
            complainant_account_id="UID-SHARED",
        ),
        "d": case_factory(
            team=team,
            category=Category.FEES,
            priority=Priority.P1,
            channel=Channel.EMAIL,
            state_path=TO_INVESTIGATING,
            complainant_account_id="UID-SHARED",
        ),
    }
    return {"cases": cases, "ann": ann, "bob": bob, "team": team, "other_team": other_team}


FILTERS = [
    (lambda k: {"state__exact": CaseState.RECEIVED}, {"a", "c"}),
    (lambda k: {"state__exact": CaseState.ASSESSING}, {"b"}),
    (lambda k: {"state__exact": CaseState.INVESTIGATING}, {"d"}),
    (lambda k: {"category__exact": Category.FEES}, {"b", "d"}),
    (lambda k: {"category__exact": Category.ACCOUNT_SECURITY}, {"c"}),
    (lambda k: {"priority__exact": Priority.P1}, {"a", "d"}),
    (lambda k: {"priority__exact": Priority.P4}, set()),
    (lambda k: {"channel__exact": Channel.EMAIL}, {"b", "d"}),
    (lambda k: {"channel__exact": Channel.CHAT}, {"c"}),
    (lambda k: {"team__id__exact": k["team"].pk}, {"a", "d"}),
    (lambda k: {"team__id__exact": k["other_team"].pk}, {"b"}),
    (lambda k: {"assignee__id__exact": k["ann"].pk}, {"a"}),
    (lambda k: {"assignee__id__exact": k["bob"].pk}, {"b"}),
    (
        lambda k: {
            "team__id__exact": k["team"].pk,
            "priority__exact": Priority.P1,
            "channel__exact": Channel.WEB,
        },
        {"a"},
    ),
    (lambda k: {"q": k["cases"]["b"].reference}, {"b"}),
    (lambda k: {"q": k["cases"]["c"].complainant_email}, {"c"}),
    (lambda k: {"q": "UID-SHARED"}, {"c", "d"}),
    (lambda k: {"q": "0xfeed02"}, {"a"}),
    (lambda k: {"q": "0xbeef01"}, {"b"}),
    (lambda k: {"q": "0xfeed"}, set()),  # exact match only: no prefix fishing for txids
    (lambda k: {"q": "nobody@example.com"}, set()),
]


def test_changelist_filters_and_search(client, staff, catalogue):
    client.force_login(staff(None, superuser=True))
    cases = catalogue["cases"]
    assert listed_pks(client.get(changelist_url())) == {c.pk for c in cases.values()}
    for params, expected in FILTERS:
        query = params(catalogue)
        shown = listed_pks(client.get(changelist_url(), query))
        assert shown == {cases[key].pk for key in expected}, query


def test_filters_and_search_stay_within_reach(client, staff, catalogue):
    cases = catalogue["cases"]
    member = staff(SUPPORT_AGENT, teams=[catalogue["team"]])
    client.force_login(member)

    listing = client.get(changelist_url())
    assert listed_pks(listing) == {cases["a"].pk, cases["d"].pk}
    # The related-only filters offer only people and teams of cases in reach.
    sidebar = listing.content.decode()
    assert catalogue["ann"].username in sidebar
    assert catalogue["bob"].username not in sidebar
    assert catalogue["other_team"].name not in sidebar

    for params in (
        {"q": cases["b"].reference},
        {"q": "0xbeef01"},
        {"q": cases["c"].complainant_email},
        {"team__id__exact": catalogue["other_team"].pk},
        {"assignee__id__exact": catalogue["bob"].pk},
    ):
        assert listed_pks(client.get(changelist_url(), params)) == set(), params
    assert listed_pks(client.get(changelist_url(), {"q": "UID-SHARED"})) == {cases["d"].pk}


# --- 3. query budgets ---------------------------------------------------------------------------


def _add_cases(case_factory, n, *, team, other_team, handlers):
    for i in range(n):
        case_factory(
            team=other_team if i % 5 == 4 else team,
            assignee=handlers[i % len(handlers)],
            priority=[Priority.P1, Priority.P2, Priority.P3][i % 3],
            related_transactions=[f"tx-{i}"],
        )


@pytest.mark.parametrize("who", ["superuser", "agent"])
def test_changelist_queries_do_not_grow_with_rows(
    client, staff, team, other_team, case_factory, django_assert_max_num_queries, who
):
    budget = CHANGELIST_BUDGET[who]
    handlers = [staff(CASE_HANDLER) for _ in range(3)]
    user = staff(None, superuser=True) if who == "superuser" else staff(SUPPORT_AGENT, teams=[team])
    client.force_login(user)
    _add_cases(case_factory, 5, team=team, other_team=other_team, handlers=handlers)
    client.get(changelist_url())  # warm process-wide caches (content types)

    counts = []
    for extra in (0, 45):
        _add_cases(case_factory, extra, team=team, other_team=other_team, handlers=handlers)
        with django_assert_max_num_queries(budget) as captured:
            response = client.get(changelist_url())
        counts.append((len(listed_pks(response)), len(captured)))

    (few, few_queries), (many, many_queries) = counts
    assert (few, many) == ((5, 50) if who == "superuser" else (4, 40))
    assert few_queries == many_queries


def _grow_history(case: Case, times: int) -> None:
    for i in range(times):
        case = case_update_triage(
            case=case,
            actor=SYSTEM,
            reason=f"re-triage {i}",
            priority=Priority.P2 if i % 2 == 0 else Priority.P3,
        )


@pytest.mark.parametrize("who", ["superuser", "lead"])
def test_change_and_history_views_queries_do_not_grow(
    client, staff, team, case_factory, django_assert_max_num_queries, who
):
    handler = staff(CASE_HANDLER)
    user = staff(None, superuser=True) if who == "superuser" else staff(TEAM_LEAD, teams=[team])
    client.force_login(user)
    small = case_factory(team=team, assignee=handler, related_transactions=["tx-1"])
    large = case_factory(
        team=team, assignee=handler, related_transactions=[f"tx-{i}" for i in range(20)]
    )
    _grow_history(large, 30)
    client.get(change_url(small))  # warm process-wide caches

    for url, budgets in ((change_url, CHANGE_VIEW_BUDGET), (history_url, HISTORY_VIEW_BUDGET)):
        budget = budgets[who]
        counts = []
        for case in (small, large):
            with django_assert_max_num_queries(budget) as captured:
                response = client.get(url(case))
            assert response.status_code == 200
            counts.append(len(captured))
        assert counts[0] == counts[1], (url.__name__, counts)
    assert client.get(history_url(large)).content.decode().count("re-triage") == 30


# --- 7. the change form ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["lead", "superuser"])
def test_priority_change_with_a_reason_recomputes_due_dates(client, staff, team, case_factory, who):
    user = staff(TEAM_LEAD, teams=[team]) if who == "lead" else staff(None, superuser=True)
    case = case_factory(team=team, priority=Priority.P3, related_transactions=["0xcafe"])
    before = snapshot(case)
    client.force_login(user)

    response = submit_change_form(
        client, case, priority=Priority.P1, change_reason="Funds still leaving the account"
    )

    assert response.status_code == 302
    fresh = Case.objects.get(pk=case.pk)
    first, resolution = settings.SLA_TARGETS[Priority.P1]
    assert fresh.priority == Priority.P1
    assert fresh.first_response_due_at == fresh.received_at + first + fresh.paused_total
    assert fresh.resolution_due_at == fresh.received_at + resolution + fresh.paused_total
    assert fresh.first_response_due_at < before["first_response_due_at"]
    after = snapshot(case)
    assert after["history"] == before["history"] + 1
    assert after["events"] == before["events"] + 1
    record = latest_history(case)
    assert record.history_change_reason == "Funds still leaving the account"
    assert record.history_user == user
    assert record.priority == Priority.P1
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert event.type == "case.triage.changed"
    assert event.data == {"priority": [Priority.P3, Priority.P1]}


def test_change_without_a_reason_is_a_form_error(client, staff, team, case_factory):
    lead = staff(TEAM_LEAD, teams=[team])
    case = case_factory(team=team, priority=Priority.P3)
    before = snapshot(case)
    client.force_login(lead)

    response = submit_change_form(client, case, priority=Priority.P1, change_reason="  ")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["change_reason"]
    assert "Say why you change this case." in response.content.decode()
    assert snapshot(case) == before


def test_assigning_through_the_form_moves_access(client, staff, team, other_team, case_factory):
    lead = staff(TEAM_LEAD, teams=[team])
    # The old handler is a member of the case's team; the case moves to the new handler's team,
    # so the old handler's access can only have come from the assignment.
    old, new = staff(CASE_HANDLER), staff(CASE_HANDLER, teams=[other_team])
    case = case_factory(team=team, assignee=old)
    client.force_login(lead)

    response = submit_change_form(
        client, case, team=other_team.pk, assignee=new.pk, change_reason="Holiday cover"
    )

    assert response.status_code == 302
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.team_id, fresh.assignee_id) == (other_team.pk, new.pk)
    assert latest_history(case).history_change_reason == "Holiday cover"
    assert CaseEvent.objects.filter(case=case).latest("id").type == "case.assignment.changed"
    client.force_login(new)
    assert_sees(client, case)
    client.force_login(old)
    assert_does_not_see(client, case)


def test_a_refused_assignee_changes_nothing_at_all(client, staff, team, case_factory):
    lead = staff(TEAM_LEAD, teams=[team])
    auditor = staff(AUDITOR)  # active staff who cannot handle cases: not offered, refused
    case = case_factory(team=team, priority=Priority.P3)
    before = snapshot(case)
    client.force_login(lead)
    page = client.get(change_url(case))
    assert f'<option value="{auditor.pk}"' not in page.content.decode()

    response = submit_change_form(
        client, case, priority=Priority.P1, assignee=auditor.pk, change_reason="Escalate"
    )

    assert response.status_code == 200  # the form comes back with the error
    assert "Select a valid choice" in response.content.decode()
    assert snapshot(case) == before


def test_an_assignee_outside_the_case_team_is_a_form_error(client, staff, team, case_factory):
    lead = staff(TEAM_LEAD, teams=[team])
    outsider = staff(CASE_HANDLER)  # a handler, so offered; not a member of the case's team
    case = case_factory(team=team, priority=Priority.P3)
    before = snapshot(case)
    client.force_login(lead)

    response = submit_change_form(
        client, case, priority=Priority.P1, assignee=outsider.pk, change_reason="Cover"
    )

    assert response.status_code == 200  # the form comes back with the error on the field
    assert f"{outsider.username} is not in this case&#x27;s team" in response.content.decode()
    assert snapshot(case) == before


def test_agent_cannot_assign_through_a_crafted_form(client, staff, team, other_team, case_factory):
    agent = staff(SUPPORT_AGENT, teams=[team])
    case = case_factory(team=team)
    client.force_login(agent)
    page = client.get(change_url(case))
    _data, controls = form_fields(page)
    assert {"category", "priority"} <= controls  # the agent triages ...
    assert not {"team", "assignee"} & controls  # ... but does not assign
    before = snapshot(case)

    response = submit_change_form(
        client, case, team=other_team.pk, assignee=agent.pk, change_reason="I'll take it"
    )

    assert response.status_code == 302
    assert snapshot(case) == before


def test_case_page_shows_timeline_and_transactions_to_those_who_reach_it(
    client, staff, team, case_factory
):
    agent = staff(SUPPORT_AGENT, teams=[team])
    case = case_factory(team=team, related_transactions=["0xdecaf01"])
    case_transition(case=case, transition="start_assessment", actor=agent, reason="On it now")
    for user in (agent, staff(AUDITOR)):
        client.force_login(user)
        html = client.get(change_url(case)).content.decode()
        assert "0xdecaf01" in html
        assert "On it now" in html
        timeline = html[html.index('id="staff-timeline"') :]
        # In order, with readable titles: opened, then the transition with its states.
        assert timeline.index("Case opened") < timeline.index("Start assessment")
        assert "Received → Preliminary assessment" in timeline


def test_staff_profiles_list_their_teams_in_bounded_queries(
    client, staff, team, other_team, django_assert_max_num_queries
):
    from cases.services.conflicts import staff_profile_ensure

    root = staff(None, superuser=True)
    for i in range(6):
        member = staff(CASE_HANDLER, teams=[team, other_team] if i % 2 else [team])
        staff_profile_ensure(user=member, actor=SYSTEM, languages=["en"], skills=["fees"])
    client.force_login(root)
    client.get("/admin/cases/staffprofile/")
    with django_assert_max_num_queries(9):
        response = client.get("/admin/cases/staffprofile/")
    body = response.content.decode()
    assert f"{other_team.name}, {team.name}" in body or f"{team.name}, {other_team.name}" in body
