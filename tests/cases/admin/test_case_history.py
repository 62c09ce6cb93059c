"""The case admin's history is read-only: reasons and actors shown, no revert, nothing changed
by a POST, the historical-case admin view-only and closed to staff without view-all."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases.enums import CaseState, Category, Priority
from cases.models import Case
from cases.roles import AUDITOR, SUPPORT_AGENT, TEAM_LEAD
from cases.services.lifecycle import case_transition
from tests.factories.cases import SYSTEM
from tests.support.admin import history_url, snapshot

pytestmark = pytest.mark.django_db


# --- 6. history is read-only ----------------------------------------------------------------------


def _case_with_history(case_factory, staff, team):
    agent = staff(SUPPORT_AGENT, teams=[team])
    case = case_factory(team=team)
    case_transition(
        case=case, transition="start_assessment", actor=agent, reason="Looked at it on Monday"
    )
    return agent, Case.objects.get(pk=case.pk)


def test_history_page_shows_reasons_and_actors_and_no_revert(client, staff, team, case_factory):
    agent, case = _case_with_history(case_factory, staff, team)
    for user in (staff(AUDITOR), staff(None, superuser=True), agent):
        client.force_login(user)
        page = client.get(history_url(case))
        assert page.status_code == 200
        html = page.content.decode()
        assert "Looked at it on Monday" in html
        assert "test setup" in html  # the factory's assignment reason
        assert f"user:{agent.pk}:{agent.username}" in html
        assert SYSTEM.label in html
        # The only form on the page is the admin header's logout button.
        forms = re.findall(r"<form\b[^>]*>", html)
        assert all("logout" in f for f in forms), forms
        assert not re.search(r'href="[^"]*/history/\d+/', html)
        assert "revert" not in re.sub(r"reverted", "", html.lower())


@pytest.mark.parametrize("who", ["auditor", "superuser"])
def test_history_posts_change_nothing(client, staff, team, case_factory, who):
    _agent, case = _case_with_history(case_factory, staff, team)
    first = case.history.order_by("history_date", "history_id").first()
    client.force_login(staff(AUDITOR) if who == "auditor" else staff(None, superuser=True))
    before = snapshot(case)
    rows_before = list(case.history.values())
    # What simple-history's revert form would post: the old snapshot's fields.
    payload = {
        "state": first.state,
        "category": Category.OTHER,
        "priority": Priority.P4,
        "team": "",
        "assignee": "",
        "_save": "Save",
    }

    for url in (history_url(case), f"{history_url(case)}{first.history_id}/"):
        response = client.post(url, payload)
        assert response.status_code in (200, 302, 403, 404, 405)
        response = client.post(url, payload, follow=True)
        assert response.status_code in (200, 403, 404, 405)

    assert snapshot(case) == before
    assert list(case.history.values()) == rows_before


def _historical_row_urls(case: Case):
    record = case.history.order_by("history_date", "history_id").first()
    change = reverse("admin:cases_historicalcase_change", args=[record.history_id])
    delete = reverse("admin:cases_historicalcase_delete", args=[record.history_id])
    return record, change, delete


@pytest.mark.parametrize("who", ["auditor", "superuser"])
def test_historical_case_admin_is_view_only_for_everyone(client, staff, team, case_factory, who):
    _agent, case = _case_with_history(case_factory, staff, team)
    record, change, delete = _historical_row_urls(case)
    client.force_login(staff(AUDITOR) if who == "auditor" else staff(None, superuser=True))
    rows_before = list(Case.history.model.objects.order_by("history_id").values())

    listing = client.get(reverse("admin:cases_historicalcase_changelist"))
    assert listing.status_code == 200
    assert "Looked at it on Monday" in listing.content.decode()
    view = client.get(change)
    assert view.status_code == 200
    assert not view.context["has_change_permission"]

    assert client.get(reverse("admin:cases_historicalcase_add")).status_code == 403
    assert client.post(reverse("admin:cases_historicalcase_add"), {}).status_code == 403
    assert (
        client.post(
            change,
            {"state": CaseState.CLOSED, "history_change_reason": "rewritten", "_save": "Save"},
        ).status_code
        == 403
    )
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:cases_historicalcase_changelist"),
        {"action": "delete_selected", "_selected_action": [record.history_id], "post": "yes"},
    )

    assert list(Case.history.model.objects.order_by("history_id").values()) == rows_before


def test_history_admin_is_closed_to_staff_without_view_all(client, staff, team, case_factory):
    agent, case = _case_with_history(case_factory, staff, team)
    _record, change, _delete = _historical_row_urls(case)
    for user in (agent, staff(TEAM_LEAD, teams=[team])):
        client.force_login(user)
        assert client.get(reverse("admin:cases_historicalcase_changelist")).status_code == 403
        assert client.get(change).status_code == 403
        assert client.get(reverse("admin:cases_caseevent_changelist")).status_code == 403
