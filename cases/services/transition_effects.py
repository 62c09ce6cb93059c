"""What a transition does besides moving the case: the messages and notifications that go
with it. `cases.services.lifecycle.TRANSITIONS` names each effect as a callable; it runs inside
the transition's transaction after the state changed and before the case is saved, so fields
it sets (the first-response time of a question) go into the transition's one history row.

Every effect takes the same keyword arguments (`TransitionEffect`).
"""

from __future__ import annotations

from typing import Any, Protocol

from cases.enums import CaseEventType
from cases.models import Case
from cases.services.messages import message_write_staff
from cases.services.notifications import notification_queue
from complaints_site.common.actors import Actor


class TransitionEffect(Protocol):
    def __call__(
        self, *, case: Case, actor: Actor, from_state: str, inputs: dict[str, Any]
    ) -> None: ...


def after_request_info(
    *, case: Case, actor: Actor, from_state: str, inputs: dict[str, Any]
) -> None:
    """The question to the customer: a public message (email and portal)."""
    message_write_staff(
        case=case,
        actor=actor,
        body=inputs["info_request"],
        kind="case.info_requested",
        event=CaseEventType.INFO_REQUESTED,
    )


def after_close_unanswered(
    *, case: Case, actor: Actor, from_state: str, inputs: dict[str, Any]
) -> None:
    """Tell the customer the case was closed because the question went unanswered."""
    notification_queue(
        case=case,
        kind="case.closed_unanswered",
        cause=f"closed-unanswered-{case.closed_at:%Y%m%d%H%M%S}",
        actor=actor,
        context={"question": case.info_request[:4000]},
    )
