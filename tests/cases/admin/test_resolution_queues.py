"""The approver's queue ("Offers awaiting my approval") and its one-page decision, and the
lead's queue of actions needing attention: four eyes, recusal, the service's refusals shown
plainly, and query budgets for few and many rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.enums import ActionExecutionState, CaseState, OfferState
from cases.models import CaseParticipant, CaseRecusal, OfferAction, OfferApproval, ResolutionOffer
from cases.roles import APPROVER, AUDITOR, CASE_HANDLER, TEAM_LEAD
from cases.services.execution import action_execute
from cases.services.teams import team_update
from tests.factories.cases import SYSTEM
from tests.support.lifecycle import path_to
from tests.support.resolution import (
    approval_queue_url,
    approval_url,
    attention_url,
    usdt_offer,
)

pytestmark = pytest.mark.django_db

# Measured on PostgreSQL plus one (queue 8: session, user, second factor, permissions, the
# count, the offers, their actions; page 11; attention 10), and the same for few and many rows.
APPROVAL_QUEUE_BUDGET = 9
APPROVAL_PAGE_BUDGET = 12
ATTENTION_QUEUE_BUDGET = 11
OFFER_LIST_BUDGET = 12


@pytest.fixture
def lead(staff, team):
    user = staff(TEAM_LEAD, teams=[team])
    team_update(team=team, actor=SYSTEM, reason="lead", code=team.code, name=team.name, lead=user)
    return user


@pytest.fixture
def approver(staff):
    return staff(APPROVER)


def found_case(case_factory, team, assignee):
    return case_factory(
        team=team, assignee=assignee, state_path=path_to(CaseState.RESPONSIBILITY_DETERMINED)
    )


def awaiting(case_factory, team, proposer, *, amount="5000", actions=1):
    """An offer awaiting one approval (standard tier), proposed by `proposer`."""
    case = found_case(case_factory, team, proposer)
    offer = usdt_offer(case, proposer, amount=amount, actions=actions)
    assert offer.state == OfferState.AWAITING_APPROVAL
    return offer


def fresh(offer):
    return ResolutionOffer.objects.get(pk=offer.pk)


def queue_pks(response) -> set[int]:
    assert response.status_code == 200, response.status_code
    return {row["offer"].pk for row in response.context["rows"]}


# --- four eyes ---------------------------------------------------------------------------------


def test_the_proposer_never_sees_their_own_offer_and_cannot_approve_it(
    client, case_factory, team, lead, approver
):
    offer = awaiting(case_factory, team, lead)
    client.force_login(lead)  # a team lead holds the approval capability too
    assert offer.pk not in queue_pks(client.get(approval_queue_url()))

    page = client.get(approval_url(offer))
    assert page.status_code == 403
    assert "another person must approve it" in page.content.decode()
    response = client.post(
        approval_url(offer), {"decision": "approved", "reason": "Looks right to me."}
    )
    assert response.status_code == 403
    assert not OfferApproval.objects.filter(offer=offer).exists()
    assert fresh(offer).state == OfferState.AWAITING_APPROVAL


def test_an_approver_decides_on_one_page_without_reach_to_the_case(
    client, case_factory, team, lead, approver
):
    offer = awaiting(case_factory, team, lead)
    client.force_login(approver)
    assert queue_pks(client.get(approval_queue_url())) == {offer.pk}
    page = client.get(approval_url(offer))
    assert page.status_code == 200
    body = page.content.decode()
    case = offer.case
    assert case.responsibility_rationale in body
    assert "Platform: system fault" in body
    assert "transcript.txt" in body  # the evidence relied on, by name
    assert "5,000.000000 USDT" not in body
    assert "5,000 USDT" in body
    assert "5,000.00 USD" in body
    assert "Still missing: 1 more approval." in body
    assert offer.justification in body
    # Approvers hold no object permission: the case page itself stays out of reach.
    assert reverse("admin:cases_case_change", args=[case.pk]) not in body

    # A decision needs a reason.
    response = client.post(approval_url(offer), {"decision": "approved", "reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert fresh(offer).state == OfferState.AWAITING_APPROVAL

    response = client.post(
        approval_url(offer), {"decision": "approved", "reason": "Matches the stall log."}
    )
    assert response.status_code == 302
    assert fresh(offer).state == OfferState.APPROVED
    approval = OfferApproval.objects.get(offer=offer)
    assert (approval.approver, approval.reason) == (approver, "Matches the stall log.")
    assert offer.pk not in queue_pks(client.get(approval_queue_url()))
    assert client.get(approval_url(offer)).status_code == 404


def test_a_refusal_goes_back_to_the_proposer(client, case_factory, team, lead, approver):
    offer = awaiting(case_factory, team, lead)
    client.force_login(approver)
    response = client.post(
        approval_url(offer), {"decision": "refused", "reason": "The amount is not supported."}
    )
    assert response.status_code == 302
    assert fresh(offer).state == OfferState.REFUSED
    client.force_login(lead)
    page = client.get(reverse("admin:cases_case_change", args=[offer.case_id])).content.decode()
    assert "The amount is not supported." in page
    assert "Refused" in page


def test_a_recused_approver_is_refused_by_the_service_with_a_clear_message(
    client, case_factory, team, lead, approver
):
    offer = awaiting(case_factory, team, lead)
    # A conflict nobody has recorded yet: found when the approver acts.
    CaseParticipant.objects.create(case=offer.case, user=approver, role="froze_account")
    client.force_login(approver)
    assert offer.pk in queue_pks(client.get(approval_queue_url()))

    response = client.post(
        approval_url(offer), {"decision": "approved", "reason": "Looks right to me."}
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "may not act on this case" in body
    assert "Took part" in body
    assert not OfferApproval.objects.filter(offer=offer).exists()
    assert fresh(offer).state == OfferState.AWAITING_APPROVAL
    # Barred from now on: the offer leaves the queue and its page is not found.
    assert CaseRecusal.objects.filter(case=offer.case, user=approver).exists()
    assert offer.pk not in queue_pks(client.get(approval_queue_url()))
    assert client.get(approval_url(offer)).status_code == 404


def test_the_queue_is_for_approvers_only(client, staff, team, case_factory, lead):
    offer = awaiting(case_factory, team, lead)
    for role in (CASE_HANDLER, AUDITOR):
        client.force_login(staff(role, teams=[team]))
        assert client.get(approval_queue_url()).status_code == 403
        assert client.get(approval_url(offer)).status_code == 403


def test_the_home_page_links_the_queues_with_their_counts(
    client, case_factory, team, lead, approver
):
    awaiting(case_factory, team, lead)
    client.force_login(approver)
    body = client.get(reverse("admin:index")).content.decode()
    assert 'id="approval-queue-link"' in body
    assert 'id="attention-queue-link"' not in body
    client.force_login(lead)
    body = client.get(reverse("admin:index")).content.decode()
    assert 'id="approval-queue-link"' in body
    assert 'id="attention-queue-link"' in body


def test_approval_queue_queries_do_not_grow_with_rows(
    client, case_factory, team, lead, approver, django_assert_max_num_queries
):
    client.force_login(approver)
    counts = []
    for extra in (2, 10):
        while ResolutionOffer.objects.filter(state=OfferState.AWAITING_APPROVAL).count() < extra:
            awaiting(case_factory, team, lead, actions=3)
        with django_assert_max_num_queries(APPROVAL_QUEUE_BUDGET) as captured:
            response = client.get(approval_queue_url())
        counts.append((len(queue_pks(response)), len(captured)))
    (few, few_queries), (many, many_queries) = counts
    assert (few, many) == (2, 10)
    assert few_queries == many_queries


def test_approval_page_queries_do_not_grow_with_actions(
    client, case_factory, team, lead, approver, django_assert_max_num_queries
):
    small = awaiting(case_factory, team, lead, actions=1)
    large = awaiting(case_factory, team, lead, actions=10)
    client.force_login(approver)
    counts = []
    for offer in (small, large):
        with django_assert_max_num_queries(APPROVAL_PAGE_BUDGET) as captured:
            assert client.get(approval_url(offer)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- the attention queue -----------------------------------------------------------------------


def refused_action(case_factory, team, assignee):
    """A case executing an accepted refund that the demo exchange refused (unknown account)."""
    case = case_factory(team=team, assignee=assignee, state_path=path_to(CaseState.EXECUTING))
    action = OfferAction.objects.get(offer__case=case, kind="refund")
    assert action_execute(action_id=action.pk) == "attention"
    return OfferAction.objects.get(pk=action.pk)


def attention_pks(response) -> set[int]:
    assert response.status_code == 200, response.status_code
    return {row["action"].pk for row in response.context["rows"]}


def test_a_lead_retries_or_cancels_an_action_needing_attention(
    client, staff, case_factory, team, lead
):
    handler = staff(CASE_HANDLER, teams=[team])
    first = refused_action(case_factory, team, handler)
    second = refused_action(case_factory, team, handler)
    client.force_login(lead)
    page = client.get(attention_url())
    assert attention_pks(page) == {first.pk, second.pk}
    body = page.content.decode()
    assert "Refund 25 USDT" in body or "25 USDT" in body
    assert first.offer.case.reference in body

    response = client.post(
        attention_url(),
        {"action": first.pk, "op": "retry", f"retry{first.pk}-reason": "The account was fixed."},
    )
    assert response.status_code == 302
    assert OfferAction.objects.get(pk=first.pk).execution_state == ActionExecutionState.QUEUED

    # Too short a reason to cancel: refused, the text kept on the page.
    response = client.post(
        attention_url(),
        {"action": second.pk, "op": "cancel", f"cancel{second.pk}-reason": "No account"},
    )
    assert response.status_code == 200
    assert "at least 20 characters" in response.content.decode()
    assert "No account</textarea>" in response.content.decode()
    assert (
        OfferAction.objects.get(pk=second.pk).execution_state
        == ActionExecutionState.NEEDS_ATTENTION
    )

    reason = "The exchange closed this account; paid by bank transfer instead."
    response = client.post(
        attention_url(),
        {"action": second.pk, "op": "cancel", f"cancel{second.pk}-reason": reason},
    )
    assert response.status_code == 302
    action = OfferAction.objects.get(pk=second.pk)
    assert action.execution_state == ActionExecutionState.CANCELLED
    assert action.cancelled_reason == reason
    assert action.offer.case.__class__.objects.get(pk=action.offer.case_id).state == (
        CaseState.RESOLVED
    )


def test_the_attention_queue_is_read_only_for_auditors_and_closed_to_handlers(
    client, staff, case_factory, team, lead
):
    handler = staff(CASE_HANDLER, teams=[team])
    action = refused_action(case_factory, team, handler)
    client.force_login(staff(AUDITOR))
    page = client.get(attention_url())
    assert attention_pks(page) == {action.pk}
    assert 'data-op="retry"' not in page.content.decode()
    client.force_login(handler)
    assert client.get(attention_url()).status_code == 403


def test_attention_queue_queries_do_not_grow_with_rows(
    client, staff, case_factory, team, lead, django_assert_max_num_queries
):
    handler = staff(CASE_HANDLER, teams=[team])
    client.force_login(lead)
    counts = []
    for total in (2, 8):
        while OfferAction.objects.filter(execution_state="needs_attention").count() < total:
            refused_action(case_factory, team, handler)
        with django_assert_max_num_queries(ATTENTION_QUEUE_BUDGET) as captured:
            response = client.get(attention_url())
        counts.append((len(attention_pks(response)), len(captured)))
    (few, few_queries), (many, many_queries) = counts
    assert (few, many) == (2, 8)
    assert few_queries == many_queries


# --- the auditors' list of offers --------------------------------------------------------------


def test_auditors_read_every_offer_in_bounded_queries(
    client, staff, case_factory, team, lead, django_assert_max_num_queries
):
    client.force_login(staff(AUDITOR))
    url = reverse("admin:cases_resolutionoffer_changelist")
    counts = []
    for total in (1, 6):
        while ResolutionOffer.objects.count() < total:
            awaiting(case_factory, team, lead)
        with django_assert_max_num_queries(OFFER_LIST_BUDGET) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append((len(response.context["cl"].result_list), len(captured)))
    (few, few_queries), (many, many_queries) = counts
    assert (few, many) == (1, 6)
    assert few_queries == many_queries
    body = response.content.decode()
    assert "5,000.00 USD" in body
    assert lead.get_username() in body
    # Read-only: an offer opens its case's page.
    offer = ResolutionOffer.objects.first()
    change = client.get(reverse("admin:cases_resolutionoffer_change", args=[offer.pk]))
    assert change.status_code == 302
    assert change["Location"].endswith(f"/change/#offer-v{offer.version}")
    client.force_login(lead)
    assert client.get(url).status_code == 403
