"""Consultations (跨部门协作): the handler asks Tech, Security, Legal or Compliance a question.

While a consultation is open, the consulted team's group holds ``view_case`` on the case
(django-guardian), so its members can read the case and answer; the grant is removed when the
consultation is answered, withdrawn or lapses with the case, unless the team still needs it
(it is the case's own team, or another of its consultations on the case is open). Every step is
in the consultation's history and the case's event ledger. Overdue consultations are flagged
once to the consulted team's lead (`consultations_flag_overdue`, periodic).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm, remove_perm

from cases import policies
from cases.enums import TERMINAL_STATES, CaseEventType, Channel
from cases.models import Case, Consultation, ConsultationStatus, Team
from cases.policies.consultations import may_answer
from cases.services.events import case_event_record
from cases.services.evidence import evidence_add
from cases.services.jobs import task_enqueue
from cases.services.recusal import staff_write, staff_write_check, staff_write_scope
from complaints_site.common.actors import Actor, SystemActor, actor_label, actor_user
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from complaints_site.common.history import stamp

OVERDUE_ACTOR = SystemActor("task:consultations_flag_overdue")
QUESTION_MAX_LENGTH = 4000


def _required(value: str, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ApplicationError(
            _("This field is required."), extra={"errors": {field: [_("Required.")]}}
        )
    return text


@staff_write(
    "consultation",
    may=lambda actor, case: policies.may_run(actor, case, "cases.investigate_case"),
    denied=gettext_lazy("You may not consult other teams on this case."),
)
def consultation_request(
    *,
    case: Case,
    actor: Any,
    team: Team,
    question: str,
    due_at: datetime | None = None,
    asked_at: datetime | None = None,
) -> Consultation:
    """Ask `team` a question about `case`; the team may read the case until it is answered.

    `asked_at` is for imports and the demo (a question asked earlier); the due date must be
    after it. Raises PermissionDeniedError (the actor may not investigate this case, or is
    recused), ApplicationError (no question, a due date before the question), ConflictError
    (the case is closed). Asking the same team the same open question again returns the open
    consultation.
    """
    if not policies.may_run(actor, case, "cases.investigate_case"):
        raise PermissionDeniedError(_("You may not consult other teams on this case."))
    text = _required(question, "question")[:QUESTION_MAX_LENGTH]
    now = asked_at or timezone.now()
    due = due_at or now + timedelta(days=settings.CONSULTATION_DUE_DAYS)
    if due <= now:
        raise ApplicationError(
            _("The answer must be due in the future."),
            extra={"errors": {"due_at": [_("Choose a later date.")]}},
        )
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state in TERMINAL_STATES:
            raise ConflictError(_("This case is closed; nobody can be consulted on it."))
        existing = Consultation.objects.filter(
            case=locked, team=team, question=text, status=ConsultationStatus.OPEN
        ).first()
        if existing is not None:
            return existing
        consultation = Consultation(
            case=locked,
            team=team,
            question=text,
            due_at=due,
            asked_by=actor_user(actor),
            asked_by_label=actor_label(actor),
            created_at=now,
        )
        stamp(consultation, actor=actor, reason=f"Consultation asked of {team.code}")
        consultation.save()
        assign_perm("view_case", team.group, locked)
        case_event_record(
            case=locked,
            type=CaseEventType.CONSULTATION_REQUESTED,
            actor=actor,
            data={
                "consultation": consultation.pk,
                "team": team.code,
                "due_at": due.isoformat(),
            },
        )
    return consultation


def _revoke_if_unneeded(consultation: Consultation) -> bool:
    """Remove the team's view grant unless the team still needs it. Returns whether removed."""
    case = consultation.case
    still_open = (
        Consultation.objects.filter(
            case_id=case.pk, team_id=consultation.team_id, status=ConsultationStatus.OPEN
        )
        .exclude(pk=consultation.pk)
        .exists()
    )
    if case.team_id == consultation.team_id or still_open:
        return False
    remove_perm("view_case", consultation.team.group, case)
    return True


def _close(
    consultation: Consultation,
    *,
    status: str,
    actor: Actor,
    reason: str,
    event: CaseEventType,
    **data: Any,
) -> Consultation:
    consultation.status = status
    consultation.closed_at = timezone.now()
    stamp(consultation, actor=actor, reason=reason)
    consultation.save()
    revoked = _revoke_if_unneeded(consultation)
    case_event_record(
        case=consultation.case,
        type=event,
        actor=actor,
        data={
            "consultation": consultation.pk,
            "team": consultation.team.code,
            "access_revoked": revoked,
            **data,
        },
    )
    return consultation


