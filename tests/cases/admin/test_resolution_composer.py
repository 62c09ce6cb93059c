"""The offer composer and the Resolution panel's buttons on the case page: a handler prepares
an offer (exact amounts, valued in dollars, compared with precedents), submits it, sends it,
and records an answer the customer gave another way. Errors come back next to their fields,
with everything typed kept."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cases.enums import CaseState, OfferState
from cases.models import Case, ResolutionOffer
from cases.roles import AUDITOR, CASE_HANDLER, SUPPORT_AGENT
from cases.services.intake import message_post_staff
from tests.support.admin import change_url, form_fields, transition_buttons
from tests.support.lifecycle import path_to
from tests.support.resolution import (
    JUSTIFICATION,
    btc_price,
    compose_url,
    composer_post,
    offer_url,
    usdt_offer,
)

pytestmark = pytest.mark.django_db

REFUND_BTC = {"kind": "refund", "asset": "BTC", "amount": "0.0125"}
ADVICE = {"kind": "security_advice", "detail": "Turn on two-factor sign-in."}


def fresh(offer):
    return ResolutionOffer.objects.get(pk=offer.pk)


@pytest.fixture
def handler(staff, team):
    return staff(CASE_HANDLER, teams=[team])


@pytest.fixture
def found(case_factory, team, handler):
    """A case with its responsibility finding, assigned to the handler."""
    return case_factory(
        team=team, assignee=handler, state_path=path_to(CaseState.RESPONSIBILITY_DETERMINED)
    )


def test_prepare_an_offer_is_offered_where_the_handler_needs_it(client, handler, found, staff):
    client.force_login(handler)
    page = client.get(change_url(found)).content.decode()
    assert compose_url(found) in page
    assert "Prepare an offer" in page
    # The old free-text proposal is not a transition button any more.
    assert "propose_resolution" not in transition_buttons(client.get(change_url(found)))

    client.force_login(staff(AUDITOR))
    assert compose_url(found) not in client.get(change_url(found)).content.decode()
    assert client.get(compose_url(found)).status_code == 403


def test_an_agent_without_the_capability_gets_no_composer(client, staff, team, found):
    agent = staff(SUPPORT_AGENT, teams=[team])
    client.force_login(agent)
    assert compose_url(found) not in client.get(change_url(found)).content.decode()
    assert client.get(compose_url(found)).status_code == 403
    response = client.post(compose_url(found), composer_post(actions=[ADVICE]))
    assert response.status_code == 403
    assert not ResolutionOffer.objects.filter(case=found).exists()


def test_compose_save_submit_and_send(client, handler, found):
    btc_price("60000")
    client.force_login(handler)
    page = client.get(compose_url(found))
    assert page.status_code == 200
    body = page.content.decode()
    assert "No similar earlier case" in body
    # The amount is a text input, never a number field.
    assert 'name="form-0-amount"' in body
    assert 'type="number"' not in body

    response = client.post(
        compose_url(found),
        composer_post(actions=[REFUND_BTC, ADVICE], justification=JUSTIFICATION, extra_rows=1),
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(found) + "#offer-v1"
    offer = ResolutionOffer.objects.get(case=found)
    assert offer.state == OfferState.DRAFT
    assert offer.proposer == handler
    refund, advice = offer.actions.order_by("position")
    assert refund.amount == Decimal("0.01250000")
    assert refund.asset.code == "BTC"
    assert refund.usd_value == Decimal("750.00")
    assert advice.kind == "security_advice"
    assert advice.amount is None
    assert offer.departs_from_precedent
    assert offer.justification == JUSTIFICATION

    page = client.get(change_url(found)).content.decode()
    assert 'id="offer-v1"' in page
    assert "0.0125 BTC" in page
    assert "750.00 USD" in page
    assert "1 BTC = 60,000.00 USD" in page
    assert handler.get_username() in page  # proposer by name (no full name set)
    assert offer_url("submit", offer) in page
    assert offer_url("discard", offer) in page

    response = client.post(offer_url("submit", offer))
    assert response.status_code == 302
    offer = fresh(offer)
    assert offer.state == OfferState.APPROVED  # 750 USD: below every tier
    assert offer_url("send", offer) in client.get(change_url(found)).content.decode()

    response = client.post(offer_url("send", offer))
    assert response.status_code == 302
    offer = fresh(offer)
    assert offer.state == OfferState.SENT
    assert Case.objects.get(pk=found.pk).state == CaseState.RESOLUTION_PROPOSED
    page = client.get(change_url(found)).content.decode()
    assert offer_url("answer", offer) in page
    assert compose_url(found) not in page


def test_too_many_decimals_for_btc_is_refused_and_the_form_keeps_the_input(client, handler, found):
    btc_price()
    client.force_login(handler)
    summary = "We refund a tiny fee the stall cost you."
    response = client.post(
        compose_url(found),
        composer_post(
            summary=summary,
            actions=[ADVICE, {"kind": "refund", "asset": "BTC", "amount": "0.000000001"}],
            justification=JUSTIFICATION,
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "BTC has 8 decimal places; 0.000000001 has 9." in body
    # The message is on the second action's row, and everything typed is still there.
    row = body.split('id="action-row-2"', 1)[1].split('id="action-row-3"', 1)[0]
    assert "8 decimal places" in row
    data, _controls = form_fields(response, "offer-form")
    assert data["summary"] == summary
    assert data["form-1-amount"] == "0.000000001"
    assert data["form-1-asset"] == "BTC"
    assert data["form-0-detail"] == ADVICE["detail"]
    assert data["justification"] == JUSTIFICATION
    assert not ResolutionOffer.objects.filter(case=found).exists()


def test_a_departing_offer_needs_a_justification(client, handler, found):
    client.force_login(handler)
    response = client.post(
        compose_url(found),
        composer_post(actions=[{"kind": "refund", "asset": "USDT", "amount": "120.5"}]),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "justify it in at least 20 characters" in " ".join(form.errors["justification"])
    data, _controls = form_fields(response, "offer-form")
    assert data["form-0-amount"] == "120.5"
    assert not ResolutionOffer.objects.filter(case=found).exists()


def test_add_an_action_keeps_what_was_typed(client, handler, found):
    client.force_login(handler)
    response = client.post(
        compose_url(found),
        composer_post(summary="Draft text", actions=[ADVICE], add_action="Add an action"),
    )
    assert response.status_code == 200
    data, _controls = form_fields(response, "offer-form")
    assert data["form-TOTAL_FORMS"] == "2"
    assert data["summary"] == "Draft text"
    assert data["form-0-detail"] == ADVICE["detail"]
    assert not ResolutionOffer.objects.filter(case=found).exists()


def test_changing_an_approved_offer_voids_its_approvals(client, handler, found):
    offer = usdt_offer(found, handler, amount="500")
    assert offer.state == OfferState.APPROVED
    client.force_login(handler)
    page = client.get(compose_url(found, offer.version))
    data, _controls = form_fields(page, "offer-form")
    assert data["form-0-amount"] == "500"
    assert "approvals given so far no longer count" in page.content.decode()
    data["form-0-amount"] = "450"
    data["save"] = "Save draft"
    response = client.post(compose_url(found, offer.version), data)
    assert response.status_code == 302
    offer = fresh(offer)
    assert offer.state == OfferState.DRAFT
    assert offer.approval_round == 2
    assert offer.actions.get(position=1).amount == Decimal("450.000000")


def test_discard_needs_a_reason(client, handler, found):
    offer = usdt_offer(found, handler, amount="500", submit=False)
    client.force_login(handler)
    client.post(offer_url("discard", offer), {"v1-reason": ""})
    offer = fresh(offer)
    assert offer.state == OfferState.DRAFT
    client.post(offer_url("discard", offer), {"v1-reason": "Wrong asset chosen"})
    offer = fresh(offer)
    assert offer.state == OfferState.DISCARDED
    assert compose_url(found) in client.get(change_url(found)).content.decode()


def test_record_the_customers_answer_citing_their_message(client, handler, found):
    offer = usdt_offer(found, handler, amount="500")
    from cases.services.offers import offer_send

    offer_send(offer=offer, actor=handler)
    note = message_post_staff(
        case=found,
        actor=handler,
        body="Customer called at 10:05 and accepted the refund of 500 USDT.",
        internal=True,
    )
    client.force_login(handler)
    page = client.get(offer_url("answer", offer))
    assert page.status_code == 200
    assert "Customer called at 10:05" in page.content.decode()

    # Without the cited message: refused, nothing recorded.
    response = client.post(offer_url("answer", offer), {"accept": "1", "source": ""})
    assert response.status_code == 200
    assert "source" in response.context["form"].errors
    offer = fresh(offer)
    assert offer.state == OfferState.SENT

    response = client.post(
        offer_url("answer", offer), {"accept": "1", "reason": "", "source": f"message:{note.pk}"}
    )
    assert response.status_code == 302
    offer = fresh(offer)
    assert offer.state == OfferState.ACCEPTED
    assert offer.decision_recorded_by == handler
    assert offer.decision_source == f"message:{note.pk}"
    page = client.get(change_url(found)).content.decode()
    assert f"recorded by {handler.get_username()}" in page
    assert f'href="#message-{note.pk}"' in page


def test_service_transitions_are_never_buttons_nor_posted(client, staff, team, found):
    from cases.roles import TEAM_LEAD
    from tests.support.admin import post_transition, transition_url

    lead = staff(TEAM_LEAD, teams=[team])
    client.force_login(lead)
    buttons = transition_buttons(client.get(change_url(found)))
    assert not buttons & {
        "propose_resolution",
        "record_acceptance",
        "record_rejection",
        "start_execution",
        "complete_execution",
        "issue_final_response",
    }
    assert client.get(transition_url(found, "propose_resolution")).status_code == 403
    assert post_transition(client, found, "propose_resolution").status_code == 403
    assert Case.objects.get(pk=found.pk).state == CaseState.RESPONSIBILITY_DETERMINED
