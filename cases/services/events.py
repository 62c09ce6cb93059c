"""The writer of the case's domain-event ledger (`CaseEvent`), under every other service."""

from __future__ import annotations

from typing import Any

from cases.enums import CaseEventType
from cases.models import Case, CaseEvent
from complaints_site.common.actors import Actor, actor_label, actor_user


def case_event_record(
    *,
    case: Case,
    type: CaseEventType,
    actor: Actor,
    reason: str = "",
    from_state: str = "",
    to_state: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append one domain event to the case's ledger.

    `type` must be a `CaseEventType` member: a plain string (even one equal to a member's
    value) raises TypeError, so a new event type is added to the one vocabulary first.
    """
    if not isinstance(type, CaseEventType):
        raise TypeError(f"case_event_record takes a CaseEventType, not {type!r}")
    return CaseEvent.objects.create(
        case=case,
        type=type.value,
        actor=actor_user(actor),
        actor_label=actor_label(actor),
        reason=reason,
        from_state=from_state,
        to_state=to_state,
        data=data or {},
    )
