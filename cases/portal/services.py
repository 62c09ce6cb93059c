"""Portal-only writes: the complaint form and the reply form, each taken once per form token."""

from __future__ import annotations

import uuid
from typing import Any

from django.core import signing
from django.db import transaction

from cases.models import Case, IdempotencyKey
from cases.services.intake import (
    IntakeReply,
    IntakeResult,
    IntakeSubmission,
    intake_reply,
    intake_submit,
)

# How long a reply form stays valid; after that the page offers a fresh one (text kept).
REPLY_TOKEN_MAX_AGE = 24 * 60 * 60


def form_token_key(token: uuid.UUID) -> str:
    return f"portal-form:{token}"


def complaint_submit_once(
    *, submission: IntakeSubmission, token: uuid.UUID, actor: Any
) -> tuple[Case, IntakeResult | None]:
    """Open the case of a portal complaint form unless this form token was already used.

    The token is consumed by inserting a unique (user, key) row in the same transaction as the
    case: a second submission of the same form (double click, reload, two tabs) waits for the
    first and then gets its case back, with ``None`` instead of a result. If intake fails, the
    token is not consumed. Raises what `intake_submit` raises.
    """
    with transaction.atomic():
        key, created = IdempotencyKey.objects.get_or_create(
            client=actor, key=form_token_key(token), defaults={"request_hash": ""}
        )
        if not created and key.case_id is not None:
            return Case.objects.get(pk=key.case_id), None
        result = intake_submit(submission=submission, actor=actor)
        key.case = result.case
        key.save(update_fields=["case"])
        return result.case, result


def _reply_salt(user: Any) -> str:
    return f"cases.portal.reply:{user.pk}"


def reply_form_token(*, user: Any, case: Case) -> str:
    """A fresh signed token for one reply form of `user` on `case` (a random nonce inside).

    Stateless: nothing is stored until the form is used, so showing the case page writes
    nothing. The signature binds it to the user (salt) and the case (payload).
    """
    return signing.dumps({"c": case.pk, "n": uuid.uuid4().hex}, salt=_reply_salt(user))


def reply_form_nonce(*, token: str, user: Any, case: Case) -> str | None:
    """The nonce of a valid, unexpired token of this user for this case, else None."""
    try:
        data = signing.loads(token, salt=_reply_salt(user), max_age=REPLY_TOKEN_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("c") != case.pk:
        return None
    nonce = data.get("n")
    return nonce if isinstance(nonce, str) and len(nonce) == 32 else None


def reply_submit_once(*, reply: IntakeReply, nonce: str, actor: Any) -> IntakeResult | None:
    """Add the portal user's reply unless this form's nonce was already used; None if it was.

    The nonce is consumed by inserting a unique (user, key) `IdempotencyKey` row in the same
    transaction as the message: concurrent twins block on the unique index until the first
    commits, then find the row and store nothing (one message, one notification). If intake
    fails, the row rolls back with it and the form can be sent again. Raises what
    `intake_reply` raises.
    """
    with transaction.atomic():
        _key, created = IdempotencyKey.objects.get_or_create(
            client=actor,
            key=f"portal-reply:{nonce}",
            defaults={"request_hash": "", "case": reply.case},
        )
        if not created:
            return None
        return intake_reply(reply=reply, actor=actor)
