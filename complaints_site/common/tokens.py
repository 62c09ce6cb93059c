"""API tokens: stored as a SHA-512 digest with an expiry (django-rest-knox's model and hashing).

The key is shown once, when it is issued, and never stored: the table holds knox's digest
(the primary key) and a 15-character lookup prefix. A request's token is hashed and looked up
by its digest together with its user: one statement per request, as DRF's clear-text tokens
cost. An expired or revoked token is refused with 401 and `WWW-Authenticate: Token`.

We use knox's model, digest and key generator but not its per-request clean-up, which lists
every token of the user on each request (a second round trip on the intake path) and deletes
expired rows as a side effect of a read; expired tokens are refused here and listed as expired
until an operator revokes them (`issue_api_token USERNAME --revoke-all`).
"""

from __future__ import annotations

from datetime import timedelta
from hmac import compare_digest
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework import exceptions


def token_ttl() -> timedelta:
    """How long a newly issued token lives (API_TOKEN_TTL_DAYS)."""
    return timedelta(days=settings.API_TOKEN_TTL_DAYS)


def token_public_id(token: AuthToken) -> str:
    """A short name for a token in lists and logs: the start of its digest, never of its key."""
    return token.digest[:12]


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` against hashed, expiring tokens, in one statement."""

    def authenticate_credentials(self, token: bytes) -> tuple[Any, AuthToken]:
        invalid = _("Invalid token.")
        try:
            key = token.decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(invalid) from None
        digest = hash_token(key)
        # The digest is the primary key: a token is found by its hash, not by its clear prefix.
        row = AuthToken.objects.select_related("user").filter(digest=digest).first()
        if row is None or not compare_digest(row.digest, digest):
            raise exceptions.AuthenticationFailed(invalid)
        if row.expiry is not None and row.expiry <= timezone.now():
            raise exceptions.AuthenticationFailed(_("The token has expired."))
        return self.validate_user(row)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The schema's `tokenAuth`: `Authorization: Token <key>`, as before the move to knox."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )
