"""The same Idempotency-Key at the same moment, on real PostgreSQL connections: one case."""

import threading

import pytest
from django.db import transaction

from cases.models import Case, IdempotencyKey
from cases.services.api_intake import intake_submit_idempotent, request_fingerprint
from cases.services.intake import IntakeSubmission
from tests.factories.cases import make_team
from tests.support.api import URL, body, token_client
from tests.support.threads import in_thread, run_all

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_concurrent_requests_with_one_key_open_one_case():
    make_team("support", "Support")
    clients = [token_client("exchange-backend") for _ in range(6)]
    barrier = threading.Barrier(len(clients))
    results = {}

    def post(client):
        barrier.wait(5)
        return client.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="race-1")

    threads = [in_thread(lambda c=c: post(c), results, i) for i, c in enumerate(clients)]
    run_all(threads, timeout=30)

    codes = sorted(r.status_code for r in results.values())
    assert codes == [200] * 5 + [201], results
    assert len({r.json()["reference"] for r in results.values()}) == 1
    assert Case.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_the_second_request_waits_for_the_first_to_commit():
    """The first holds its key row uncommitted for a while; the twin blocks on the unique
    index meanwhile, then answers 200 with the first one's case."""
    make_team("support", "Support")
    client = token_client("exchange-backend")
    data = {**body(), "channel": "api"}
    inserted, results = threading.Event(), {}

    def first():
        with transaction.atomic():
            outcome = intake_submit_idempotent(
                submission=IntakeSubmission(
                    channel="api",
                    category=data["category"],
                    subject=data["subject"],
                    description=data["description"],
                    email=data["email"],
                    account_id=data["external_user_id"],
                    related_transactions=tuple(data["related_transactions"]),
                    intake_client=client.user,
                ),
                actor=client.user,
                client=client.user,
                key="slow-1",
                request_hash=request_fingerprint(data),
            )
            inserted.set()
            threading.Event().wait(0.8)
            return outcome.case.reference

    def second():
        inserted.wait(5)
        return client.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="slow-1")

    threads = [in_thread(first, results, "first"), in_thread(second, results, "second")]
    run_all(threads, timeout=30)

    assert isinstance(results["first"], str), results
    assert results["second"].status_code == 200
    assert results["second"].json()["reference"] == results["first"]
    assert Case.objects.count() == 1
