"""The team lead's queue page, the queue filters, the bulk "Assign to…" action, the rule admin."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, RoutingRule
from cases.selectors.routing import queue_overview_for_lead
from cases.services.intake import message_post_staff
from tests.factories.cases import make_case, make_staff, make_team
from tests.support.admin import changelist_url, listed_pks
from tests.support.routing import make_handler, make_led_team

pytestmark = pytest.mark.django_db

QUEUES_URL = "/admin/cases/case/queues/"


@pytest.fixture
def lead():
    return make_staff("Team lead", username="lena")


@pytest.fixture
def setup(lead):
    """Security (led by lena) with two handlers and cases in known SLA positions; Legal (led by
    someone else) with one case."""
    now = timezone.now()
    security = make_led_team("security", "Security", lead=lead)
    make_team("support", "Support")
    legal = make_led_team("legal", "Legal", lead=make_staff("Team lead", username="leo"))
    from cases.services.assignment import team_member_add
    from tests.factories.cases import SYSTEM

    team_member_add(team=security, user=lead, actor=SYSTEM)
    amy = make_handler(security, "amy")
    bob = make_handler(security, "bob")
    cases = {
        # P2: first response due 4h after receipt.
        "risk": make_case(
            team=security, assignee=amy, priority="P2", received_at=now - timedelta(hours=1)
        ),
        "breached": make_case(
            team=security, assignee=amy, priority="P2", received_at=now - timedelta(hours=5)
        ),
        # P3: first response due in 24h, resolution in 15 days: neither.
        "calm": make_case(team=security, assignee=bob, priority="P3", received_at=now),
        "unassigned_risk": make_case(
            team=security, priority="P2", received_at=now - timedelta(hours=2)
        ),
        # Answered in time: the first-response clock has stopped.
        "answered": make_case(
            team=security, assignee=bob, priority="P3", received_at=now - timedelta(hours=23)
        ),
        "closed": make_case(team=security, assignee=bob, state_path=["withdraw"]),
        "legal": make_case(team=legal, priority="P2", received_at=now - timedelta(hours=5)),
    }
    message_post_staff(case=cases["answered"], actor=bob, body="We are on it.")
    cases["assessing"] = make_case(team=security, assignee=bob, state_path=["start_assessment"])
    return {"security": security, "legal": legal, "amy": amy, "bob": bob, "cases": cases}


def test_overview_numbers(setup, lead):
    (queue,) = queue_overview_for_lead(user=lead)  # only the team lena leads
    assert queue.team == setup["security"]
    assert (queue.open, queue.unassigned, queue.at_risk, queue.breached) == (6, 1, 2, 1)
    assert dict((s, n) for s, _label, n in queue.by_state) == {"received": 5, "assessing": 1}
    loads = {a.username: (a.open, a.at_risk, a.breached) for a in queue.agents}
    assert loads == {"amy": (2, 1, 1), "bob": (3, 0, 0)}
    assert (queue.consultations_open, queue.consultations_overdue) == (0, 0)


def test_overview_counts_the_consultations_asked_of_the_team(setup, lead, staff):
    from datetime import timedelta

    from django.utils import timezone

    from cases.roles import CASE_HANDLER
    from cases.services.consultations import consultation_request

    case = setup["cases"]["legal"]
    asker = staff(CASE_HANDLER, teams=[setup["legal"]])
    long_ago = timezone.now() - timedelta(days=5)
    for question, asked_at in (("Logs of the outage?", long_ago), ("Who reset 2FA?", None)):
        consultation_request(
            case=case,
            actor=asker,
            team=setup["security"],
            question=question,
            asked_at=asked_at,
        )
    (queue,) = queue_overview_for_lead(user=lead)
    assert (queue.consultations_open, queue.consultations_overdue) == (2, 1)


def test_auditor_and_superuser_see_every_team(setup):
    auditor = make_staff("Auditor", username="aud")
    assert [q.team.code for q in queue_overview_for_lead(user=auditor)] == [
        "legal",
        "security",
        "support",
    ]
    legal = next(q for q in queue_overview_for_lead(user=auditor) if q.team.code == "legal")
    assert (legal.open, legal.unassigned, legal.breached) == (1, 1, 1)


def test_queue_page_links_open_the_matching_case_list(client, setup, lead):
    client.force_login(lead)
    response = client.get(QUEUES_URL)
    assert response.status_code == 200
    (queue,) = response.context["queues"]
    c = setup["cases"]
    expected = {
        "open": {
            c[k].pk
            for k in ("risk", "breached", "calm", "unassigned_risk", "answered", "assessing")
        },
        "unassigned": {c["unassigned_risk"].pk},
        "at_risk": {c["risk"].pk, c["unassigned_risk"].pk},
        "breached": {c["breached"].pk},
    }
    for figure, pks in expected.items():
        assert f'data-figure="{figure}"' in response.content.decode()
        assert listed_pks(client.get(queue.links[figure])) == pks, figure
    amy_row = next(row for row in queue.agent_rows if row[0].username == "amy")
    assert listed_pks(client.get(amy_row[1])) == {c["risk"].pk, c["breached"].pk}
    # The case list offers the way back to the queues.
    assert QUEUES_URL in client.get(changelist_url()).content.decode()


def test_queue_page_refused_to_agents(client, setup):
    client.force_login(setup["amy"])
    assert client.get(QUEUES_URL).status_code == 403
    assert QUEUES_URL not in client.get(changelist_url()).content.decode()


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(QUEUES_URL).status_code == 200
    return len(ctx.captured_queries)


def test_queue_page_query_count_is_constant(client, setup, lead, django_assert_max_num_queries):
    client.force_login(lead)
    _page_queries(client)
    few = _page_queries(client)
    security = setup["security"]
    extra = [make_handler(security, f"extra{n}") for n in range(4)]
    for n in range(30):
        make_case(team=security, assignee=extra[n % 4] if n % 3 else None, priority="P2")
    many = _page_queries(client)
    assert few == many
    # Session, user, two permission reads, "leads a team", the teams, three case aggregates and
    # one of the consultations asked of each team.
    # 11: one of them asks whether the user enrolled a second factor (complaints_site/accounts).
    with django_assert_max_num_queries(11):
        client.get(QUEUES_URL)


def _assign(client, cases, assignee, reason="Balancing the queue"):
    return client.post(
        changelist_url(),
        {
            "action": "assign_to",
            "_selected_action": [c.pk for c in cases],
            "apply": "1",
            "assignee": assignee.pk,
            "reason": reason,
        },
        follow=True,
    )


def test_lead_bulk_reassigns_within_their_team(client, setup, lead):
    c, bob = setup["cases"], setup["bob"]
    client.force_login(lead)
    # The action offers an intermediate page with the form first.
    page = client.post(
        changelist_url(), {"action": "assign_to", "_selected_action": [c["risk"].pk]}
    )
    assert page.status_code == 200
    assert "assign_to.html" in [t.name.rsplit("/", 1)[-1] for t in page.templates]
    # A case lena reaches as a member of Support, which she does not lead; and one of Legal,
    # which she cannot even select (it is outside her case list).
    from cases.services.assignment import team_member_add
    from tests.factories.cases import SYSTEM

    support = make_team("support", "Support")
    team_member_add(team=support, user=lead, actor=SYSTEM)
    team_member_add(team=support, user=bob, actor=SYSTEM)
    theirs = make_case(team=support)
    response = _assign(client, [c["risk"], c["unassigned_risk"], c["legal"], theirs], bob)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("2 cases assigned to bob" in m for m in messages), messages
    assert any(theirs.reference in m and "not in a team you lead" in m for m in messages)
    assert Case.objects.get(pk=theirs.pk).assignee is None
    assert Case.objects.get(pk=c["risk"].pk).assignee == bob
    assert Case.objects.get(pk=c["unassigned_risk"].pk).assignee == bob
    assert Case.objects.get(pk=c["legal"].pk).assignee is None  # not lena's team
    event = CaseEvent.objects.filter(case=c["risk"], type="case.assignment.changed").last()
    assert event.reason == "Balancing the queue"
    assert event.data["assignee"] == ["amy", "bob"]
    # Access moved with the assignment.
    from cases.policies import may_reach_case
    from cases.services.assignment import team_member_remove

    amy = setup["amy"]
    team_member_remove(team=setup["security"], user=amy, actor=SYSTEM, reason="t")
    amy = type(amy).objects.get(pk=amy.pk)
    assert not may_reach_case(amy, Case.objects.get(pk=c["risk"].pk))


def test_bulk_assign_refuses_someone_outside_the_team_and_needs_a_reason(client, setup, lead):
    c = setup["cases"]
    outsider = make_handler(setup["legal"], "olga")
    client.force_login(lead)
    response = _assign(client, [c["risk"]], outsider)
    # olga is not offered to lena at all (not in a team lena leads).
    assert response.context["form"].errors["assignee"]
    response = _assign(client, [c["risk"]], setup["bob"], reason="")
    assert response.context["form"].errors["reason"]
    assert Case.objects.get(pk=c["risk"].pk).assignee == setup["amy"]


def test_bulk_assign_not_offered_to_agents(client, setup):
    client.force_login(setup["amy"])
    response = client.get(changelist_url())
    actions = (
        response.context["action_form"].fields["action"].choices
        if response.context.get("action_form")
        else []
    )
    assert "assign_to" not in [name for name, _label in actions]
    response = _assign(client, [setup["cases"]["risk"]], setup["bob"])
    assert Case.objects.get(pk=setup["cases"]["risk"].pk).assignee == setup["amy"]


def test_rule_admin_lead_edits_with_reason_agent_cannot(client, setup, lead):
    client.force_login(lead)
    add_url = reverse("admin:cases_routingrule_add")
    data = {
        "order": 10,
        "category": "account_security",
        "locale": "",
        "channel": "",
        "team": setup["security"].pk,
        "auto_assign": "on",
        "is_active": "on",
        "change_reason": "Security handles takeovers",
    }
    response = client.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = RoutingRule.objects.get()
    assert saved.auto_assign
    assert saved.history.get().history_change_reason == "Security handles takeovers"
    assert saved.history.get().history_user == lead
    response = client.post(add_url, {**data, "order": 11, "change_reason": ""})
    assert response.status_code == 200  # the reason is required
    history = client.get(reverse("admin:cases_routingrule_history", args=[saved.pk]))
    assert "Security handles takeovers" in history.content.decode()
    assert client.get(reverse("admin:cases_routingrule_changelist")).status_code == 200
    client.force_login(setup["amy"])
    assert client.get(reverse("admin:cases_routingrule_changelist")).status_code == 403
    assert client.post(add_url, {**data, "order": 12}).status_code == 403


def test_rule_list_and_assign_page_query_budgets(
    client, setup, lead, django_assert_max_num_queries
):
    from cases.services.routing import routing_rule_save
    from tests.factories.cases import SYSTEM

    client.force_login(lead)
    url = reverse("admin:cases_routingrule_changelist")

    def count(do) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert do().status_code == 200
        return len(ctx.captured_queries)

    def assign_page():
        return client.post(
            changelist_url(),
            {"action": "assign_to", "_selected_action": [c.pk for c in setup["cases"].values()]},
        )

    count(lambda: client.get(url))
    few_rules, few_cases = count(lambda: client.get(url)), count(assign_page)
    for n in range(20):
        routing_rule_save(
            rule=RoutingRule(order=n, team=setup["security"], category="fees"),
            actor=SYSTEM,
            reason="t",
        )
        make_case(team=setup["security"], assignee=setup["amy"])
    assert count(lambda: client.get(url)) == few_rules
    assert count(assign_page) == few_cases
    with django_assert_max_num_queries(20):
        client.get(url)
    with django_assert_max_num_queries(20):
        assign_page()
