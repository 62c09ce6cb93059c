"""What a transition does besides moving the case: the messages and notifications that go
with it. `cases.services.lifecycle.TRANSITIONS` names each effect as a callable; it runs inside
the transition's transaction after the state changed and before the case is saved, so fields
it sets (the first-response time of a question) go into the transition's one history row.

Every effect takes the same keyword arguments (`TransitionEffect`).
"""

from __future__ import annotations

from typing import Any, Protocol

from cases.enums import EXECUTED_ACTION_KINDS, CaseEventType, OfferState
from cases.models import Case, ResolutionOffer
from cases.services.messages import message_write_staff
from cases.services.notifications import notification_queue
from cases.services.regulatory_letters import summary_resolution_send
from complaints_site.common.actors import Actor
from complaints_site.common.history import stamp


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


def action_idempotency_key(*, reference: str, version: int, position: int) -> str:
    """The key the exchange performs an action once by: the case, the offer version, the
    action. Derived, so every retry of every worker sends the same one."""
    return f"{reference}:v{version}:a{position}"


def after_propose_resolution(
    *, case: Case, actor: Actor, from_state: str, inputs: dict[str, Any]
) -> None:
    """Send the approved offer: its terms freeze (and every action that the exchange carries
    out gets its idempotency key now), the deadline starts, the customer is told by email and
    in the portal."""
    offer = ResolutionOffer.objects.select_for_update().get(case=case, state=OfferState.APPROVED)
    offer.send()
    stamp(offer, actor=actor, reason=f"Offer v{offer.version} sent to the customer")
    offer.save()
    for action in offer.actions.all():
        action.frozen = True
        if action.kind in EXECUTED_ACTION_KINDS:
            action.idempotency_key = action_idempotency_key(
                reference=case.reference, version=offer.version, position=action.position
            )
        stamp(action, actor=actor, reason=f"Offer v{offer.version} sent")
        action.save()
    case.resolution_summary = offer.summary
    notification_queue(
        case=case,
        kind="case.offer_sent",
        cause=f"offer-{offer.pk}-sent",
        actor=actor,
        context={"offer_id": offer.pk, "version": offer.version},
    )


def after_record_acceptance(
    *, case: Case, actor: Actor, from_state: str, inputs: dict[str, Any]
) -> None:
    """The customer accepted the offer: an FCA complaint resolved by the close of the third
    business day after receipt gets its summary resolution communication now (DISP 1.5), which
    also stops the regulator's clocks; elsewhere, or later, nothing here."""
    summary_resolution_send(case=case)


def after_withdraw(*, case: Case, actor: Actor, from_state: str, inputs: dict[str, Any]) -> None:
    """The customer withdrew the complaint: an offer with them is withdrawn, one being
    prepared is dropped."""
    for offer in ResolutionOffer.objects.select_for_update().filter(
        case=case,
        state__in=[
            OfferState.DRAFT,
            OfferState.AWAITING_APPROVAL,
            OfferState.REFUSED,
            OfferState.APPROVED,
            OfferState.SENT,
        ],
    ):
        offer.withdraw() if offer.state == OfferState.SENT else offer.discard()
        stamp(offer, actor=actor, reason="The customer withdrew the complaint")
        offer.save()
