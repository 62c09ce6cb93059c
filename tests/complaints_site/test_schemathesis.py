"""Schemathesis against our OpenAPI schema, in process through the WSGI app, on PostgreSQL.

The schema is built by drf-spectacular's generator (as /api/schema/ serves it, without a
signed-in caller), and every operation is fuzzed twice: as the exchange's service account
(token) and as a portal customer (session and CSRF token). Then the stateful run chains the
operations through the links schemathesis infers from the schema (open a case, read it, list
and write messages, upload evidence). Every check runs: no 5xx, every status, header, content
type and body as documented, schema-valid input accepted and schema-invalid input refused.

Bounded for CI: SCHEMATHESIS_MAX_EXAMPLES per operation (default 25), and a fixed seed
(`derandomize`), so a run is repeatable and takes about a minute on two cores; set
SCHEMATHESIS_RANDOM=1 to explore with a fresh seed each run.

The signed webhooks (/api/v1/inbound/email/ and /social/) are left out: a fuzzed body never
carries a valid HMAC, so every request would stop at the signature check (403 / 401) and prove
nothing. Their parsing, limits and refusals are covered by tests/channels/api/
(test_social_webhook, test_email_webhook), including the nested-JSON case.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from cases.models import CustomerProfile
from cases.services.api_intake import api_client_issue_token
from complaints_site.common.actors import SystemActor
from tests.factories.cases import UserFactory, make_team

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

APP = get_wsgi_application()
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("SCHEMATHESIS_RANDOM"),
    database=None,
    suppress_health_check=list(HealthCheck),
)
WEBHOOKS = "^/api/v1/inbound/"


def openapi_schema() -> dict:
    """The schema /api/schema/ serves, as plain JSON types (lazy translations become text)."""
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(raw, cls=DjangoJSONEncoder))


def load_schema() -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_dict(openapi_schema())
    schema.app = APP
    # We send the credentials ourselves; generated ones would replace them.
    schema.config.generation.update(with_security_parameters=False)
    return schema


@contextmanager
def isolated() -> Iterator[None]:
    """One example, one savepoint rolled back after it, and fresh throttle counters: every
    example starts from the same state, as Hypothesis needs to replay and shrink a failure
    (an Idempotency-Key that opened a case in the first run would answer 200 in the replay)."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    # As Django's test client does: the end-of-request hook would otherwise close the
    # connection that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


class TokenAuth:
    """The service account's token, as schemathesis' own auth: it then also checks that the
    operations refuse the request without it and with a wrong one."""

    def __init__(self, key: str) -> None:
        self.key = key

    def get(self, case, ctx):
        return self.key

    def set(self, case, key, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Token {key}"}


class SessionAuth:
    """A signed-in portal customer: the session cookie, and the CSRF token writes need."""

    def __init__(self, session: str, csrf: str) -> None:
        self.session, self.csrf = session, csrf

    def get(self, case, ctx):
        return self.session

    def set(self, case, session, ctx):
        case.cookies = {**(case.cookies or {}), "sessionid": session, "csrftoken": self.csrf}
        case.headers = {**(case.headers or {}), "X-CSRFToken": self.csrf}


def service_token() -> str:
    make_team("support", "Support")
    return api_client_issue_token(username="fuzz-client", actor=SystemActor("tests")).key


def with_auth(provider) -> schemathesis.BaseSchema:
    schema = load_schema()

    @schema.auth(refresh_interval=None)
    class Credentials:  # schemathesis instantiates the class it is given
        def get(self, case, ctx):
            return provider.get(case, ctx)

        def set(self, case, data, ctx):
            provider.set(case, data, ctx)

    return schema


@pytest.fixture
def service_schema(db):
    return with_auth(TokenAuth(service_token()))


@pytest.fixture
def portal_schema(db):
    make_team("support", "Support")
    user = UserFactory(username="fuzz-customer", email="fuzz@example.com")
    CustomerProfile.objects.create(user=user, exchange_account_id="UID-FUZZ")
    client = Client()
    client.force_login(user)
    return with_auth(SessionAuth(client.cookies["sessionid"].value, _get_new_csrf_string()))


as_service = schemathesis.pytest.from_fixture("service_schema").exclude(path_regex=WEBHOOKS)
as_customer = schemathesis.pytest.from_fixture("portal_schema").exclude(path_regex=WEBHOOKS)


# Where "schema-valid input must be accepted" asks for what OpenAPI 3.0 cannot say:
# - uploads: a multipart part without a filename is a plain form field to every parser
#   (RFC 7578 section 4.2), so `file` sent that way is "not a file" (400), and the schema has no
#   way to require the filename;
# - opening a case as the service account: an API client must name the user and their email,
#   a portal customer may leave both out (their own are used), so the schema marks them
#   optional; the customer's run checks acceptance of that operation fully.
UPLOAD = "POST /api/v1/cases/{reference}/evidence/"
NOT_EXPRESSIBLE = {UPLOAD: [positive_data_acceptance]}
NOT_EXPRESSIBLE_FOR_SERVICE = {**NOT_EXPRESSIBLE, "POST /api/v1/cases/": [positive_data_acceptance]}


@as_service.parametrize()
@FUZZ_SETTINGS
def test_every_operation_as_the_exchange_service_account(case):
    with isolated():
        case.call_and_validate(
            excluded_checks=NOT_EXPRESSIBLE_FOR_SERVICE.get(case.operation.label)
        )


@as_customer.parametrize()
@FUZZ_SETTINGS
def test_every_operation_as_a_portal_customer(case):
    with isolated():
        case.call_and_validate(excluded_checks=NOT_EXPRESSIBLE.get(case.operation.label))


def test_stateful_open_read_write_and_upload(db):
    """Each scenario opens a case through the API, then follows the links: the list (newest
    first) hands its reference to read, messages (list and write) and evidence upload.

    (Schemathesis does not start from POST /cases/ by itself: it reads `external_user_id` as a
    reference to a resource no operation creates. So each scenario's first step is that POST,
    made here and checked like every other step.)"""
    key = service_token()
    schema = with_auth(TokenAuth(key)).exclude(path_regex=WEBHOOKS)
    machine = schema.as_state_machine()
    assert {
        "GET_api_v1_cases___200_GetCase__GET_api_v1_cases_reference_",
        "GET_api_v1_cases___200_GetCase_0__GET_api_v1_cases_reference_messages_",
        "GET_api_v1_cases___200_PostCase_0__POST_api_v1_cases_reference_messages_",
        "GET_api_v1_cases___200_PostCase__POST_api_v1_cases_reference_evidence_",
    } <= set(dir(machine))
    open_case = schema["/api/v1/cases/"]["POST"]
    opened = itertools.count(1)

    class OpenFirst(machine):
        def setup(self):
            self.isolation = isolated()
            self.isolation.__enter__()
            body = {
                "category": "deposit_withdrawal",
                "subject": f"Stateful scenario {next(opened)}",
                "description": "My withdrawal has not arrived.",
                "external_user_id": "UID-STATEFUL",
                "email": "stateful@example.com",
            }
            case = open_case.Case(body=body, media_type="application/json")
            response = case.call_and_validate(headers={"Authorization": f"Token {key}"})
            assert response.status_code == 201

        def teardown(self):
            self.isolation.__exit__(None, None, None)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response,
                additional_checks=additional_checks,
                excluded_checks=NOT_EXPRESSIBLE.get(case.operation.label),
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    OpenFirst.run(
        settings=settings(
            max_examples=MAX_EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            derandomize=not os.environ.get("SCHEMATHESIS_RANDOM"),
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
