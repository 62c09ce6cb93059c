"""The OpenAPI schema validates and documents every error; issue_api_token."""

import io

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from cases.roles import API_CLIENT
from tests.cases.api.conftest import URL, body
from tests.factories.cases import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "openapi.yaml"
    # The whole project's schema, validated against the OpenAPI 3 meta-schema.
    call_command("spectacular", "--validate", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_the_cases_api_schema_has_no_warnings():
    """--fail-on-warn for our routes: an undocumented field or response breaks the build.

    (The other apps' routes are checked by their own tests, so a warning there does not
    fail this one.)"""
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("cases.api.urls"))])
    ours = generator.get_schema(request=None, public=True)
    assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache)
    validate_schema(ours)
    assert len(ours["paths"]) == 4


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        ("/api/v1/cases/", "post", {"200", "201", "400", "401", "403", "409", "429"}),
        ("/api/v1/cases/", "get", {"200", "401", "429"}),
        ("/api/v1/cases/{reference}/", "get", {"200", "401", "404", "429"}),
        ("/api/v1/cases/{reference}/messages/", "get", {"200", "401", "404", "429"}),
        (
            "/api/v1/cases/{reference}/messages/",
            "post",
            {"201", "400", "401", "403", "404", "409", "429"},
        ),
        (
            "/api/v1/cases/{reference}/evidence/",
            "post",
            {"201", "400", "401", "403", "404", "413", "415", "429"},
        ),
    ],
)
def test_schema_documents_every_status(schema, path, method, statuses):
    operation = schema["paths"][path][method]
    assert set(operation["responses"]) == statuses
    for status, response in operation["responses"].items():
        if status[0] in "45":
            ref = response["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/ApiError"
    assert {"tokenAuth": []} in operation["security"]


def test_schema_documents_the_idempotency_key_and_fields(schema):
    operation = schema["paths"]["/api/v1/cases/"]["post"]
    header = [p for p in operation["parameters"] if p["in"] == "header"]
    assert [p["name"] for p in header] == ["Idempotency-Key"]
    request = schema["components"]["schemas"]["CaseCreateInput"]
    assert set(request["properties"]) == {
        "category",
        "subject",
        "description",
        "external_user_id",
        "email",
        "locale",
        "related_transactions",
        "channel",
    }
    assert set(request["required"]) == {"category", "subject", "description"}
    case = schema["components"]["schemas"]["CaseOutput"]["properties"]
    assert {"reference", "status", "category", "priority", "created_at"} <= set(case)
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
    assert "/api/v1/bench/noop/" not in schema["paths"]


def test_schema_and_docs_are_served_to_signed_in_callers_only(client, exchange):
    # Issue 11 (Medium 10): anonymous callers get 401; a session or an API token reads them.
    assert client.get("/api/schema/").status_code == 401
    assert client.get("/api/docs/").status_code == 401
    assert exchange.get("/api/schema/").status_code == 200
    client.force_login(UserFactory(username="reader"))
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_issue_api_token_creates_a_service_account_and_its_token_works(db):
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_api_token", "exchange-backend", stdout=out, stderr=err)
    key = out.getvalue().strip()
    user = get_user_model().objects.get(username="exchange-backend")
    assert Token.objects.get(user=user).key == key
    assert not user.is_staff
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [API_CLIENT]
    assert "Created" in err.getvalue()

    # A second run prints the same token and creates nothing.
    again = io.StringIO()
    call_command("issue_api_token", "exchange-backend", stdout=again, stderr=io.StringIO())
    assert again.getvalue().strip() == key
    assert get_user_model().objects.filter(username="exchange-backend").count() == 1

    from rest_framework.test import APIClient

    from tests.factories.cases import make_team

    make_team("support", "Support")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post(URL, body(), format="json").status_code == 201


def test_issue_api_token_refuses_a_staff_account(staff):
    person = staff(None, username="dana")
    with pytest.raises(CommandError, match="service accounts"):
        call_command("issue_api_token", "dana", stdout=io.StringIO())
    assert not Token.objects.filter(user=person).exists()
