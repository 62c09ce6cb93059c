"""Portal-only writes: submitting the complaint form exactly once per form token."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction

from cases.models import Case, IdempotencyKey
from cases.services.intake import IntakeResult, IntakeSubmission, intake_submit


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
