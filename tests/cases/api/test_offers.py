"""GET /api/v1/cases/{reference}/offers/ and POST …/offers/{version}/accept | reject: every version
put to the customer with exact amounts as strings; answers from the customer's side only,
idempotent (the same answer again is 200 and one transition), another answer or an expired
offer 409; someone else's case 404; a query budget for one and many versions."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import CaseEvent, ResolutionOffer
from cases.services.offers import offer_draft
from tests.factories.cases import make_staff
from tests.support.api import session_client
from tests.support.lifecycle import advice_terms, walker
from tests.support.offers import (
    ETH_AMOUNT,
    eth_offered_case,
    offered_case,
    reject,
    sent_offer,
    with_versions,
)

pytestmark = pytest.mark.django_db


def offers_url(case):
    return f"/api/v1/cases/{case.reference}/offers/"


def answer_url(case, version, answer):
    return f"/api/v1/cases/{case.reference}/offers/{version}/{answer}"


def events(case, name):
    return CaseEvent.objects.filter(case=case, type=f"case.transition.{name}").count()


@pytest.fixture
def opened(exchange):
    """A case the exchange's back end opened, with offer v1 waiting for the customer."""
    return offered_case(intake_client=exchange.user)


# --- Reading --------------------------------------------------------------------------------


def test_the_client_that_opened_the_case_reads_its_offers(exchange, opened):
    offer = sent_offer(opened)
    response = exchange.get(offers_url(opened))
    assert response.status_code == 200
    [listed] = response.json()
    assert listed["version"] == 1
    assert listed["state"] == "sent"
    assert listed["outcome"] == "partly_upheld"
    assert listed["summary"] == offer.summary
    assert listed["decision"] is None
    assert listed["expires_at"] == offer.expires_at.isoformat().replace("+00:00", "Z")
    refund, advice = listed["actions"]
    assert refund["kind"] == "refund"
    assert refund["asset"] == "USDT"
    assert refund["amount"] == "25.000000"  # USDT's six places, as a string
    assert refund["execution_state"] == "not_started"
    assert advice["kind"] == "security_advice"
    assert advice["amount"] is None
    assert advice["asset"] is None
    assert advice["detail"] == "Turn on two-factor sign-in."


def test_eighteen_place_amounts_are_exact_strings_never_numbers(exchange):
    case = eth_offered_case(intake_client=exchange.user)
    response = exchange.get(offers_url(case))
    assert f'"amount":"{ETH_AMOUNT}"' in response.content.decode()
    # Read with every number as a float, the amount is still the exact string.
    data = json.loads(response.content, parse_float=lambda s: pytest.fail(f"float {s}"))
    amount = data[0]["actions"][0]["amount"]
    assert Decimal(amount) == Decimal(ETH_AMOUNT)
    assert data[0]["actions"][0]["asset"] == "ETH"


def test_offers_not_yet_sent_are_never_listed(exchange, opened):
    reject(opened)
    offer_draft(case=opened, actor=walker(), terms=advice_terms(refund="30"))
    listed = exchange.get(offers_url(opened)).json()
    assert [(o["version"], o["state"]) for o in listed] == [(1, "rejected")]
    decision = listed[0]["decision"]
    assert decision["answer"] == "rejected"
    assert decision["channel"] == "portal"
    assert decision["reason"] == "The amount is too low."


def test_newest_version_first(exchange, opened):
    with_versions(opened, 3)
    listed = exchange.get(offers_url(opened)).json()
    assert [(o["version"], o["state"]) for o in listed] == [
        (3, "sent"),
        (2, "rejected"),
        (1, "rejected"),
    ]


def test_someone_elses_case_is_404(other_exchange, opened, customer):
    assert other_exchange.get(offers_url(opened)).status_code == 404
    assert other_exchange.post(answer_url(opened, 1, "accept")).status_code == 404
    assert session_client(customer).get(offers_url(opened)).status_code == 404
    assert sent_offer(opened).state == "sent"


