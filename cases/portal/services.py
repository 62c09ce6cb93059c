"""Portal-only writes: the complaint form and the reply form, each taken once per form token;
the user's anti-phishing code."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case, CustomerProfile, IdempotencyKey
from cases.services.intake import (
    IntakeReply,
    IntakeResult,
    IntakeSubmission,
    intake_reply,
    intake_submit,
)
from complaints_site.common.exceptions import ApplicationError, PermissionDeniedError
from complaints_site.common.history import stamp

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


# What a customer may choose as anti-phishing code: 4 to 20 ASCII letters and digits (no
# look-alike characters from other scripts, nothing a mail client would show differently).
ANTI_PHISHING_CODE = re.compile(r"[A-Za-z0-9]{4,20}")


def anti_phishing_code_error() -> str:
    return _("Use 4 to 20 letters (A-Z, a-z) and digits (0-9), with no spaces or other signs.")


def customer_anti_phishing_set(*, user: Any, code: str) -> CustomerProfile:
    """Set, change or (with an empty `code`) clear the user's anti-phishing code, which every
    email we send them then shows (`cases.services.notifications`).

    The user acts for themselves. The profile's history records that the code was set, changed
    or cleared, with the user and the time, never the code (the field is excluded from the
    history); nothing here logs it. Saving the same code again changes nothing. Raises
    ApplicationError (`errors.code`) for a code that is not 4 to 20 ASCII letters and digits,
    PermissionDeniedError for a user without a customer profile.
    """
    code = (code or "").strip()
    if code and not ANTI_PHISHING_CODE.fullmatch(code):
        message = anti_phishing_code_error()
        raise ApplicationError(message, extra={"errors": {"code": [message]}})
    with transaction.atomic():
        profile = CustomerProfile.objects.select_for_update().filter(user_id=user.pk).first()
        if profile is None:
            raise PermissionDeniedError(_("Only customers have an anti-phishing code."))
        if profile.anti_phishing_code == code:
            return profile
        if not code:
            reason = "Anti-phishing code cleared"
        elif profile.anti_phishing_code:
            reason = "Anti-phishing code changed"
        else:
            reason = "Anti-phishing code set"
        profile.anti_phishing_code = code
        stamp(profile, actor=user, reason=reason)
        profile.save()
    return profile
