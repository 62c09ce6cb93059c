import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from cases.models import CustomerProfile
from cases.services.api_intake import api_client_issue_token
from complaints_site.common.actors import SystemActor
from tests.factories.cases import UserFactory, make_team

SYSTEM = SystemActor("tests")
URL = "/api/v1/cases/"


def body(**overrides):
    """A valid create body (an API client opening a case for exchange user UID-7001)."""
    return {
        "category": "deposit_withdrawal",
        "subject": "Withdrawal not received",
        "description": "My USDT withdrawal of 120 has not arrived after three days.",
        "external_user_id": "UID-7001",
        "email": "Trader@Example.com",
        "locale": "en",
        "related_transactions": ["0xabc123"],
        **overrides,
    }


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the process-wide cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def support_team(db):
    return make_team("support", "Support")


def token_client(username: str) -> APIClient:
    issued = api_client_issue_token(username=username, actor=SYSTEM)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    client.user = issued.user
    return client


@pytest.fixture
def exchange(db, support_team):
    """The exchange's back end, holding an API token."""
    return token_client("exchange-backend")


@pytest.fixture
def other_exchange(db, support_team):
    """A second API client (e.g. another of the exchange's systems)."""
    return token_client("exchange-p2p")


def make_customer(username: str, account_id: str):
    user = UserFactory(username=username)
    CustomerProfile.objects.create(user=user, exchange_account_id=account_id)
    return user


@pytest.fixture
def customer(db, support_team):
    return make_customer("alice", "UID-7001")


@pytest.fixture
def customer_client(customer):
    client = APIClient()
    client.force_login(customer)
    client.user = customer
    return client


def session_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    client.user = user
    return client