def test_anonymous_callers_get_401(client, opened):
    assert client.get(offers_url(opened)).status_code == 401
    assert client.post(answer_url(opened, 1, "accept")).status_code == 401


@pytest.mark.parametrize("versions", [1, 8])
def test_list_query_budget(exchange, opened, versions, django_assert_max_num_queries):
    with_versions(opened, versions)
    with django_assert_max_num_queries(6):
        response = exchange.get(offers_url(opened))
    assert len(response.json()) == versions


# --- Answering ------------------------------------------------------------------------------


def test_accept_is_idempotent(exchange, opened):
    first = exchange.post(answer_url(opened, 1, "accept"))
    assert first.status_code == 200
    assert "Idempotent-Replayed" not in first
    body = first.json()
    assert body["state"] == "accepted"
    assert body["decision"]["answer"] == "accepted"
    assert body["decision"]["channel"] == "api"
    offer = ResolutionOffer.objects.get(case=opened, version=1)
    assert offer.history.latest().history_actor == "system:customer:api"
    again = exchange.post(answer_url(opened, 1, "accept"))
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == body
    assert events(opened, "record_acceptance") == 1


def test_a_different_answer_is_409(exchange, opened):
    exchange.post(answer_url(opened, 1, "accept"))
    response = exchange.post(answer_url(opened, 1, "reject"), {"reason": "No."}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "This offer was already accepted."
    assert ResolutionOffer.objects.get(case=opened, version=1).state == "accepted"
    assert events(opened, "record_rejection") == 0


def test_reject_needs_a_reason_and_is_idempotent(exchange, opened):
    missing = exchange.post(answer_url(opened, 1, "reject"), {}, format="json")
    assert missing.status_code == 400
    assert "reason" in missing.json()["errors"]
    blank = exchange.post(answer_url(opened, 1, "reject"), {"reason": "  "}, format="json")
    assert blank.status_code == 400
    assert sent_offer(opened).version == 1
    response = exchange.post(
        answer_url(opened, 1, "reject"), {"reason": "I lost 40 USDT."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["decision"]["reason"] == "I lost 40 USDT."
    again = exchange.post(answer_url(opened, 1, "reject"), {"reason": "Other."}, format="json")
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["decision"]["reason"] == "I lost 40 USDT."
    assert events(opened, "record_rejection") == 1
    # And accepting a rejected offer is refused.
    assert exchange.post(answer_url(opened, 1, "accept")).status_code == 409


def test_reject_takes_json_only(exchange, opened):
    response = exchange.post(answer_url(opened, 1, "reject"), {"reason": "No."})  # multipart
    assert response.status_code == 415
    assert sent_offer(opened).state == "sent"


def test_an_expired_offer_is_409(exchange, opened):
    offer = sent_offer(opened)
    ResolutionOffer.objects.filter(pk=offer.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = exchange.post(answer_url(opened, 1, "accept"))
    assert response.status_code == 409
    assert "expired" in response.json()["detail"]
    assert sent_offer(opened).state == "sent"


@pytest.mark.parametrize("version", ["2", "0", "abc", "99999999999", "-1"])
def test_unknown_versions_are_404(exchange, opened, version):
    response = exchange.post(answer_url(opened, 1, "accept").replace("/1/", f"/{version}/"))
    assert response.status_code == 404
    assert response.json()["detail"]


def test_the_customer_answers_in_their_session(customer):
    case = offered_case(customer)
    client = session_client(customer)
    assert client.get(offers_url(case)).json()[0]["state"] == "sent"
    response = client.post(answer_url(case, 1, "accept"))
    assert response.status_code == 200
    assert response.json()["decision"]["channel"] == "api"


def test_staff_read_but_never_answer_for_the_customer(opened):
    admin = session_client(make_staff(None, superuser=True))
    assert admin.get(offers_url(opened)).status_code == 200
    response = admin.post(answer_url(opened, 1, "accept"))
    assert response.status_code == 403
    assert "Staff record an answer" in response.json()["detail"]
    assert sent_offer(opened).state == "sent"
