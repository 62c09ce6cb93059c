"""Fixtures of the API tests: throttles reset, the support team, API clients and a customer."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories.cases import make_team
from tests.support.api import make_customer, token_client


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the process-wide cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def support_team(db):
    return make_team("support", "Support")


@pytest.fixture
def exchange(db, support_team):
    """The exchange's back end, holding an API token."""
    return token_client("exchange-backend")


@pytest.fixture
def other_exchange(db, support_team):
    """A second API client (e.g. another of the exchange's systems)."""
    return token_client("exchange-p2p")


@pytest.fixture
def customer(db, support_team):
    return make_customer("alice", "UID-7001")


@pytest.fixture
def customer_client(customer):
    client = APIClient()
    client.force_login(customer)
    client.user = customer
    return client
