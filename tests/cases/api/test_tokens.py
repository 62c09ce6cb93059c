"""API tokens: stored as digests, expiring, revocable; issue_api_token; the admin list."""

import hashlib
import importlib
import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import ApiToken
from cases.roles import API_CLIENT
from tests.factories.cases import make_staff
from tests.support.api import URL, body

pytestmark = pytest.mark.django_db


def issue(username: str = "exchange-backend", *options: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_api_token", username, *options, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_issue_api_token_creates_a_service_account_and_its_token_works(support_team):
    key, err = issue()
    user = get_user_model().objects.get(username="exchange-backend")
    assert not user.is_staff
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [API_CLIENT]
    assert "Created" in err
    # Plain hex, as the benches expect of a token on standard output.
    assert key.isalnum()
    assert len(key) >= 40
    assert client_with(key).post(URL, body(), format="json").status_code == 201


def test_the_key_is_stored_only_as_a_digest(support_team):
    key, _err = issue()
    token = ApiToken.objects.get(user__username="exchange-backend")
    assert token.digest == hashlib.sha512(key.encode()).hexdigest()
    # No column holds the key: only knox's 15-character lookup prefix is kept in clear.
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in {str(v) for v in row.values()}
    assert len(token.token_key) == 15


def test_each_run_issues_a_new_token_and_the_earlier_keeps_working_until_revoked(support_team):
    first, _err = issue()
    second, err = issue()
    assert first != second
    assert "Created" not in err
    assert get_user_model().objects.filter(username="exchange-backend").count() == 1
    assert client_with(first).get(URL).status_code == 200
    assert client_with(second).get(URL).status_code == 200


@override_settings(API_TOKEN_TTL_DAYS=7)
def test_a_token_expires_after_the_configured_days(support_team):
    _key, err = issue()
    token = ApiToken.objects.get(user__username="exchange-backend")
    expected = timezone.now() + timedelta(days=7)
    assert abs(token.expiry - expected) < timedelta(minutes=1)
    assert f"expires {token.expiry:%Y-%m-%d}" in err


def test_an_expired_token_is_refused_with_401_and_www_authenticate(support_team):
    key, _err = issue()
    ApiToken.objects.filter(user__username="exchange-backend").update(
        expiry=timezone.now() - timedelta(seconds=1)
    )
    answer = client_with(key).post(URL, body(), format="json")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Token"
    assert answer.json()["detail"] == "The token has expired."
    # Still listed (as expired) for the operator, not silently deleted by a request.
    listing, _err = issue("exchange-backend", "--list")
    assert "expired" in listing


def test_revoke_all_refuses_every_token_of_the_account(support_team):
    first, _err = issue()
    second, _err = issue()
    _out, err = issue("exchange-backend", "--revoke-all")
    assert "Revoked 2 token(s)" in err
    for key in (first, second):
        answer = client_with(key).get(URL)
        assert answer.status_code == 401
        assert answer["WWW-Authenticate"] == "Token"
    assert not ApiToken.objects.exists()


def test_revoke_one_by_the_id_the_list_shows(support_team):
    first, _err = issue()
    second, _err = issue()
    listing, _err = issue("exchange-backend", "--list")
    lines = listing.splitlines()
    assert len(lines) == 2
    assert first not in listing
    assert second not in listing
    # Newest first: the second token's id leads.
    second_id = hashlib.sha512(second.encode()).hexdigest()[:12]
    assert lines[0].startswith(second_id)
    issue("exchange-backend", "--revoke", second_id)
    assert client_with(second).get(URL).status_code == 401
    assert client_with(first).get(URL).status_code == 200


def test_revoke_refuses_an_unknown_token_id(support_team):
    issue()
    with pytest.raises(CommandError, match="No such token"):
        issue("exchange-backend", "--revoke", "0123456789ab")
    assert ApiToken.objects.count() == 1


def test_a_deactivated_service_account_is_refused(support_team):
    key, _err = issue()
    get_user_model().objects.filter(username="exchange-backend").update(is_active=False)
    assert client_with(key).get(URL).status_code == 401


@pytest.mark.parametrize("header", ["Token nothex", "Token " + "a" * 64, "Token é", "Token"])
def test_a_bad_token_is_a_401_never_a_500(support_team, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    answer = client.get(URL)
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Token"


def test_checking_a_token_costs_one_statement(support_team):
    key, _err = issue()
    client = client_with(key)
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    token_queries = [q for q in queries.captured_queries if "knox_authtoken" in q["sql"]]
    assert len(token_queries) == 1
    assert "auth_user" in token_queries[0]["sql"]  # the user comes in the same statement


def test_issue_api_token_refuses_a_staff_account():
    person = make_staff(None, username="dana")
    with pytest.raises(CommandError, match="service accounts"):
        issue("dana")
    assert not ApiToken.objects.filter(user=person).exists()


def test_list_and_revoke_refuse_an_unknown_account():
    with pytest.raises(CommandError, match="No account"):
        issue("nobody", "--list")
    assert not get_user_model().objects.filter(username="nobody").exists()


def test_the_migration_hashes_clear_keys_so_old_integrations_keep_working(support_team):
    """Tokens of DRF's authtoken table (keys in clear) move to knox's digests; the table goes."""
    migration = importlib.import_module("cases.migrations.0012_api_tokens_hashed")
    user = get_user_model().objects.create(username="legacy-client")
    user.groups.add(Group.objects.get(name=API_CLIENT))
    old_key = "0123456789abcdef0123456789abcdef01234567"  # DRF's shape: 40 hex characters
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "user_id integer NOT NULL, created timestamp with time zone NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)", [old_key, user.pk, timezone.now()]
        )
    with connection.schema_editor() as editor:
        migration.hash_clear_tokens(apps, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get(user=user)
    assert token.digest != old_key
    assert token.expiry > timezone.now() + timedelta(days=80)
    assert client_with(old_key).get(URL).status_code == 200


def test_the_admin_lists_tokens_for_superusers_without_keys(client, support_team):
    key, _err = issue()
    token = ApiToken.objects.get()
    superuser = make_staff(None, username="root", superuser=True)
    client.force_login(superuser)
    page = client.get("/admin/cases/apitoken/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "exchange-backend" in html
    assert token.digest[:12] in html
    # Neither the key nor its clear lookup prefix; the digest (the row's primary key, in the
    # links) reveals nothing of the key.
    assert key not in html
    assert token.token_key not in html
    assert client.get("/admin/cases/apitoken/add/").status_code == 403


def test_the_admin_revokes_through_the_service(client, support_team):
    key, _err = issue()
    token = ApiToken.objects.get()
    client.force_login(make_staff(None, username="root", superuser=True))
    answer = client.post(
        "/admin/cases/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert answer.status_code == 302
    assert not ApiToken.objects.exists()
    assert client_with(key).get(URL).status_code == 401


def test_staff_who_are_not_superusers_never_see_tokens(client, support_team):
    issue()
    client.force_login(make_staff(None, username="lead"))
    assert client.get("/admin/cases/apitoken/").status_code == 403
