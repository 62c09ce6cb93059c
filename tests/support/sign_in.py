"""Sign-in helpers for the accounts tests: the two forms, and a count of password hashes."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.contrib.auth.hashers import get_hasher

from tests.factories.portal import PASSWORD

ADMIN_LOGIN = "/admin/login/"
PORTAL_LOGIN = "/portal/sign-in/"


def admin_sign_in(client, username: str, password: str, **extra):
    return client.post(
        ADMIN_LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra
    )


def portal_sign_in(client, email: str, password: str, **extra):
    return client.post(PORTAL_LOGIN, {"email": email, "password": password}, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


class HashCounter:
    calls = 0


@contextlib.contextmanager
def counting_hashes(monkeypatch) -> Iterator[HashCounter]:
    """Count password hashes: every check_password and every dummy set_password ends in the
    configured hasher's encode()."""
    counter = HashCounter()
    hasher_class = type(get_hasher())
    original = hasher_class.encode

    def encode(self, password, salt, *args, **kwargs):
        counter.calls += 1
        return original(self, password, salt, *args, **kwargs)

    monkeypatch.setattr(hasher_class, "encode", encode)
    yield counter


__all__ = ["PASSWORD"]
