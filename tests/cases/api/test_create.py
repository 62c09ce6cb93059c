"""POST /api/v1/cases/: who may open cases, what comes back, idempotency, per-field errors."""

import pytest
from rest_framework.test import APIClient

from cases.api.permissions import ApiWriteThrottle
from cases.models import Case, CaseEvent, IdempotencyKey, Notification
from cases.roles import AUDITOR, SUPPORT_AGENT
from complaints_site.common.tasks import _queue_seal
from tests.support.api import URL, body, session_client

pytestmark = pytest.mark.django_db


def test_client_opens_a_case_for_an_exchange_user(
    exchange, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = exchange.post(URL, body(), format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    case = Case.objects.get(reference=data["reference"])
    assert data["status"] == "received"
    assert data["category"] == "deposit_withdrawal"
    assert data["priority"] == "P2"
    assert data["channel"] == "api"
    assert data["created_at"]
    assert data["first_response_due_at"]
    assert response["Location"] == f"{URL}{case.reference}/"
    # Linked to the exchange user's portal account and to the client that opened it.
    assert case.customer == customer
    assert case.intake_client == exchange.user
    assert case.complainant_email == "trader@example.com"
    assert list(case.transactions.values_list("txid", flat=True)) == ["0xabc123"]
    assert case.team.code == "support"
    # Acknowledgement queued by email (leaving after commit) and in the portal.
    kinds = set(Notification.objects.filter(case=case).values_list("kind", "channel"))
    assert kinds == {("case.acknowledged", "email"), ("case.acknowledged", "portal")}
    # One delivery hook, plus at most the audit chain's one sealing hook (docs/audit.md).
    assert len([c for c in callbacks if c is not _queue_seal]) == 1
    assert len(callbacks) <= 2
    opened = CaseEvent.objects.get(case=case, type="case.opened")
    assert opened.data["channel"] == "api"
    assert opened.data["team"] == "support"


def test_client_may_open_a_case_for_an_unknown_account(exchange):
    response = exchange.post(URL, body(external_user_id="UID-NOT-ON-PORTAL"), format="json")
    assert response.status_code == 201
    case = Case.objects.get(reference=response.json()["reference"])
    assert case.customer is None
    assert case.complainant_account_id == "UID-NOT-ON-PORTAL"


def test_same_key_same_body_returns_the_same_case(exchange):
    headers = {"HTTP_IDEMPOTENCY_KEY": "8d1e7f0c-retry"}
    first = exchange.post(URL, body(), format="json", **headers)
    # The same body with other key order and spacing is the same request.
    second = exchange.generic(
        "POST",
        URL,
        '{"locale":"en", "email":"Trader@Example.com","subject":"Withdrawal not received",'
        '"category":"deposit_withdrawal","external_user_id":"UID-7001",'
        '"related_transactions":["0xabc123"],'
        '"description":"My USDT withdrawal of 120 has not arrived after three days."}',
        content_type="application/json",
        **headers,
    )

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["reference"] == first.json()["reference"]
    assert second["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    assert Notification.objects.count() == 2


def test_same_key_other_body_is_a_conflict(exchange):
    headers = {"HTTP_IDEMPOTENCY_KEY": "key-1"}
    assert exchange.post(URL, body(), format="json", **headers).status_code == 201

    response = exchange.post(URL, body(subject="Something else"), format="json", **headers)

    assert response.status_code == 409
    assert "different request body" in response.json()["detail"]
    assert Case.objects.count() == 1


def test_keys_belong_to_their_client(exchange, other_exchange):
    headers = {"HTTP_IDEMPOTENCY_KEY": "shared-key"}
    a = exchange.post(URL, body(), format="json", **headers)
    b = other_exchange.post(URL, body(), format="json", **headers)
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.json()["reference"] != b.json()["reference"]


def test_a_refused_request_does_not_use_up_its_key(exchange):
    headers = {"HTTP_IDEMPOTENCY_KEY": "key-2"}
    # Passes the serializer, refused by the service (a blank-after-strip subject).
    bad = exchange.post(URL, body(subject="   "), format="json", **headers)
    assert bad.status_code == 400
    assert not IdempotencyKey.objects.exists()
    good = exchange.post(URL, body(subject="Fixed"), format="json", **headers)
    assert good.status_code == 201


def test_a_blank_key_is_bad_input(exchange):
    response = exchange.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="  ")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "moon"}, "category"),
        ({"email": "not-an-email"}, "email"),
        ({"subject": ""}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"description": ""}, "description"),
        ({"locale": "fr"}, "locale"),
        # An item's error names the item: `field.index` (a flat list of messages per key).
        ({"related_transactions": ["t" * 129]}, "related_transactions.0"),
        ({"related_transactions": "0xabc"}, "related_transactions"),
        ({"channel": "email"}, "channel"),
        ({"channel": "staff"}, "channel"),
        ({"external_user_id": "u" * 65}, "external_user_id"),
    ],
)
def test_bad_input_names_the_field(exchange, overrides, field):
    response = exchange.post(URL, body(**overrides), format="json")
    assert response.status_code == 400
    data = response.json()
    assert data["detail"] == "Invalid input."
    assert list(data["errors"]) == [field]
    assert all(isinstance(m, str) and m for m in data["errors"][field])
    assert not Case.objects.exists()


