"""Step 7: follow-up after resolution (docs/resolution.md): the satisfaction survey and its
answer, reopening by an unhappy user within the window, and closing once the window has
passed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.enums import CaseEventType, DecisionChannel, OutcomeReason, ProcessReason
from cases.models import Case, Survey
from cases.services.events import case_event_record
from cases.services.notifications import notification_queue
from complaints_site.common.actors import Actor, SystemActor
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from complaints_site.common.history import stamp

# How the customer answers the survey: their own channels (a person is never asked for them).
SURVEY_CHANNELS = (DecisionChannel.PORTAL, DecisionChannel.API, DecisionChannel.EMAIL_LINK)
SURVEY_COMMENT_MAX = 2000


def survey_send(*, case: Case, actor: Actor) -> Survey | None:
    """Ask the customer how it went, once per resolution of the case (a new round after a
    reopening): by email and in the portal, answerable until SURVEY_WINDOW has passed. None for
    a case found to be fraud or abuse by the complainant. Runs inside the resolving
    transaction."""
    if case.fraud_or_abuse:
        return None
    last = Survey.objects.filter(case=case).aggregate(n=Max("round"))["n"] or 0
    survey = Survey(
        case=case,
        round=last + 1,
        expires_at=(case.resolved_at or case.updated_at) + settings.SURVEY_WINDOW,
    )
    stamp(survey, actor=actor, reason="Survey sent")
    survey.save()
    case_event_record(
        case=case,
        type=CaseEventType.SURVEY_SENT,
        actor=actor,
        data={"survey": survey.pk, "round": survey.round},
    )
    notification_queue(
        case=case,
        kind="case.survey",
        cause=f"survey-{survey.pk}",
        actor=actor,
        context={"survey_id": survey.pk},
    )
    return survey


def _error(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, extra={"errors": {field: [message]}})


def _score(field: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise _error(field, _("Choose a score from 1 to 5."))
    return value


def _reasons(field: str, values: Iterable[str], allowed: list[str]) -> list[str]:
    chosen = list(dict.fromkeys(str(v) for v in values or ()))
    if any(v not in allowed for v in chosen):
        raise _error(field, _("Choose among the listed reasons."))
    return chosen


def survey_answer(
    *,
    survey: Survey,
    actor: Actor,
    process_score: int,
    process_reasons: Iterable[str],
    outcome_score: int,
    outcome_reasons: Iterable[str],
    comment: str,
    channel: str,
) -> Survey:
    """Record the customer's answer to the survey, once: satisfaction with the handling
    (`process_*`) and with the outcome (`outcome_*`), each a score of 1 to 5 with reason codes
    (`ProcessReason`, `OutcomeReason`), and a comment.

    Only the customer answers, through the portal, the API or the email's link (`actor` is
    their SystemActor). The same answer again returns the survey as it is; another answer,
    or one after the window (`expires_at`), is a ConflictError. Raises ApplicationError for a
    score or reason out of range, PermissionDeniedError for anyone but the customer.
    """
    if channel not in SURVEY_CHANNELS:
        raise _error("channel", _("Unknown channel."))
    if not isinstance(actor, SystemActor):
        raise PermissionDeniedError(_("Only the customer answers the survey."))
    answer = {
        "process_score": _score("process_score", process_score),
        "process_reasons": _reasons("process_reasons", process_reasons, ProcessReason.values),
        "outcome_score": _score("outcome_score", outcome_score),
        "outcome_reasons": _reasons("outcome_reasons", outcome_reasons, OutcomeReason.values),
        "comment": (comment or "").strip(),
    }
    if len(answer["comment"]) > SURVEY_COMMENT_MAX:
        raise _error(
            "comment",
            _("Keep the comment under %(n)s characters.") % {"n": SURVEY_COMMENT_MAX},
        )
    with transaction.atomic():
        locked = Survey.objects.select_for_update().select_related("case").get(pk=survey.pk)
        if locked.answered_at is not None:
            if all(getattr(locked, field) == value for field, value in answer.items()):
                return locked
            raise ConflictError(_("This survey was already answered."))
        if locked.expires_at <= timezone.now():
            raise ConflictError(_("This survey is closed: the time to answer it has passed."))
        for field, value in answer.items():
            setattr(locked, field, value)
        locked.answered_at = timezone.now()
        locked.channel = channel
        stamp(locked, actor=actor, reason=f"Survey answered ({channel})")
        locked.save()
        case_event_record(
            case=locked.case,
            type=CaseEventType.SURVEY_ANSWERED,
            actor=actor,
            data={
                "survey": locked.pk,
                "round": locked.round,
                "process_score": locked.process_score,
                "outcome_score": locked.outcome_score,
            },
        )
    return locked


def follow_up_close_sweep(*, limit: int = 500) -> int:
    """Close every resolved case whose reopening window has passed (filled in by the follow-up
    work: see docs/resolution.md)."""
    return 0
