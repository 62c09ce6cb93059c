"""The API client's side: a valid create body, token and session clients, a customer with an
exchange account."""

from rest_framework.test import APIClient

from cases.models import CustomerProfile
from cases.services.api_intake import api_client_issue_token
from complaints_site.common.actors import SystemActor
from tests.factories.cases import UserFactory

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


def token_client(username: str) -> APIClient:
    issued = api_client_issue_token(username=username, actor=SYSTEM)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    client.user = issued.user
    return client


def make_customer(username: str, account_id: str):
    user = UserFactory(username=username)
    CustomerProfile.objects.create(user=user, exchange_account_id=account_id)
    return user


def session_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    client.user = user
    return client
