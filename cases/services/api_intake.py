"""Intake through the REST API: idempotent case opening and the exchange's service accounts.

The API is one more channel into `intake_submit`; what it adds is the `Idempotency-Key`
contract (a client retrying after a timeout never opens a second case) and the service
accounts that hold API tokens.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from cases.models import Case, IdempotencyKey
from cases.roles import API_CLIENT
from cases.services.intake import IntakeResult, IntakeSubmission, intake_submit
from complaints_site.common.actors import Actor
from complaints_site.common.exceptions import ApplicationError, ConflictError


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
    key: str
    user_created: bool


@transaction.atomic
def api_client_issue_token(*, username: str, actor: Actor) -> IssuedToken:
    """The API token of the exchange's service account `username`, created when missing.

    A service account is not staff, cannot sign in with a password, and belongs to the
    `API_CLIENT` role group (permission ``cases.use_intake_api``). Raises ApplicationError for
    an existing person's account (staff, superuser, or a portal customer): tokens are only for
    service accounts. The actor is recorded by the caller's log; users carry no history here.
    """
    username = username.strip()
    if not username:
        raise ApplicationError(_("A username is required."))
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username, is_staff=False, is_active=True)
        user.set_unusable_password()
        user.save()
    elif user.is_staff or user.is_superuser or hasattr(user, "customer_profile"):
        raise ApplicationError(
            _("%(username)s is a person's account; API tokens are for service accounts only.")
            % {"username": username}
        )
    user.groups.add(Group.objects.get(name=API_CLIENT))
    token, _created = Token.objects.get_or_create(user=user)
    return IssuedToken(user=user, key=token.key, user_created=created)
