"""Reads for steps 5 and 6: the precedents a handler sees while proposing, an offer with all
it needs on one page, the approver's queue and the execution attention queue."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Abs

from cases.enums import ActionExecutionState, ActionKind, CaseState, OfferState
from cases.lib.money import amount_display
from cases.models import (
    Asset,
    Case,
    CaseRecusal,
    Message,
    MessageDirection,
    OfferAction,
    OfferApproval,
    ResolutionOffer,
)
from cases.models.resolution import UNSENT
from cases.policies.approvals import may_approve_offers
from cases.selectors.history import record_history

# The messages listed when staff record an answer the customer gave another way.
CITABLE_MESSAGES_MAX = 200


@dataclass(frozen=True)
class Precedent:
    reference: str
    usd_total: Decimal
    outcome: str
    actions: str
    resolved_at: str

    def as_json(self) -> dict[str, str]:
        return {
            "reference": self.reference,
            "usd_total": format(self.usd_total, "f"),
            "outcome": self.outcome,
            "actions": self.actions,
            "resolved_at": self.resolved_at,
        }


def action_phrase(action: OfferAction) -> str:
    """ "Refund 0.0125 BTC" / "Account unfreeze": the action as people read it."""
    label = str(ActionKind(action.kind).label)
    if action.amount is not None and action.asset is not None:
        amount = amount_display(action.amount, decimals=action.asset.decimals)
        return f"{label} {amount} {action.asset.code}"
    return label


def precedents_for(*, case: Case, usd_total: Decimal, limit: int | None = None) -> list[Precedent]:
    """Similar earlier cases and what they received: resolved or closed cases of the same
    category and responsibility finding whose offer was accepted, the nearest in dollar value
    first. Excludes the case itself. One query for the offers and one for their actions."""
    limit = limit or settings.PRECEDENT_COUNT
    offers = (
        ResolutionOffer.objects.filter(
            state=OfferState.ACCEPTED,
            case__category=case.category,
            case__responsibility=case.responsibility,
            case__state__in=[CaseState.RESOLVED, CaseState.CLOSED],
        )
        .exclude(case_id=case.pk)
        .select_related("case")
        .prefetch_related(Prefetch("actions", queryset=OfferAction.objects.select_related("asset")))
        .annotate(distance=Abs(F("usd_total") - Value(usd_total)))
        .order_by("distance", "-decided_at")[:limit]
    )
    found = []
    for offer in offers:
        found.append(
            Precedent(
                reference=offer.case.reference,
                usd_total=offer.usd_total,
                outcome=offer.outcome,
                actions="; ".join(action_phrase(a) for a in offer.actions.all()),
                resolved_at=(offer.case.resolved_at or offer.decided_at).date().isoformat()
                if (offer.case.resolved_at or offer.decided_at)
                else "",
            )
        )
    return found


def departs_from(precedents: list[dict[str, str]] | list[Precedent], usd_total: Decimal) -> bool:
    """An offer departs from earlier decisions when none is comparable or its value lies
    outside theirs."""
    values = [
        Decimal(p.usd_total if isinstance(p, Precedent) else p["usd_total"]) for p in precedents
    ]
    if not values:
        return True
    return not (min(values) <= usd_total <= max(values))


def offers_of_case(*, case: Case) -> QuerySet[ResolutionOffer]:
    """Every version of the case's offer with its actions, their attempts and the approvals,
    for the case page (four queries whatever the count)."""
    return (
        ResolutionOffer.objects.filter(case=case)
        .select_related("proposer", "decision_recorded_by")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=OfferAction.objects.select_related("asset").prefetch_related(
                    "attempts_log"
                ),
            ),
            Prefetch("approvals", queryset=OfferApproval.objects.select_related("approver")),
        )
        .order_by("-version")
    )


# The versions the customer has been shown: sent, and whatever answer or end they met. Drafts,
# offers awaiting approval and dropped ones never leave the back office.
CUSTOMER_OFFER_STATES = (
    OfferState.SENT,
    OfferState.ACCEPTED,
    OfferState.REJECTED,
    OfferState.EXPIRED,
    OfferState.WITHDRAWN,
)


def offers_for_customer(*, case: Case) -> QuerySet[ResolutionOffer]:
    """The offers put to the customer of `case` (the caller has settled reach), newest first,
    with their actions and assets: two queries whatever the count. No approvals, no dollar
    values, no precedents: what the customer reads, and what the exchange's systems relay."""
    return (
        ResolutionOffer.objects.filter(case=case, state__in=CUSTOMER_OFFER_STATES)
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=OfferAction.objects.select_related("asset").order_by("position"),
            )
        )
        .order_by("-version")
    )


def offer_current(*, case: Case) -> ResolutionOffer | None:
    """The case's latest offer (any state), or None."""
    return ResolutionOffer.objects.filter(case=case).order_by("-version").first()


