"""The recusal rules (seed section 二, 回避制度): pure reads, no writes.

Each rule has a stable code (recorded with every check) and a sentence that names it. They are
evaluated by `cases.services.recusal.recusal_check` wherever a person acts on a case:
assignment, every transition, approvals and quality review (later issues call the same check).

- ``own_account``: the person's own exchange account (`StaffProfile.exchange_account_id`) is the
  case's complainant or counterparty.
- ``related_party``: the person declared (pending or accepted) a related exchange account that is
  the complainant or counterparty.
- ``took_part``: the person is recorded as having taken part in the disputed action (froze the
  account, executed the transaction), or handled the earlier case this one appeals.
- ``approver_is_proposer`` and ``reviewer_is_handler``: for approvals and quality review.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from cases.enums import TRANSITION_EVENT_PREFIX
from cases.models import (
    Case,
    CaseEvent,
    CaseParticipant,
    ConflictDeclaration,
    DeclarationStatus,
    StaffProfile,
)

OWN_ACCOUNT = "own_account"
RELATED_PARTY = "related_party"
TOOK_PART = "took_part"
APPROVER_IS_PROPOSER = "approver_is_proposer"
REVIEWER_IS_HANDLER = "reviewer_is_handler"

RULES = {
    OWN_ACCOUNT: _("Own account: the case is about this person's own exchange account."),
    RELATED_PARTY: _("Related party: this person declared a link to a party of the case."),
    TOOK_PART: _("Took part: this person took part in the action the case is about."),
    APPROVER_IS_PROPOSER: _("Maker-checker: an approver never approves their own proposal."),
    REVIEWER_IS_HANDLER: _("Quality review: a reviewer never reviews a case they handled."),
}


@dataclass(frozen=True)
class Conflict:
    rule: str
    detail: str

    @property
    def sentence(self) -> str:
        return str(RULES[self.rule])


def _parties(case: Case) -> set[str]:
    return {a for a in (case.complainant_account_id, case.counterparty_account_id) if a}


def recusal_conflicts(*, case: Case, user: Any) -> list[Conflict]:
    """Every rule that bars `user` from acting on `case` (three small indexed queries)."""
    conflicts: list[Conflict] = []
    parties = _parties(case)
    if parties:
        own = (
            StaffProfile.objects.filter(user=user, exchange_account_id__in=parties)
            .values_list("exchange_account_id", flat=True)
            .first()
        )
        if own:
            conflicts.append(Conflict(OWN_ACCOUNT, f"account {own}"))
        declared = (
            ConflictDeclaration.objects.filter(
                staff=user,
                exchange_account_id__in=parties,
                status__in=(DeclarationStatus.PENDING, DeclarationStatus.ACCEPTED),
            )
            .values_list("pk", flat=True)
            .first()
        )
        if declared:
            conflicts.append(Conflict(RELATED_PARTY, f"declaration {declared}"))
    took_part = CaseParticipant.objects.filter(case=case, user=user).values_list("role", flat=True)
    role = took_part.first()
    if role:
        conflicts.append(Conflict(TOOK_PART, role))
    elif case.appeal_of_id and Case.objects.filter(pk=case.appeal_of_id, assignee=user).exists():
        conflicts.append(Conflict(TOOK_PART, "handled the earlier case"))
    return conflicts


def approver_conflict(*, approver: Any, proposer: Any) -> Conflict | None:
    """Maker-checker for approvals of money out (the resolution issue calls this)."""
    if approver is not None and proposer is not None and approver.pk == proposer.pk:
        return Conflict(APPROVER_IS_PROPOSER, "same person")
    return None


def reviewer_conflict(*, case: Case, reviewer: Any) -> Conflict | None:
    """A quality reviewer is never the case's handler nor anyone who moved it along."""
    if case.assignee_id == reviewer.pk:
        return Conflict(REVIEWER_IS_HANDLER, "assignee")
    if CaseEvent.objects.filter(
        case=case, actor=reviewer, type__startswith=TRANSITION_EVENT_PREFIX
    ).exists():
        return Conflict(REVIEWER_IS_HANDLER, "ran a transition")
    return None
