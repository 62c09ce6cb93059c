"""Who may issue and read the final response letter, and until when a customer may reopen a
resolved case. Pure predicates over users, cases and the clock."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from cases.enums import CaseState
from cases.policies.access import is_active_staff, may_reach_case, may_run
from complaints_site.common.actors import SystemActor

if TYPE_CHECKING:
    from cases.models import Case


def may_issue_final_response(user: Any, case: Case) -> bool:
    """Team leads (the `issue_final_response` capability) on a case within their reach; never
    a process (a letter is signed by a person)."""
    return (
        not isinstance(user, SystemActor)
        and is_active_staff(user)
        and may_run(user, case, "cases.issue_final_response")
    )


def may_issue_regulatory_letter(user: Any, case: Case) -> bool:
    """Who may send a holding reply or a delay notice: whoever may issue the final response
    it defers (a team lead on a case within reach; never a process)."""
    return may_issue_final_response(user, case)


def may_read_letter(user: Any, case: Case) -> bool:
    """Staff who reach the case read (and download) its letter; auditors through their reach
    over every case."""
    return may_reach_case(user, case)


def reopen_deadline(case: Case) -> datetime | None:
    """When the customer's right to reopen the resolved case ends (None: not resolved)."""
    if case.state != CaseState.RESOLVED or case.resolved_at is None:
        return None
    return case.resolved_at + settings.REOPEN_WINDOW


def may_customer_reopen(case: Case, *, now: datetime | None = None) -> bool:
    """A resolved case, within REOPEN_WINDOW of its resolution (the `reopen` transition's
    own condition, asked before offering the button)."""
    deadline = reopen_deadline(case)
    return deadline is not None and (now or timezone.now()) <= deadline
