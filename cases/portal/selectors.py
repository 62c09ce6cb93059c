"""Reads for the portal: what a customer may see of their own case, in customer wording.

Every function takes a case already obtained through `case_get_for_customer`, so reach is
settled before these run. Internal notes, staff names and event data never leave here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.enums import (
    EXECUTED_ACTION_KINDS,
    TRANSITION_EVENT_PREFIX,
    ActionExecutionState,
    ActionKind,
    CaseEventType,
    CaseState,
    OfferOutcome,
    OfferState,
)
from cases.lib.money import amount_display
from cases.models import (
    Case,
    CaseEvent,
    Notification,
    NotificationChannel,
    OfferAction,
    ResolutionOffer,
)
from cases.selectors.history import TimelineEntry
from cases.selectors.resolution import CUSTOMER_OFFER_STATES, offers_for_customer

# CaseState -> the plain words a customer reads. Several internal steps look the same from
# outside (responsibility determined is still "investigating" for the customer).
CUSTOMER_STATUS = {
    CaseState.RECEIVED: _("Received"),
    CaseState.ASSESSING: _("Being reviewed"),
    CaseState.INVESTIGATING: _("Investigating"),
    CaseState.RESPONSIBILITY_DETERMINED: _("Investigating"),
    CaseState.AWAITING_CUSTOMER: _("Waiting for you"),
    CaseState.RESOLUTION_PROPOSED: _("Proposal ready for you"),
    CaseState.PROPOSAL_REJECTED: _("Revising the proposal"),
    CaseState.RESOLUTION_ACCEPTED: _("Proposal accepted"),
    CaseState.EXECUTING: _("Carrying out the resolution"),
    CaseState.RESOLVED: _("Resolved"),
    CaseState.FINAL_RESPONSE: _("Final response issued"),
    CaseState.IN_ARBITRATION: _("With an arbitration body"),
    CaseState.REOPENED: _("Reopened"),
    CaseState.CLOSED: _("Closed"),
    CaseState.OUT_OF_SCOPE: _("Outside what we can handle"),
    CaseState.WITHDRAWN: _("Withdrawn"),
}


def customer_status(state: str) -> str:
    return str(CUSTOMER_STATUS.get(state, _("In progress")))


def case_timeline_for_customer(*, case: Case) -> list[TimelineEntry]:
    """The status steps of the case, oldest first: its opening and every transition, in customer
    wording. One query; consecutive steps with the same wording are shown once."""
    events = (
        CaseEvent.objects.filter(case=case)
        .filter(Q(type=CaseEventType.OPENED) | Q(type__startswith=TRANSITION_EVENT_PREFIX))
        .order_by("created_at", "id")
        .values_list("type", "to_state", "created_at")
    )
    steps: list[TimelineEntry] = []
    for type_, to_state, at in events:
        state = CaseState.RECEIVED if type_ == CaseEventType.OPENED else to_state
        status = customer_status(state)
        if steps and steps[-1].title == status:
            continue
        steps.append(TimelineEntry(when=at, kind="case", title=status))
    return steps


def notifications_for_customer(*, case: Case, user: Any) -> QuerySet[Notification]:
    """The portal notifications of this case addressed to this user, newest first."""
    return Notification.objects.filter(
        case=case, channel=NotificationChannel.PORTAL, recipient_user=user
    ).select_related("case")


def inbox_for_customer(*, user: Any) -> QuerySet[Notification]:
    """The user's portal inbox: their portal notifications across all their cases, newest
    first, each with its case (one query per page)."""
    return (
        Notification.objects.filter(recipient_user=user, channel=NotificationChannel.PORTAL)
        .select_related("case")
        .order_by("-created_at", "-id")
    )


def inbox_item_for_customer(*, user: Any, notification_id: int) -> Notification | None:
    """One notification of the user's inbox, or None (someone else's, an email row, unknown)."""
    return inbox_for_customer(user=user).filter(pk=notification_id).first()


def inbox_unread_count(*, user: Any) -> int:
    """How many of the user's portal notifications are unread: one COUNT on the
    (recipient, channel, time) index."""
    return Notification.objects.filter(
        recipient_user=user, channel=NotificationChannel.PORTAL, read_at__isnull=True
    ).count()


# --- The offer (step 5) and what is carried out (step 6), in customer wording -----------------

# How an action stands at the exchange, as the customer reads it.
ACTION_PROGRESS = {
    ActionExecutionState.NOT_STARTED: _("Not started yet"),
    ActionExecutionState.QUEUED: _("Scheduled"),
    ActionExecutionState.RUNNING: _("Being carried out at the exchange"),
    ActionExecutionState.NEEDS_ATTENTION: _("Delayed: our team is looking into it"),
    ActionExecutionState.DONE: _("Done"),
    ActionExecutionState.CANCELLED: _("Cancelled"),
    ActionExecutionState.NOT_NEEDED: _("Nothing to carry out at the exchange"),
}

# The end an offer met, as the customer reads it.
OFFER_ANSWER = {
    OfferState.SENT: _("Waiting for your answer"),
    OfferState.ACCEPTED: _("You accepted it"),
    OfferState.REJECTED: _("You rejected it"),
    OfferState.EXPIRED: _("Expired without an answer"),
    OfferState.WITHDRAWN: _("Withdrawn with your complaint"),
}


def amount_text(action: OfferAction) -> str:
    """ "0.0125 BTC": the amount with the asset's own places, or "" for an action without."""
    if action.amount is None or action.asset is None:
        return ""
    return f"{amount_display(action.amount, decimals=action.asset.decimals)} {action.asset.code}"