def offers_awaiting_approval_for(*, user: Any) -> QuerySet[ResolutionOffer]:
    """The approver's queue: offers awaiting approval that this person did not propose and has
    not yet answered in the current round, oldest first."""
    if not may_approve_offers(user):
        return ResolutionOffer.objects.none()
    answered = OfferApproval.objects.filter(
        offer=OuterRef("pk"), round=OuterRef("approval_round"), approver=user
    )
    # A bar from the case (a recusal in force) keeps its offers out of the person's queue.
    barred = CaseRecusal.objects.filter(user_id=user.pk, lifted_at__isnull=True).values("case_id")
    return (
        ResolutionOffer.objects.filter(state=OfferState.AWAITING_APPROVAL)
        .exclude(proposer=user)
        .exclude(case_id__in=barred)
        .annotate(answered=Exists(answered))
        .filter(answered=False)
        .select_related("case", "proposer", "case__team")
        .prefetch_related(Prefetch("actions", queryset=OfferAction.objects.select_related("asset")))
        .order_by("submitted_at", "pk")
    )


def offer_get_for_approver(*, user: Any, pk: Any) -> ResolutionOffer | None:
    """One offer of the person's approval queue with all the approval page shows: the case,
    its team and proposer, the actions with their assets, the approvals with their approvers
    (three queries). None when it is not in their queue (their own, answered, barred, gone)."""
    return (
        offers_awaiting_approval_for(user=user)
        .filter(pk=pk)
        .prefetch_related(
            Prefetch("approvals", queryset=OfferApproval.objects.select_related("approver"))
        )
        .first()
    )


def offer_get_for_case(*, case: Case, version: Any) -> ResolutionOffer | None:
    """One version of the case's offer (the caller has checked the case is within reach)."""
    return (
        ResolutionOffer.objects.filter(case=case, version=version)
        .select_related("case", "proposer")
        .first()
    )


def offer_open_exists(*, case: Case) -> bool:
    """Whether the case has an offer being prepared or with the customer (one at a time)."""
    return ResolutionOffer.objects.filter(case=case, state__in=[*UNSENT, OfferState.SENT]).exists()


def messages_citable_for_answer(*, case: Case) -> QuerySet[Message]:
    """The messages staff may cite as where the customer gave an answer another way: what the
    customer wrote and the internal notes (a call written down), the latest first, bounded."""
    return (
        Message.objects.filter(
            case=case, direction__in=[MessageDirection.INBOUND, MessageDirection.INTERNAL]
        )
        .select_related("author")
        .order_by("-created_at", "-id")[:CITABLE_MESSAGES_MAX]
    )


def actions_needing_attention_for(*, user: Any) -> QuerySet[OfferAction]:
    """Actions the exchange refused or that ran out of retries, oldest first: all of them for
    case-wide readers and superusers, else those of the teams the person leads; never those of
    a case the person is barred from."""
    rows = (
        OfferAction.objects.filter(execution_state=ActionExecutionState.NEEDS_ATTENTION)
        .select_related(
            "offer__case",
            "offer__case__team",
            "offer__case__assignee",
            "offer__proposer",
            "asset",
        )
        .order_by("updated_at", "pk")
    )
    if user.is_superuser:
        return rows
    barred = CaseRecusal.objects.filter(user_id=user.pk, lifted_at__isnull=True).values("case_id")
    rows = rows.exclude(offer__case_id__in=barred)
    if user.has_perm("cases.view_all_cases"):
        return rows
    return rows.filter(Q(offer__case__team__lead=user))


def offer_proposer_id(*, pk: Any) -> int | None:
    """Who proposed an offer (to tell a proposer why their own offer's approval page is
    refused, rather than a bare "not found")."""
    return ResolutionOffer.objects.filter(pk=pk).values_list("proposer_id", flat=True).first()


def assets_offered() -> list[tuple[str, str]]:
    """The assets an offer may pay in, as (code, "BTC · Bitcoin") choices: one query."""
    return [
        (asset.code, f"{asset.code} · {asset.name}")
        for asset in Asset.objects.filter(active=True).order_by("code")
    ]


def asset_history(*, pk: Any) -> tuple[Asset | None, list[tuple[Any, list]]]:
    """An asset and its history, newest first, with each record's field changes: two queries."""
    asset = Asset.objects.filter(pk=pk).first()
    return asset, (record_history(instance=asset) if asset is not None else [])


__all__ = [
    "CUSTOMER_OFFER_STATES",
    "Precedent",
    "action_phrase",
    "actions_needing_attention_for",
    "asset_history",
    "assets_offered",
    "departs_from",
    "messages_citable_for_answer",
    "offer_current",
    "offer_get_for_approver",
    "offer_get_for_case",
    "offer_open_exists",
    "offer_proposer_id",
    "offers_awaiting_approval_for",
    "offers_for_customer",
    "offers_of_case",
    "precedents_for",
]
