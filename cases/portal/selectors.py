"""Reads for the portal: what a customer may see of their own case, in customer wording.

Every function takes a case already obtained through `case_get_for_customer`, so reach is
settled before these run. Internal notes, staff names and event data never leave here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cases.enums import TRANSITION_EVENT_PREFIX, CaseEventType, CaseState
from cases.models import Case, CaseEvent, Notification, NotificationChannel
from cases.selectors.history import TimelineEntry

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
