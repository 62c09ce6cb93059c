"""Web hardening (issue 11): the Content-Security-Policy header, NUL bytes answered 400,
`Cache-Control: no-store` on personal answers, idle and absolute session lifetimes."""

import pytest
from django.contrib.auth import SESSION_KEY

from complaints_site.common import middleware
from tests.factories.cases import UserFactory
from tests.support.api import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="boss", is_staff=True, is_superuser=True)


@pytest.fixture
def alice(portal_user):
    return portal_user("alice")


def _directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in header.split(";"))
        if part
    }


# --- Content-Security-Policy --------------------------------------------------------------


@pytest.mark.parametrize("path", ["/portal/sign-in/", "/admin/login/", "/healthz", "/api/v1/"])
def test_every_answer_carries_a_strict_policy(client, path):
    policy = _directives(client.get(path))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert "unsafe" not in policy["script-src"]
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"


def test_signed_in_admin_and_portal_pages_carry_the_policy(client, superuser, alice):
    client.force_login(superuser)
    assert _directives(client.get("/admin/cases/case/"))["script-src"] == "'self'"
    client.force_login(alice)
    assert _directives(client.get("/portal/"))["script-src"] == "'self'"


def test_api_docs_load_nothing_from_a_cdn(client, alice):
    client.force_login(alice)
    page = client.get("/api/docs/").content.decode()
    assert "cdn.jsdelivr.net" not in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "<script>" not in page  # the start-up script is a file of its own (?script)
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


@pytest.mark.parametrize("path", ["/api/docs/", "/api/docs/?script=", "/api/schema/"])
def test_schema_and_docs_refuse_anonymous_callers(client, path):
    assert client.get(path).status_code == 401


def test_schema_answers_an_api_token(db):
    exchange = token_client("exchange-backend")
    assert exchange.get("/api/schema/?format=json").status_code == 200


# --- NUL bytes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/portal/cases/CX%00-1/",
        "/admin/cases/case/%00/change/",
        "/admin/cases/case/?q=%00",
        "/admin/cases/case/?state=%00",
        "/admin/cases/case/?state__exact=a%00b",
        "/portal/?page=1%00",
        "/admin/cases/case/?%00=1",
    ],
)
def test_nul_byte_in_path_query_or_admin_filter_is_400(client, superuser, path):
    client.force_login(superuser)
    assert client.get(path).status_code == 400


def test_an_encoded_percent_sign_is_not_a_nul(client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/cases/case/?q=%2500").status_code == 200


# --- Cache-Control ----------------------------------------------------------------------------


def _no_store(response) -> bool:
    value = response.get("Cache-Control", "")
    return "no-store" in value and "private" in value


def test_portal_pages_of_a_signed_in_user_are_no_store(client, alice):
    client.force_login(alice)
    assert _no_store(client.get("/portal/"))
    assert _no_store(client.get("/portal/cases/new/"))


def test_admin_pages_are_no_store_even_the_login(client, superuser):
    assert _no_store(client.get("/admin/login/"))
    client.force_login(superuser)
    assert _no_store(client.get("/admin/"))
    assert _no_store(client.get("/admin/cases/case/"))


def test_authenticated_api_answers_are_no_store(db):
    exchange = token_client("exchange-backend")
    response = exchange.get("/api/v1/")
    assert response.status_code == 200
    assert _no_store(response)


def test_public_answers_may_be_cached(client):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# --- Session lifetime -------------------------------------------------------------------------


class Clock:
    def __init__(self, monkeypatch):
        self.now = 1_800_000_000.0
        monkeypatch.setattr(middleware.time, "time", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def _signed_in(client) -> bool:
    return SESSION_KEY in client.session


def test_staff_session_ends_after_the_idle_timeout(client, superuser, clock, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 1800
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200
    clock.advance(1801)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not _signed_in(client)


def test_activity_keeps_a_session_alive_until_the_absolute_lifetime(
    client, superuser, clock, settings
):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 1800
    settings.SESSION_COOKIE_AGE = 8 * 3600
    client.force_login(superuser)
    for _ in range(16):  # 7.7 hours of work, a request every 29 minutes
        assert client.get("/admin/").status_code == 200
        clock.advance(1740)
    assert client.get("/admin/").status_code == 200
    clock.advance(1740)  # 8.2 hours since sign-in, although never idle
    assert client.get("/admin/").status_code == 302
    assert not _signed_in(client)


def test_the_session_expiry_follows_the_idle_timeout(client, superuser, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 1800
    client.force_login(superuser)
    client.get("/admin/")
    assert client.session.get_expiry_age() == 1800


def test_portal_customers_have_their_own_idle_timeout(client, alice, clock, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 600
    settings.PORTAL_SESSION_IDLE_TIMEOUT_SECONDS = 3600
    client.force_login(alice)
    assert client.get("/portal/").status_code == 200
    clock.advance(1800)  # idle longer than staff may be, within the customers' limit
    assert client.get("/portal/").status_code == 200
    clock.advance(3601)
    response = client.get("/portal/")
    assert response.status_code == 302
    assert "/portal/sign-in/" in response["Location"]


@pytest.mark.parametrize("who", ["staff", "customer"])
def test_a_deactivated_account_is_signed_out_at_its_next_request(client, superuser, alice, who):
    user, page = (superuser, "/admin/") if who == "staff" else (alice, "/portal/")
    client.force_login(user)
    assert client.get(page).status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(page)
    assert response.status_code == 302
    assert "login" in response["Location"] or "sign-in" in response["Location"]
