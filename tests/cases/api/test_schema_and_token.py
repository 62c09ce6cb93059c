"""The OpenAPI schema validates and documents every error (tokens: test_tokens.py)."""

import pytest
import yaml
from django.core.management import call_command

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
    assert len(ours["paths"]) == 7


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        ("/api/v1/cases/", "post", {"200", "201", "400", "401", "403", "409", "415", "429"}),
        ("/api/v1/cases/", "get", {"200", "400", "401", "429"}),
        ("/api/v1/cases/{reference}/", "get", {"200", "401", "404", "429"}),
        ("/api/v1/cases/{reference}/messages/", "get", {"200", "401", "404", "429"}),
        (
            "/api/v1/cases/{reference}/messages/",
            "post",
            {"201", "400", "401", "403", "404", "409", "415", "429"},
        ),
        (
            "/api/v1/cases/{reference}/evidence/",
            "post",
            {"201", "400", "401", "403", "404", "413", "415", "429"},
        ),
        ("/api/v1/cases/{reference}/offers/", "get", {"200", "401", "404", "429"}),
        (
            "/api/v1/cases/{reference}/offers/{version}/accept",
            "post",
            {"200", "401", "403", "404", "409", "429"},
        ),
        (
            "/api/v1/cases/{reference}/offers/{version}/reject",
            "post",
            {"200", "400", "401", "403", "404", "409", "415", "429"},
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


def test_schema_documents_offers_with_amounts_as_strings(schema):
    action = schema["components"]["schemas"]["OfferActionOutput"]["properties"]
    assert action["amount"]["type"] == "string"
    assert action["amount"]["nullable"] is True
    assert action["amount"]["pattern"] == r"^[0-9]+(\.[0-9]+)?$"
    offer = schema["components"]["schemas"]["OfferOutput"]
    assert {"version", "state", "expires_at", "decision", "actions"} <= set(offer["properties"])
    reject = schema["components"]["schemas"]["OfferRejectInput"]
    assert reject["required"] == ["reason"]
    accept = schema["paths"]["/api/v1/cases/{reference}/offers/{version}/accept"]["post"]
    [version] = [p for p in accept["parameters"] if p["name"] == "version"]
    assert version["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    assert "Idempotent-Replayed" in accept["responses"]["200"]["headers"]
