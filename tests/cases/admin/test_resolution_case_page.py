"""The Resolution panel of the case page: names, labels and formatted amounts (no ids or
codes), approvals by round with the voided ones marked, the execution with its attempts, and
a query budget that holds for one offer and for many versions with many actions."""

from __future__ import annotations

import re

import pytest

from cases.enums import CaseState
from cases.models import OfferAction
from cases.roles import APPROVER, TEAM_LEAD
from cases.services.execution import action_execute, execution_start
from cases.services.offers import (
    customer_actor,
    offer_decide,
    offer_discard,
    offer_edit,
    offer_review,
    offer_send,
)
from tests.support.admin import change_url
from tests.support.lifecycle import advice_terms, path_to
from tests.support.resolution import usdt_offer

pytestmark = pytest.mark.django_db

# Measured on PostgreSQL (superuser 17, lead 22) plus one, plus the Deadlines panel's clocks and
# steps and the regulators' letters sent (one query each): the case page with the offers, their
# actions, approvals and attempts (four queries whatever their number).
PAGE_BUDGET = {"superuser": 21, "lead": 26}


@pytest.fixture
def lead(staff, team):
    return staff(TEAM_LEAD, teams=[team])


@pytest.fixture
def approver(staff):
    user = staff(APPROVER)
    user.first_name, user.last_name = "Ada", "Approver"
    user.save()
    return user


def executing_case(case_factory, team, lead, approver, *, versions, actions):
    """A case whose offer v`versions` (with `actions` actions) was accepted and is being
    carried out, its refund refused by the exchange; every earlier version was approved and
    then dropped."""
    case = case_factory(
        team=team, assignee=lead, state_path=path_to(CaseState.RESPONSIBILITY_DETERMINED)
    )
    for _ in range(versions - 1):
        offer = usdt_offer(case, lead, amount="5000", actions=actions)
        offer_review(offer=offer, actor=approver, decision="approved", reason="Fine by me.")
        offer_discard(offer=offer, actor=lead, reason="Superseded by a revised offer")
    offer = usdt_offer(case, lead, amount="500", actions=actions)
    offer_send(offer=offer, actor=lead)
    offer_decide(offer=offer, accept=True, channel="portal", actor=customer_actor("portal"))
    execution_start(case_id=case.pk)
    refund = OfferAction.objects.get(offer=offer, kind="refund")
    assert action_execute(action_id=refund.pk) == "attention"
    return case


@pytest.mark.parametrize("who", ["superuser", "lead"])
def test_case_page_queries_do_not_grow_with_offers_and_actions(
    client, staff, team, case_factory, lead, approver, django_assert_max_num_queries, who
):
    small = executing_case(case_factory, team, lead, approver, versions=1, actions=2)
    large = executing_case(case_factory, team, lead, approver, versions=5, actions=8)
    client.force_login(staff(None, superuser=True) if who == "superuser" else lead)
    client.get(change_url(small))  # warm process-wide caches
    counts = []
    for case in (small, large):
        with django_assert_max_num_queries(PAGE_BUDGET[who]) as captured:
            response = client.get(change_url(case))
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    body = response.content.decode()
    assert body.count('class="offer-action"') == 5 * 8
    assert 'id="offer-v5"' in body


def test_the_panel_speaks_in_names_and_labels(client, team, case_factory, lead, approver):
    case = executing_case(case_factory, team, lead, approver, versions=2, actions=2)
    client.force_login(lead)
    body = client.get(change_url(case)).content.decode()
    panel = body.split('id="resolution"', 1)[1].split('id="correspondence"', 1)[0]
    assert "Ada Approver" in panel  # the approver by full name
    assert "Fine by me." in panel
    assert "Discarded" in panel
    assert "Accepted" in panel
    assert "Needs attention" in panel
    assert "Refused by the exchange" in panel  # the attempts log, by label
    assert "Customer portal" in panel  # how the customer answered
    assert "5,000 USDT" in panel
    assert "5,000.00 USD" in panel
    for code in ("needs_attention", "security_advice", "partly_upheld", "awaiting_approval"):
        assert f">{code}<" not in panel
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", panel)  # times formatted, never ISO


def test_an_edit_marks_earlier_approvals_as_voided(client, team, case_factory, lead, approver):
    case = case_factory(
        team=team, assignee=lead, state_path=path_to(CaseState.RESPONSIBILITY_DETERMINED)
    )
    offer = usdt_offer(case, lead, amount="5000")
    offer_review(offer=offer, actor=approver, decision="approved", reason="Fine by me.")
    offer_edit(offer=offer, actor=lead, terms=advice_terms(refund="4000"))
    client.force_login(lead)
    panel = client.get(change_url(case)).content.decode().split('id="resolution"', 1)[1]
    assert "Round 1: voided by a later change" in panel
    assert "approvals given before a change no longer count" in panel
