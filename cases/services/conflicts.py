"""Late conflicts: the records that reveal a conflict of interest after a case was opened (a
staff member's linked exchange account, a declaration, a participation in the act complained
of) and the sweep that then bars the person from every case it touches and takes those
assigned to them away from them.

Above assignment (the sweep unassigns) and recusal (it records the bars); the checks every act
passes are in `cases.services.recusal`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import policies
from cases.enums import NON_FINAL_STATES, CaseEventType
from cases.models import (
    Case,
    CaseParticipant,
    ConflictDeclaration,
    DeclarationStatus,
    StaffProfile,
)
from cases.policies.recusal import recusal_conflicts
from cases.services.assignment import case_assign
from cases.services.events import case_event_record
from cases.services.recusal import SWEEP_ACTOR, recusal_lead_notice_queue, recusal_record
from complaints_site.common.actors import Actor
from complaints_site.common.exceptions import ApplicationError, PermissionDeniedError
from complaints_site.common.history import stamp


def staff_profile_ensure(*, user: Any, actor: Actor, **fields: Any) -> StaffProfile:
    profile = StaffProfile.objects.filter(user=user).first() or StaffProfile(user=user)
    previous_account = profile.exchange_account_id
    changed = profile.pk is None
    for key, value in fields.items():
        if getattr(profile, key) != value:
            setattr(profile, key, value)
            changed = True
    linked_account = previous_account != profile.exchange_account_id
    if changed:
        stamp(profile, actor=actor, reason="Staff profile updated")
        profile.save()
    if linked_account and profile.exchange_account_id:
        # A newly linked own account may be a party of open cases: a late conflict.
        recusal_sweep_for_user(user=user)
    return profile


def recusal_sweep_for_user(*, user: Any, actor: Actor = SWEEP_ACTOR) -> list[Case]:
    """A conflict found late (a declaration, a linked account, a participant record): bar the
    person from every case it touches that is not final (`NON_FINAL_STATES`: executing, final
    response and arbitration included) at once, and take the ones assigned to them away
    from them (their object permissions go with the assignment), asking the team lead to
    reassign. Set-based: one query finds the cases by account, one by participation."""
    accounts = set(
        StaffProfile.objects.filter(user=user)
        .exclude(exchange_account_id="")
        .values_list("exchange_account_id", flat=True)
    ) | set(
        ConflictDeclaration.objects.filter(
            staff=user, status__in=(DeclarationStatus.PENDING, DeclarationStatus.ACCEPTED)
        )
        .exclude(exchange_account_id="")
        .values_list("exchange_account_id", flat=True)
    )
    by_account = Q(complainant_account_id__in=accounts) | Q(counterparty_account_id__in=accounts)
    by_part = Q(pk__in=CaseParticipant.objects.filter(user=user).values("case_id"))
    candidates = Case.objects.filter(state__in=NON_FINAL_STATES).filter(
        (by_account if accounts else Q(pk__in=[])) | by_part
    )
    touched = []
    for case in candidates.select_related("team"):
        conflicts = recusal_conflicts(case=case, user=user)
        if not conflicts:
            continue
        with transaction.atomic():
            for conflict in conflicts:
                recusal_record(case=case, user=user, conflict=conflict, actor=actor)
            if case.assignee_id == user.pk:
                case = case_assign(
                    case=case,
                    actor=actor,
                    reason=f"Recused: {conflicts[0].rule}",
                    team=case.team,
                    assignee=None,
                )
                needed = case_event_record(
                    case=case,
                    type=CaseEventType.REASSIGNMENT_NEEDED,
                    actor=actor,
                    reason=conflicts[0].sentence,
                    data={
                        "user": user.get_username(),
                        "lead": case.team.lead.get_username()
                        if case.team and case.team.lead_id
                        else None,
                    },
                )
                if case.team and case.team.lead_id:
                    transaction.on_commit(
                        lambda c=case.pk, lead=case.team.lead_id, e=needed.pk: (
                            recusal_lead_notice_queue(c, lead, e)
                        ),
                        robust=True,
                    )
        touched.append(case)
    return touched


@transaction.atomic
def conflict_declaration_submit(
    *,
    staff: Any,
    actor: Any,
    kind: str,
    exchange_account_id: str = "",
    related_party: str = "",
    details: str = "",
) -> ConflictDeclaration:
    """A staff member declares a conflict; it counts at once (pending review) and bars them
    from the cases it touches."""
    if actor.pk != staff.pk and not policies.may_override_recusal(actor):
        raise PermissionDeniedError(_("Staff declare their own conflicts."))
    if not (exchange_account_id.strip() or related_party.strip()):
        raise ApplicationError(
            _("Name the related account or party."),
            extra={"errors": {"exchange_account_id": [_("Required.")]}},
        )
    declaration = ConflictDeclaration(
        staff=staff,
        kind=kind,
        exchange_account_id=exchange_account_id.strip()[:64],
        related_party=related_party.strip()[:200],
        details=details,
    )
    stamp(declaration, actor=actor, reason="Declared")
    declaration.save()
    recusal_sweep_for_user(user=staff)
    return declaration


@transaction.atomic
def conflict_declaration_review(
    *, declaration: ConflictDeclaration, actor: Any, accept: bool, note: str
) -> ConflictDeclaration:
    """A compliance officer accepts or rejects a declaration, with a note.

    Four eyes: never the declarant's own declaration (rejecting it would lift their bars).
    Raises PermissionDeniedError (not a compliance officer, or the declarant), ApplicationError
    (no note).
    """
    if not policies.may_override_recusal(actor):
        raise PermissionDeniedError(_("Only a compliance officer may review declarations."))
    if policies.is_person_concerned(actor, declaration.staff_id):
        raise PermissionDeniedError(
            _(
                "Four eyes: you cannot review your own declaration. Another compliance officer "
                "must decide."
            )
        )
    text = (note or "").strip()
    if not text:
        raise ApplicationError(
            _("A note is required."), extra={"errors": {"note": [_("Required.")]}}
        )
    locked = ConflictDeclaration.objects.select_for_update().get(pk=declaration.pk)
    locked.status = DeclarationStatus.ACCEPTED if accept else DeclarationStatus.REJECTED
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.review_note = text
    stamp(locked, actor=actor, reason=text[:100])
    locked.save()
    if accept:
        recusal_sweep_for_user(user=locked.staff)
    return locked


@transaction.atomic
def case_participant_add(
    *, case: Case, user: Any, role: str, source: str, actor: Actor
) -> CaseParticipant:
    """Record that `user` took part in the action the case is about; they are recused."""
    participant = CaseParticipant.objects.filter(case=case, user=user, role=role).first()
    if participant is None:
        participant = CaseParticipant(case=case, user=user, role=role, source=source[:200])
        stamp(participant, actor=actor, reason="Participant recorded")
        participant.save()
    recusal_sweep_for_user(user=user)
    return participant
