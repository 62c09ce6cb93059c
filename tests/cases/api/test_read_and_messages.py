"""Reading cases and their correspondence through the API: scope (404, never 403), messages
both ways, and query budgets."""

import pytest

from cases.models import Message, Notification
from cases.roles import AUDITOR, SUPPORT_AGENT
from cases.services.intake import message_post_staff
from tests.support.api import URL, body, make_customer, session_client

pytestmark = pytest.mark.django_db


def _open(client, **overrides) -> str:
    response = client.post(URL, body(**overrides), format="json")
    assert response.status_code == 201, response.json()
    return response.json()["reference"]


def test_the_opening_client_reads_its_case(exchange, django_assert_max_num_queries):
    reference = _open(exchange)
    # Token and user, two for the caller's permissions (role check), the case.
    with django_assert_max_num_queries(4):
        response = exchange.get(f"{URL}{reference}/")
    assert response.status_code == 200
    assert response.json()["reference"] == reference
    assert response.json()["status_display"] == "Received"


def test_the_reference_is_case_insensitive(exchange):
    reference = _open(exchange)
    assert exchange.get(f"{URL}{reference.lower()}/").status_code == 200


def test_someone_elses_case_is_404(exchange, other_exchange, customer, support_team):
    reference = _open(exchange)
    stranger = session_client(make_customer("mallory", "UID-6666"))
    for client in (other_exchange, stranger):
        for path in ("", "messages/"):
            response = client.get(f"{URL}{reference}/{path}")
            assert response.status_code == 404, (client, path)
            assert response.json() == {"detail": "No such case."}
        assert (
            client.post(f"{URL}{reference}/messages/", {"body": "hi"}, format="json").status_code
            == 404
        )
        upload = {"file": _txt()}
        assert client.post(f"{URL}{reference}/evidence/", upload).status_code == 404
    # Unknown and foreign look the same.
    assert other_exchange.get(f"{URL}CX-2026-0000000/").json() == {"detail": "No such case."}


def test_the_customer_reads_a_case_the_exchange_opened_for_them(exchange, customer_client):
    reference = _open(exchange)
    assert customer_client.get(f"{URL}{reference}/").status_code == 200


def test_every_route_refuses_anonymous(exchange):
    from rest_framework.test import APIClient

    reference = _open(exchange)
    anonymous = APIClient()
    for method, path in [
        ("get", URL),
        ("post", URL),
        ("get", f"{URL}{reference}/"),
        ("get", f"{URL}{reference}/messages/"),
        ("post", f"{URL}{reference}/messages/"),
        ("post", f"{URL}{reference}/evidence/"),
    ]:
        response = getattr(anonymous, method)(path)
        assert response.status_code == 401, (method, path)
        assert response["WWW-Authenticate"] == "Token"


def test_list_shows_only_the_callers_cases(exchange, other_exchange, django_assert_max_num_queries):
    mine = {_open(exchange, subject=f"Case {i}") for i in range(3)}
    _open(other_exchange)
    # Token and user, two for the caller's permissions, count, page.
    with django_assert_max_num_queries(5):
        response = exchange.get(URL, {"limit": 2})
    data = response.json()
    assert data["count"] == 3
    assert len(data["results"]) == 2
    assert data["next"]
    page2 = exchange.get(URL, {"limit": 2, "offset": 2}).json()
    assert {c["reference"] for c in data["results"] + page2["results"]} == mine


