"""Intake through the REST API: idempotent case opening and the exchange's service accounts.

The API is one more channel into `intake_submit`; what it adds is the `Idempotency-Key`
contract (a client retrying after a timeout never opens a second case) and the service
accounts that hold API tokens.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import ApiToken, Case, IdempotencyKey
from cases.roles import API_CLIENT
from cases.services.intake import IntakeResult, IntakeSubmission, intake_submit
from complaints_site.common.actors import Actor, actor_label
from complaints_site.common.exceptions import ApplicationError, ConflictError
from complaints_site.common.tokens import token_public_id, token_ttl

log = logging.getLogger(__name__)


def request_fingerprint(data: dict[str, Any]) -> str:
    """SHA-256 of the validated body as canonical JSON (sorted keys, no spaces), so the same
    request written with other whitespace or key order counts as the same."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IdempotentIntake:
    case: Case
    # False when the key had already opened this case: the caller answers 200, not 201.
    created: bool
    result: IntakeResult | None = None


@transaction.atomic
def intake_submit_idempotent(
    *,
    submission: IntakeSubmission,
    actor: Actor,
    client: Any,
    key: str,
    request_hash: str,
) -> IdempotentIntake:
    """Open the case once per (client, key).

    The key row is inserted first, in the same transaction as the case: a concurrent request
    with the same key blocks on the unique index until this one commits, then finds the row
    and gets the same case (or, if this one rolled back, inserts its own and proceeds).
    Raises ConflictError (409) when the key was used with another body, ApplicationError on a
    key that is blank or too long, and whatever `intake_submit` raises (nothing is kept then,
    so a retry with the same key starts afresh).
    """
    key = key.strip()
    if not key or len(key) > 255:
        message = _("The Idempotency-Key header must be 1 to 255 characters.")
        raise ApplicationError(message, extra={"errors": {"Idempotency-Key": [message]}})
    row_id = _key_insert(client=client, key=key, request_hash=request_hash)
    if row_id is None:
        row = IdempotencyKey.objects.get(client=client, key=key)
        if row.request_hash != request_hash:
            raise ConflictError(
                _("This Idempotency-Key was already used with a different request body.")
            )
        # The row and its case commit together, so a row seen here always has its case.
        return IdempotentIntake(case=Case.objects.get(pk=row.case_id), created=False)
    result = intake_submit(submission=submission, actor=actor)
    IdempotencyKey(pk=row_id, case=result.case).save(update_fields=["case"])
    return IdempotentIntake(case=result.case, created=True, result=result)


def _key_insert(*, client: Any, key: str, request_hash: str) -> int | None:
    """Insert the key row, or return None when (client, key) exists. One round trip.

    A concurrent twin's uncommitted row makes this wait on the unique index; after it commits
    the insert does nothing (and the caller reads the twin's row), after a rollback it inserts.
    (IdempotencyKey is not a tracked model: no history to keep in step.)
    """
    table = IdempotencyKey._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (client_id, key, request_hash, created_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s) ON CONFLICT (client_id, key) DO NOTHING RETURNING id",
            [client.pk, key, request_hash, timezone.now()],
        )
        row = cursor.fetchone()
    return row[0] if row else None


@dataclass(frozen=True)
class IssuedToken:
    user: Any
    # The key, shown once: only its digest is stored, so it cannot be printed again.
    key: str
    token: ApiToken
    user_created: bool


def _service_account(username: str, *, create: bool) -> tuple[Any, bool]:
    """The service account `username` (created when missing and `create`), checked to be one.

    Raises ApplicationError for a blank name, an unknown account (without `create`), and an
    existing person's account (staff, superuser, or a portal customer)."""
    username = username.strip()
    if not username:
        raise ApplicationError(_("A username is required."))
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        if not create:
            raise ApplicationError(_("No account %(username)s.") % {"username": username})
        user = User(username=username, is_staff=False, is_active=True)
        user.set_unusable_password()
        user.save()
        return user, True
    if user.is_staff or user.is_superuser or hasattr(user, "customer_profile"):
        raise ApplicationError(
            _("%(username)s is a person's account; API tokens are for service accounts only.")
            % {"username": username}
        )
    return user, False


@transaction.atomic
def api_client_issue_token(*, username: str, actor: Actor) -> IssuedToken:
    """A new API token for the exchange's service account `username`, created when missing.

    A service account is not staff, cannot sign in with a password, and belongs to the
    `API_CLIENT` role group (permission ``cases.use_intake_api``). Every call issues a new
    token that expires after API_TOKEN_TTL_DAYS; the account's earlier tokens keep working
    until they expire or are revoked (so a rotation deploys the new key, then revokes the
    old). Raises ApplicationError for an existing person's account: tokens are only for
    service accounts.
    """
    user, created = _service_account(username, create=True)
    user.groups.add(Group.objects.get(name=API_CLIENT))
    token, key = ApiToken.objects.create(user=user, expiry=token_ttl())
    log.info(
        "API token %s issued to %s by %s, expires %s",
        token_public_id(token),
        user.get_username(),
        actor_label(actor),
        token.expiry.isoformat(),
    )
    return IssuedToken(user=user, key=key, token=token, user_created=created)


def api_client_tokens(*, username: str) -> list[ApiToken]:
    """The tokens of a service account, newest first (digests and expiries, never keys)."""
    user, _created = _service_account(username, create=False)
    return list(ApiToken.objects.filter(user=user).order_by("-created"))


@transaction.atomic
def api_client_revoke_tokens(*, username: str, actor: Actor, token_id: str | None = None) -> int:
    """Revoke (delete) the tokens of a service account: all of them, or the one whose public
    id (the start of its digest, as listed) is `token_id`. Requests with a revoked token are
    refused (401) from then on. Returns how many were revoked; raises ApplicationError for an
    unknown account or a token id that names no token of it."""
    user, _created = _service_account(username, create=False)
    tokens = ApiToken.objects.filter(user=user)
    if token_id is not None:
        token_id = token_id.strip().lower()
        if len(token_id) < 8:
            raise ApplicationError(_("Give at least 8 characters of the token id."))
        tokens = tokens.filter(digest__startswith=token_id)
        if not tokens.exists():
            raise ApplicationError(_("No such token for %(username)s.") % {"username": username})
    return api_tokens_revoke(tokens=tokens, actor=actor)


@transaction.atomic
def api_tokens_revoke(*, tokens: QuerySet[ApiToken], actor: Actor) -> int:
    """Revoke (delete) these tokens; the next request with any of them is refused (401).
    Returns how many were revoked."""
    revoked = [(token_public_id(t), t.user.get_username()) for t in tokens.select_related("user")]
    tokens.delete()
    for public_id, username in revoked:
        log.info("API token %s of %s revoked by %s", public_id, username, actor_label(actor))
    return len(revoked)