@dataclass(frozen=True)
class ActionLine:
    """One action of an offer as the customer reads it."""

    kind: str
    label: Any
    amount: str
    detail: str
    applies_to: str
    executed: bool
    state: str
    progress: Any
    reference: str
    done_at: datetime | None


@dataclass(frozen=True)
class OfferView:
    """One version of the offer as the customer reads it."""

    version: int
    state: str
    summary: str
    outcome: Any
    answer: Any
    sent_at: datetime | None
    expires_at: datetime | None
    decided_at: datetime | None
    decision_reason: str
    actions: tuple[ActionLine, ...]
    open: bool

    @property
    def carried_out(self) -> tuple[ActionLine, ...]:
        """The actions the exchange carries out (refunds, unfreezes ...), not the advice."""
        return tuple(a for a in self.actions if a.executed)


@dataclass(frozen=True)
class OfferPanel:
    """The case page's offer section: the latest version and the earlier ones."""

    current: OfferView | None
    past: tuple[OfferView, ...]
    resolved: bool


def _action_line(action: OfferAction) -> ActionLine:
    return ActionLine(
        kind=action.kind,
        label=ActionKind(action.kind).label,
        amount=amount_text(action),
        detail=action.detail,
        applies_to=action.target_reference,
        executed=action.kind in EXECUTED_ACTION_KINDS,
        state=action.execution_state,
        progress=ACTION_PROGRESS.get(action.execution_state, ""),
        reference=action.ledger_reference
        if action.execution_state == ActionExecutionState.DONE
        else "",
        done_at=action.done_at,
    )


def offer_view(offer: ResolutionOffer, *, now: datetime | None = None) -> OfferView:
    """The customer's view of one offer (its actions prefetched)."""
    now = now or timezone.now()
    return OfferView(
        version=offer.version,
        state=offer.state,
        summary=offer.summary,
        outcome=OfferOutcome(offer.outcome).label,
        answer=OFFER_ANSWER.get(offer.state, ""),
        sent_at=offer.sent_at,
        expires_at=offer.expires_at,
        decided_at=offer.decided_at,
        decision_reason=offer.decision_reason,
        actions=tuple(_action_line(a) for a in offer.actions.all()),
        open=offer.state == OfferState.SENT
        and (offer.expires_at is None or offer.expires_at > now),
    )


def offer_panel_for_customer(*, case: Case) -> OfferPanel:
    """The offers of a case the customer reaches (`case_get_for_customer`), newest first: two
    queries whatever their number."""
    now = timezone.now()
    views = [offer_view(offer, now=now) for offer in offers_for_customer(case=case)]
    return OfferPanel(
        current=views[0] if views else None,
        past=tuple(views[1:]),
        resolved=case.resolved_at is not None,
    )


def offer_get_for_customer(*, case: Case, version: int) -> ResolutionOffer | None:
    """One version of the offer of a case the customer reaches, if it was put to them."""
    return offers_for_customer(case=case).filter(version=version).first()


def offer_get_for_link(*, reference: str, offer_id: int) -> ResolutionOffer | None:
    """The offer a signed link names, with its case and actions, if it was put to the customer.
    The caller checks the link's claim against it (`claim_matches`) before showing anything."""
    return (
        ResolutionOffer.objects.filter(
            pk=offer_id, case__reference=reference, state__in=CUSTOMER_OFFER_STATES
        )
        .select_related("case")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=OfferAction.objects.select_related("asset").order_by("position"),
            )
        )
        .first()
    )


def offer_superseded(*, offer: ResolutionOffer) -> bool:
    """A later version of the offer was put to the customer."""
    return ResolutionOffer.objects.filter(
        case_id=offer.case_id, version__gt=offer.version, state__in=CUSTOMER_OFFER_STATES
    ).exists()