def test_messages_both_ways_and_no_internal_notes(
    exchange, customer_client, staff, support_team, django_assert_max_num_queries
):
    reference = _open(exchange)
    agent = staff(SUPPORT_AGENT, teams=[support_team])

    # The exchange relays the customer's follow-up; the customer writes from the portal.
    relayed = exchange.post(f"{URL}{reference}/messages/", {"body": "Any news?"}, format="json")
    assert relayed.status_code == 201
    assert relayed.json()["direction"] == "inbound"
    own = customer_client.post(
        f"{URL}{reference}/messages/", {"body": "Still waiting."}, format="json"
    )
    assert own.status_code == 201
    assert own.json()["channel"] == "web"
    # Staff within reach reply to the customer, who is notified.
    reply = session_client(agent).post(
        f"{URL}{reference}/messages/", {"body": "We are on it."}, format="json"
    )
    assert reply.status_code == 201, reply.json()
    assert reply.json()["direction"] == "outbound"
    case = Message.objects.get(pk=reply.json()["id"]).case
    assert Notification.objects.filter(case=case, kind="case.message").count() == 2
    message_post_staff(case=case, actor=agent, body="Internal: check the node.", internal=True)

    for i in range(5):
        message_post_staff(case=case, actor=agent, body=f"Update {i}")
    # Token and user, two for the caller's permissions, the case, its messages: any length.
    with django_assert_max_num_queries(5):
        listing = exchange.get(f"{URL}{reference}/messages/")
    bodies = [m["body"] for m in listing.json()]
    assert bodies[:4] == [
        "My USDT withdrawal of 120 has not arrived after three days.",
        "Any news?",
        "Still waiting.",
        "We are on it.",
    ]
    assert len(bodies) == 9
    assert not any("Internal" in b for b in bodies)
    relayed_row = Message.objects.get(pk=relayed.json()["id"])
    assert relayed_row.author == case.customer
    assert relayed_row.history.first().history_user == exchange.user


def test_staff_who_may_only_read_get_403_on_writes(exchange, staff, support_team):
    reference = _open(exchange)
    auditor = session_client(staff(AUDITOR))
    assert auditor.get(f"{URL}{reference}/").status_code == 200
    response = auditor.post(f"{URL}{reference}/messages/", {"body": "hello"}, format="json")
    assert response.status_code == 403
    assert auditor.post(f"{URL}{reference}/evidence/", {"file": _txt()}).status_code == 403


def test_staff_out_of_reach_get_404(exchange, staff, other_team):
    reference = _open(exchange)
    outsider = session_client(staff(SUPPORT_AGENT, teams=[other_team]))
    assert outsider.get(f"{URL}{reference}/").status_code == 404
    assert (
        outsider.post(f"{URL}{reference}/messages/", {"body": "x"}, format="json").status_code
        == 404
    )


def test_an_empty_message_is_400(exchange):
    reference = _open(exchange)
    response = exchange.post(f"{URL}{reference}/messages/", {"body": ""}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["body"]


def test_writing_on_a_withdrawn_case_is_409(exchange):
    from cases.models import Case
    from cases.services.lifecycle import case_transition
    from tests.factories.cases import SYSTEM

    reference = _open(exchange)
    case_transition(
        case=Case.objects.get(reference=reference), transition="withdraw", actor=SYSTEM, reason="t"
    )
    response = exchange.post(f"{URL}{reference}/messages/", {"body": "hello?"}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"]


def _txt():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("note.txt", b"hello", content_type="text/plain")


def test_a_relayed_answer_resumes_a_case_waiting_for_the_customer(exchange, support_team):
    from cases.models import Case, CaseEvent
    from cases.services.lifecycle import case_transition
    from tests.support.api import SYSTEM

    reference = _open(exchange)
    case = Case.objects.get(reference=reference)
    for name, inputs in (
        ("start_assessment", {}),
        ("request_info", {"info_request": "Which network did you withdraw on?"}),
    ):
        case = case_transition(case=case, transition=name, actor=SYSTEM, reason="r", **inputs)
    assert exchange.get(f"{URL}{reference}/").json()["status_display"] == "Awaiting customer"

    relayed = exchange.post(f"{URL}{reference}/messages/", {"body": "TRC20."}, format="json")

    assert relayed.status_code == 201
    case.refresh_from_db()
    assert case.state == "assessing"
    assert case.paused_at is None
    assert CaseEvent.objects.filter(case=case, type="case.transition.resume").count() == 1
