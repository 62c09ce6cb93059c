"""Step 7: follow-up after resolution (docs/resolution.md): the satisfaction survey, reopening
by an unhappy user within the window, and closing once the window has passed."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Max

from cases.enums import CaseEventType
from cases.models import Case, Survey
from cases.services.events import case_event_record
from cases.services.notifications import notification_queue
from complaints_site.common.actors import Actor
from complaints_site.common.history import stamp


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


def follow_up_close_sweep(*, limit: int = 500) -> int:
    """Close every resolved case whose reopening window has passed (filled in by the follow-up
    work: see docs/resolution.md)."""
    return 0