def _lock_open(consultation: Consultation) -> Consultation:
    locked = (
        Consultation.objects.select_for_update()
        .select_related("team", "case")
        .get(pk=consultation.pk)
    )
    if locked.status != ConsultationStatus.OPEN:
        raise ConflictError(
            _("This consultation is already %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


def consultation_answer(
    *,
    consultation: Consultation,
    actor: Any,
    answer: str,
    file_name: str = "",
    file_content: bytes | None = None,
) -> Consultation:
    """The consulted team answers; an attached file becomes evidence of the case.

    Raises PermissionDeniedError (not a member of the consulted team with the answer
    permission), ApplicationError (empty answer, a refused file), ConflictError (already
    answered, withdrawn or lapsed: the second of two answers loses and nothing of it is kept).
    """
    if not may_answer(actor, consultation):
        raise PermissionDeniedError(_("Only the consulted team may answer this consultation."))
    text = _required(answer, "answer")
    # The answerer's permission is the consulted team's (above), so the check is made here.
    staff_write_check(case=consultation.case, actor=actor, act="consultation_answer")
    with staff_write_scope(consultation.case, actor), transaction.atomic():
        locked = _lock_open(consultation)
        attached = None
        if file_content is not None:
            attached = evidence_add(
                case=locked.case,
                actor=actor,
                name=file_name or "answer",
                content=file_content,
                channel=Channel.STAFF,
                description=_("Answer of %(team)s to consultation #%(n)s")
                % {"team": locked.team.name, "n": locked.pk},
            )
        locked.answer = text
        locked.answered_by = actor_user(actor)
        locked.answered_by_label = actor_label(actor)
        locked.answered_at = timezone.now()
        locked.answer_evidence = attached
        return _close(
            locked,
            status=ConsultationStatus.ANSWERED,
            actor=actor,
            reason="Consultation answered",
            event=CaseEventType.CONSULTATION_ANSWERED,
            evidence=attached.pk if attached else None,
        )


@staff_write(
    "consultation_withdraw",
    case_of=lambda kwargs: kwargs["consultation"].case,
    may=lambda actor, case: policies.may_run(actor, case, "cases.investigate_case"),
    denied=gettext_lazy("You may not withdraw this consultation."),
)
def consultation_withdraw(*, consultation: Consultation, actor: Any, reason: str) -> Consultation:
    """The handler no longer needs the answer. Raises PermissionDeniedError / ConflictError."""
    if not policies.may_run(actor, consultation.case, "cases.investigate_case"):
        raise PermissionDeniedError(_("You may not withdraw this consultation."))
    why = _required(reason, "reason")
    with transaction.atomic():
        return _close(
            _lock_open(consultation),
            status=ConsultationStatus.WITHDRAWN,
            actor=actor,
            reason=why[:100],
            event=CaseEventType.CONSULTATION_WITHDRAWN,
        )


def consultations_lapse_for_case(*, case: Case, actor: Actor) -> int:
    """The case ended: its open consultations lapse and the teams lose their access. Runs inside
    the transition's transaction."""
    lapsed = 0
    for consultation in (
        Consultation.objects.select_for_update()
        .select_related("team", "case")
        .filter(case_id=case.pk, status=ConsultationStatus.OPEN)
    ):
        _close(
            consultation,
            status=ConsultationStatus.LAPSED,
            actor=actor,
            reason="The case ended",
            event=CaseEventType.CONSULTATION_LAPSED,
        )
        lapsed += 1
    return lapsed


def consultations_overdue(*, team_ids: list[int] | None = None):
    """Open consultations past their due date, oldest first (index `consultation_status_due`)."""
    qs = Consultation.objects.filter(status=ConsultationStatus.OPEN, due_at__lt=timezone.now())
    if team_ids is not None:
        qs = qs.filter(team_id__in=team_ids)
    return qs.select_related("team", "case").order_by("due_at", "id")


def consultations_flag_overdue(*, actor: Actor = OVERDUE_ACTOR) -> int:
    """Flag each newly overdue consultation once: an event on the case and an email to the
    consulted team's lead after commit. Idempotent (`overdue_notified_at`)."""
    flagged = 0
    for pk in list(
        consultations_overdue()
        .filter(overdue_notified_at__isnull=True)
        .values_list("pk", flat=True)[:500]
    ):
        with transaction.atomic():
            consultation = (
                Consultation.objects.select_for_update(of=("self",))
                .select_related("team", "case")
                .filter(pk=pk, status=ConsultationStatus.OPEN, overdue_notified_at__isnull=True)
                .first()
            )
            if consultation is None:
                continue
            consultation.overdue_notified_at = timezone.now()
            stamp(consultation, actor=actor, reason="Overdue: team lead told")
            consultation.save()
            case_event_record(
                case=consultation.case,
                type=CaseEventType.CONSULTATION_OVERDUE,
                actor=actor,
                data={"consultation": pk, "team": consultation.team.code},
            )
            if consultation.team.lead_id:
                transaction.on_commit(lambda pk=pk: _enqueue_lead_notice(pk), robust=True)
            flagged += 1
    return flagged


def _enqueue_lead_notice(consultation_id: int) -> None:
    task_enqueue("cases.tasks.consultation_notify_lead", consultation_id)


def consultation_lead_notice_send(*, consultation_id: int, actor: Actor = OVERDUE_ACTOR) -> bool:
    """Email the consulted team's lead that an answer is overdue (the reference and the team
    only: no personal data of the customer). Sends once: the row is locked and marked in the
    same transaction, so a re-delivered task finds it sent."""
    with transaction.atomic():
        consultation = (
            Consultation.objects.select_for_update(of=("self",))
            .select_related("team__lead", "case")
            .filter(
                pk=consultation_id,
                status=ConsultationStatus.OPEN,
                lead_notice_sent_at__isnull=True,
            )
            .first()
        )
        lead = consultation.team.lead if consultation else None
        if consultation is None or lead is None or not lead.is_active or not lead.email:
            return False
        EmailMessage(
            subject=_("[%(ref)s] Consultation overdue: %(team)s")
            % {"ref": consultation.case.reference, "team": consultation.team.name},
            body=_(
                "Your team was asked a question about case %(ref)s, due %(due)s UTC, and has "
                "not answered yet. Please make sure someone answers it in the back office."
            )
            % {
                "ref": consultation.case.reference,
                "due": consultation.due_at.strftime("%Y-%m-%d %H:%M"),
            },
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[lead.email],
            headers={"Auto-Submitted": "auto-generated"},
        ).send()
        consultation.lead_notice_sent_at = timezone.now()
        stamp(consultation, actor=actor, reason="Overdue notice sent to the team lead")
        consultation.save()
        return True