def test_a_client_must_name_the_user_and_their_email(exchange):
    data = body()
    del data["external_user_id"], data["email"]
    response = exchange.post(URL, data, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"external_user_id", "email"}


def test_malformed_json_is_400(exchange):
    response = exchange.generic("POST", URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_portal_user_opens_a_case_for_themselves(customer_client, customer):
    data = body()
    del data["external_user_id"], data["email"]
    response = customer_client.post(URL, data, format="json")
    assert response.status_code == 201
    case = Case.objects.get(reference=response.json()["reference"])
    assert case.customer == customer
    assert case.complainant_account_id == "UID-7001"
    assert case.complainant_email == customer.email
    assert case.intake_client is None


def test_portal_user_may_not_open_a_case_for_someone_else(customer_client):
    response = customer_client.post(URL, body(external_user_id="UID-9999"), format="json")
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_anonymous_gets_401_with_www_authenticate(db):
    response = APIClient().post(URL, body(), format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["detail"]


def test_bad_token_gets_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = client.post(URL, body(), format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("role", [SUPPORT_AGENT, AUDITOR])
def test_staff_without_the_api_right_get_403(staff, role, support_team):
    response = session_client(staff(role)).post(URL, body(), format="json")
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_a_signed_in_account_without_customer_profile_gets_403(db, support_team):
    from tests.factories.cases import UserFactory

    response = session_client(UserFactory()).post(URL, body(), format="json")
    assert response.status_code == 403


def test_writes_are_throttled_per_caller(exchange, monkeypatch):
    monkeypatch.setattr(ApiWriteThrottle, "THROTTLE_RATES", {"api_write": "2/min"})
    codes = [exchange.post(URL, body(), format="json").status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    throttled = exchange.post(URL, body(), format="json")
    assert int(throttled["Retry-After"]) > 0
    assert throttled.json()["detail"]
    # Reads are counted apart.
    assert exchange.get(URL).status_code == 200


def test_portal_user_may_not_send_the_acknowledgement_elsewhere(
    customer_client, customer, django_capture_on_commit_callbacks
):
    """Issue 11 (Low): the case's mail goes to the signed-in account's own address only."""
    from django.core import mail

    data = body(email="attacker@evil.example")
    del data["external_user_id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(URL, data, format="json")
    assert response.status_code == 403
    assert not Case.objects.exists()
    assert mail.outbox == []
    # Their own address, written in another case, is their own address.
    data["email"] = customer.email.upper()
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(URL, data, format="json")
    assert response.status_code == 201
    assert Case.objects.get().complainant_email == customer.email.lower()
    assert [m.to for m in mail.outbox] == [[customer.email.lower()]]
