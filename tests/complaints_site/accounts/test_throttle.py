"""Failed sign-ins are throttled per account and address and per address, with a cool-off,
on both sign-in forms, before any password is hashed (issue 11, finding 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.utils import timezone

from complaints_site.accounts.throttle import client_ip
from tests.support.sign_in import (
    PASSWORD,
    admin_sign_in,
    counting_hashes,
    portal_sign_in,
    signed_in,
)

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.TRUSTED_PROXY_COUNT = 0
    return settings


@pytest.fixture
def admin_form(staff):
    user = staff(None, username="alice-staff")
    return "alice-staff", admin_sign_in, user


@pytest.fixture
def portal_form(portal_user):
    user = portal_user("bob")
    return "bob@example.com", portal_sign_in, user


@pytest.fixture(params=["admin", "portal"])
def form(request):
    return request.getfixturevalue(f"{request.param}_form")


def test_the_right_password_is_refused_after_too_many_wrong_ones(client, limits, form):
    name, sign_in, _user = form
    for _ in range(limits.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, name, WRONG).status_code == 200
    # The attempt that reaches the limit is answered with the lockout page already.
    assert sign_in(client, name, WRONG).status_code == 429
    response = sign_in(client, name, PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    assert int(response["Retry-After"]) > 0
    assert b"Try again after" in response.content


def test_below_the_limit_the_right_password_works_and_clears_the_count(client, limits, form):
    name, sign_in, _user = form
    for _ in range(limits.AXES_FAILURE_LIMIT - 1):
        sign_in(client, name, WRONG)
    assert sign_in(client, name, PASSWORD).status_code == 302
    assert signed_in(client)
    client.logout()
    # AXES_RESET_ON_SUCCESS: the account starts again from zero.
    for _ in range(limits.AXES_FAILURE_LIMIT - 1):
        sign_in(client, name, WRONG)
    assert sign_in(client, name, PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, limits, form):
    name, sign_in, _user = form
    for _ in range(limits.AXES_FAILURE_LIMIT):
        sign_in(client, name, WRONG)
    assert sign_in(client, name, PASSWORD).status_code == 429
    # Move the failures back past the cool-off.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - limits.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert sign_in(client, name, PASSWORD).status_code == 302
    assert signed_in(client)


def test_a_locked_out_attempt_hashes_no_password(client, limits, form, monkeypatch):
    name, sign_in, _user = form
    for _ in range(limits.AXES_FAILURE_LIMIT):
        sign_in(client, name, WRONG)
    with counting_hashes(monkeypatch) as hashes:
        assert sign_in(client, name, PASSWORD).status_code == 429
        assert sign_in(client, name, WRONG).status_code == 429
    assert hashes.calls == 0


def test_one_address_locked_out_does_not_lock_the_account_elsewhere(client, limits, form):
    name, sign_in, _user = form
    for _ in range(limits.AXES_FAILURE_LIMIT):
        sign_in(client, name, WRONG, REMOTE_ADDR="198.51.100.7")
    assert sign_in(client, name, PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 429
    response = sign_in(client, name, PASSWORD, REMOTE_ADDR="203.0.113.20")
    assert response.status_code == 302
    assert signed_in(client)


def test_one_address_spraying_many_accounts_is_stopped(client, limits, form):
    name, sign_in, _user = form
    address = "198.51.100.8"
    # Each guessed account stays under its own limit; the address reaches its limit.
    for n in range(limits.LOGIN_ADDRESS_FAILURE_LIMIT):
        guess = f"someone{n}@example.com" if "@" in name else f"someone{n}"
        sign_in(client, guess, WRONG, REMOTE_ADDR=address)
    assert sign_in(client, name, PASSWORD, REMOTE_ADDR=address).status_code == 429
    assert not signed_in(client)
    assert sign_in(client, name, PASSWORD, REMOTE_ADDR="203.0.113.21").status_code == 302


def test_signing_in_to_ones_own_account_does_not_clear_the_address_count(client, limits, staff):
    staff(None, username="mallory")
    address = "198.51.100.9"
    for n in range(limits.LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        admin_sign_in(client, f"victim{n}", WRONG, REMOTE_ADDR=address)
    assert admin_sign_in(client, "mallory", PASSWORD, REMOTE_ADDR=address).status_code == 302
    client.logout()
    admin_sign_in(client, "victim-last", WRONG, REMOTE_ADDR=address)
    assert admin_sign_in(client, "mallory", PASSWORD, REMOTE_ADDR=address).status_code == 429


def test_the_email_and_the_username_share_one_allowance(client, limits, staff):
    staff(None, username="carol")  # carol@example.com
    for n in range(limits.AXES_FAILURE_LIMIT):
        name = "carol" if n % 2 else "CAROL@example.com"
        admin_sign_in(client, name, WRONG)
    assert admin_sign_in(client, "carol", PASSWORD).status_code == 429


def test_an_unknown_account_is_locked_out_like_a_real_one(client, limits, staff):
    """The lockout says nothing about whether the account exists."""
    staff(None, username="dave")
    pages = {}
    for name in ("dave", "nobody-here"):
        for _ in range(limits.AXES_FAILURE_LIMIT):
            admin_sign_in(client, name, WRONG, REMOTE_ADDR="192.0.2.1")
        response = admin_sign_in(client, name, WRONG, REMOTE_ADDR="192.0.2.1")
        assert response.status_code == 429
        assert name.encode() not in response.content
        pages[name] = response
    assert pages["dave"].templates[0].name == pages["nobody-here"].templates[0].name


@pytest.mark.parametrize(
    ("username", "exists"),
    [("erin@example.com", True), ("erin", True), ("ghost@example.com", False), ("ghost", False)],
)
def test_any_attempt_costs_exactly_one_hash(client, limits, staff, monkeypatch, username, exists):
    staff(None, username="erin")  # erin@example.com
    with counting_hashes(monkeypatch) as hashes:
        assert admin_sign_in(client, username, WRONG).status_code == 200
    assert hashes.calls == 1


def test_the_portal_attempt_costs_exactly_one_hash(client, limits, portal_user, monkeypatch):
    portal_user("frank")
    with counting_hashes(monkeypatch) as hashes:
        portal_sign_in(client, "frank@example.com", WRONG)
        portal_sign_in(client, "nobody@example.com", WRONG)
    assert hashes.calls == 2


def test_a_forged_forwarded_for_is_ignored_without_a_proxy(client, limits, form):
    name, sign_in, _user = form
    for n in range(limits.AXES_FAILURE_LIMIT):
        sign_in(client, name, WRONG, HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 10}")
    response = sign_in(client, name, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429


def test_behind_a_proxy_the_forwarded_address_is_the_client(client, limits, form):
    limits.TRUSTED_PROXY_COUNT = 1
    name, sign_in, _user = form
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(limits.AXES_FAILURE_LIMIT):
        # The client's own claim comes first; our proxy appended the address it saw.
        sign_in(client, name, WRONG, HTTP_X_FORWARDED_FOR="192.0.2.50, 198.51.100.1", **proxy)
    locked = sign_in(client, name, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
    assert locked.status_code == 429
    other = sign_in(client, name, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy)
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.2"),
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "6.6.6.6, 192.0.2.1", "192.0.2.1"),
        (2, "6.6.6.6, 192.0.2.1, 10.0.0.9", "192.0.2.1"),
        (1, "", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
        (3, "192.0.2.1", "10.0.0.2"),
    ],
)
def test_client_address(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
