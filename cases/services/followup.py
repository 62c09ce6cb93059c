"""Step 7: follow-up after resolution (docs/resolution.md): the satisfaction survey, reopening
by an unhappy user within the window, and closing once the window has passed.

The survey asks two separate questions, each scored 1 to 5 with reason codes: how the complaint
was handled (the process) and what came of it (the outcome), since a dispute lost fairly is not
a badly handled one. It is answered once, through the signed link of its email or from the
signed-in case page, until `Survey.expires_at`. No survey goes to a case found to be fraud or
abuse by the complainant.

Within REOPEN_WINDOW of the resolution the customer may reopen the case with a reason: the
`reopen` and `reinvestigate` transitions run one after the other, so the case is back under
investigation and the handler reads why in its events. After the window a periodic sweep
closes the case.

The customer acts as `system:customer:<channel>` (the label offers use too; defined here
because this module sits below the offer service).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.enums import CaseEventType, CaseState, DecisionChannel, OutcomeReason, ProcessReason
from cases.lib.redaction import redact_secrets
from cases.models import Case, Survey
from cases.policies.followup import reopen_deadline
from cases.services.events import case_event_record
from cases.services.lifecycle import case_transition
from cases.services.notifications import notification_queue
from complaints_site.common.actors import Actor, SystemActor
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from complaints_site.common.history import stamp

CLOSE_ACTOR = SystemActor("task:follow_up_close_sweep")
# How the customer reopens: the portal signed in, or the email's link; the survey is also
# answered through the API. A person is never asked for them.
CUSTOMER_CHANNELS = (DecisionChannel.PORTAL, DecisionChannel.EMAIL_LINK)
SURVEY_CHANNELS = (DecisionChannel.PORTAL, DecisionChannel.API, DecisionChannel.EMAIL_LINK)
SCORES = range(1, 6)
COMMENT_MAX_LENGTH = 2000
SURVEY_COMMENT_MAX = COMMENT_MAX_LENGTH
REOPEN_REASON_MAX_LENGTH = 2000


def customer_actor(channel: str) -> SystemActor:
    """The customer acting through `channel`: `system:customer:<channel>` (as offers record
    the customer's answer)."""
    return SystemActor(f"customer:{channel}")


def _error(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, extra={"errors": {field: [message]}})


def _customer_channel(actor: Actor, channels: tuple[str, ...] = CUSTOMER_CHANNELS) -> str:
    """The channel a customer actor acts through; PermissionDeniedError for anyone else (staff
    record nothing in the customer's name here)."""
    if isinstance(actor, SystemActor) and actor.name.startswith("customer:"):
        channel = actor.name.partition(":")[2]
        if channel in channels:
            return channel
    raise PermissionDeniedError(_("Only the customer answers here."))


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
    deadline = reopen_deadline(case)
    # The link is signed when the email is rendered (cases.services.notifications), never
    # stored; the reopening deadline is written as the customer reads it.
    notification_queue(
        case=case,
        kind="case.survey",
        cause=f"survey-{survey.pk}",
        actor=actor,
        context={
            "survey_id": survey.pk,
            "reopen_by": deadline.strftime("%Y-%m-%d %H:%M") if deadline else "",
        },
    )
    return survey


def _score(field: str, value: Any) -> int:
    """A whole number from 1 to 5 (forms coerce what they read; nothing else is guessed)."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCORES:
        raise _error(field, _("Choose a score from 1 to 5."))
    return value


def _reasons(field: str, values: Iterable[Any] | None, choices: type) -> list[str]:
    """The reason codes given, known ones only, in the order of their list (no repeats)."""
    given = {str(v) for v in values or ()}
    unknown = given - set(choices.values)
    if unknown:
        raise _error(field, _("Choose reasons from the list."))
    return [code for code in choices.values if code in given]


def survey_answer(
    *,
    survey: Survey,
    actor: Actor,
    process_score: int,
    outcome_score: int,
    channel: str,
    process_reasons: Iterable[Any] | None = None,
    outcome_reasons: Iterable[Any] | None = None,
    comment: str = "",
) -> Survey:
    """Record the customer's answer to a survey, once: satisfaction with the handling
    (`process_*`) and with the outcome (`outcome_*`), each a score of 1 to 5 with reason codes
    (ProcessReason, OutcomeReason), and an optional comment (at most SURVEY_COMMENT_MAX
    characters, secrets redacted before it is stored). Records a `survey.answered` event.

    Only the customer answers, through the portal, the API or the email's link: `actor` is
    `customer_actor(channel)`. The same answer again returns the survey as it is.

    Raises PermissionDeniedError (not the customer), ApplicationError (an unknown channel, a
    score or reason out of range, a comment too long) or ConflictError (answered otherwise
    before, or expired).
    """
    if channel not in SURVEY_CHANNELS:
        raise _error("channel", _("Unknown channel."))
    if _customer_channel(actor, SURVEY_CHANNELS) != channel:
        raise PermissionDeniedError(_("Only the customer answers here."))
    comment = (comment or "").strip()
    if len(comment) > SURVEY_COMMENT_MAX:
        raise _error(
            "comment", _("Keep the comment under %(n)s characters.") % {"n": SURVEY_COMMENT_MAX}
        )
    answer = {
        "process_score": _score("process_score", process_score),
        "process_reasons": _reasons("process_reasons", process_reasons, ProcessReason),
        "outcome_score": _score("outcome_score", outcome_score),
        "outcome_reasons": _reasons("outcome_reasons", outcome_reasons, OutcomeReason),
        "comment": redact_secrets(comment).text,
    }
    with transaction.atomic():
        locked = Survey.objects.select_for_update().select_related("case").get(pk=survey.pk)
        if locked.answered_at is not None:
            if all(getattr(locked, field) == value for field, value in answer.items()):
                return locked
            raise ConflictError(
                _("You already answered this survey. Thank you."), extra={"answered": True}
            )
        now = timezone.now()
        if locked.expires_at <= now:
            raise ConflictError(_("This survey is closed: the time to answer it has passed."))
        for field, value in answer.items():
            setattr(locked, field, value)
        locked.answered_at = now
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


def case_reopen_by_customer(*, case: Case, actor: Actor, reason: str) -> Case:
    """The customer, unhappy with the outcome, reopens the resolved case within REOPEN_WINDOW
    of its resolution: `reopen` then `reinvestigate`, both with the customer's reason, in one
    transaction, so the case is back under investigation and its handler reads why in the
    case's events.

    Raises PermissionDeniedError (not the customer), ApplicationError (no reason, or too long)
    or ConflictError (the case is not resolved, or the window has passed; the message says
    which).
    """
    channel = _customer_channel(actor)
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason", _("Tell us why you want the case looked at again."))
    if len(reason) > REOPEN_REASON_MAX_LENGTH:
        raise _error(
            "reason",
            _("Keep the reason under %(n)s characters.") % {"n": REOPEN_REASON_MAX_LENGTH},
        )
    reason = redact_secrets(reason).text
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        deadline = reopen_deadline(locked)
        if deadline is None:
            raise ConflictError(_("Only a resolved case can be reopened."))
        if timezone.now() > deadline:
            raise ConflictError(
                _(
                    "The time to reopen this case ended on %(date)s (UTC). You can still send "
                    "us a message or make a new complaint."
                )
                % {"date": deadline.strftime("%Y-%m-%d %H:%M")},
                extra={"reopen_by": deadline.isoformat()},
            )
        reopened = case_transition(
            case=locked,
            transition="reopen",
            actor=actor,
            reason=reason,
            expected_state=CaseState.RESOLVED,
        )
        return case_transition(
            case=reopened,
            transition="reinvestigate",
            actor=actor,
            reason=f"Reopened by the customer ({channel}): {reason}",
            expected_state=CaseState.REOPENED,
        )


def follow_up_close_sweep(*, limit: int = 500) -> int:
    """Close every resolved case whose reopening window has passed; returns how many it closed.

    The cases are chosen in one query (resolved before now minus REOPEN_WINDOW, oldest first);
    each is then closed by the `close` transition under its row lock, expecting it still
    resolved: a case the customer reopened meanwhile, or one another sweep closed first, is a
    conflict and left alone. So two sweeps at once close each case once.
    """
    cutoff = timezone.now() - settings.REOPEN_WINDOW
    due = list(
        Case.objects.filter(state=CaseState.RESOLVED, resolved_at__lt=cutoff).order_by(
            "resolved_at", "pk"
        )[:limit]
    )
    closed = 0
    for case in due:
        try:
            case_transition(
                case=case,
                transition="close",
                actor=CLOSE_ACTOR,
                reason="The reopening window after resolution has passed",
                expected_state=CaseState.RESOLVED,
            )
        except (ConflictError, ApplicationError):
            # Reopened, closed by another sweep, or its window moved (a second resolution).
            continue
        closed += 1
    return closed
