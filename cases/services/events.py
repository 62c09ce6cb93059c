from __future__ import annotations

from typing import Any

from cases.models import Case, CaseEvent
from complaints_site.common.actors import Actor, actor_label, actor_user


def case_event_record(
    *,
    case: Case,
    type: str,
    actor: Actor,
    reason: str = "",
    from_state: str = "",
    to_state: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append one domain event to the case's ledger."""
    return CaseEvent.objects.create(
        case=case,
        type=type,
        actor=actor_user(actor),
        actor_label=actor_label(actor),
        reason=reason,
        from_state=from_state,
        to_state=to_state,
        data=data or {},
    )
