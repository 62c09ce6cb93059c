"""Offers in tests: the people of maker-checker, a case at its finding, prices in the demo
ledger the gateway values offers with, and offer terms in a line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cases import roles
from cases.enums import CaseState
from tests.factories.cases import make_case, make_staff
from tests.factories.demo import LedgerPriceFactory
from tests.support.lifecycle import INPUTS, TO_INVESTIGATING, path_to

JUSTIFIED = "First case of its kind: the fee was charged by our fault."


@dataclass(frozen=True)
class People:
    handler: Any
    approver: Any
    approver2: Any
    lead: Any
    compliance: Any


def people(team) -> People:
    """A handler of `team` who proposes, and the approvers: two plain approvers, a team lead
    and a compliance officer."""
    return People(
        handler=make_staff(roles.CASE_HANDLER, teams=[team], username="hana"),
        approver=make_staff(roles.APPROVER, username="abel"),
        approver2=make_staff(roles.APPROVER, username="anna"),
        lead=make_staff(roles.TEAM_LEAD, teams=[team], username="leo"),
        compliance=make_staff(roles.COMPLIANCE_OFFICER, username="cleo"),
    )


def case_at_finding(team, handler, **overrides):
    """A case of `team` handled by `handler`, at its responsibility finding (an offer may be
    drafted)."""
    return make_case(
        team=team,
        assignee=handler,
        state_path=path_to(CaseState.RESPONSIBILITY_DETERMINED),
        **overrides,
    )


def price(symbol: str, value: str, *, ago: timedelta = timedelta(hours=1)):
    """A price of the demo exchange `ago` before now (the gateway serves it)."""
    return LedgerPriceFactory(symbol=symbol, price=Decimal(value), at=timezone.now() - ago)


def action(kind: str = "refund", asset: str = "USDT", amount: Any = "10", **extra):
    from cases.services.offers import ActionDraft

    if kind not in ("refund", "compensation", "voucher", "reverse_transaction"):
        asset, amount = "", None
        extra.setdefault("detail", "Turn on an authenticator app for sign-in.")
    return ActionDraft(kind=kind, asset=asset, amount=amount, **extra)


def terms(*actions, justification: str = JUSTIFIED, summary: str = "We refund the fee."):
    from cases.services.offers import OfferTerms

    return OfferTerms(
        summary=summary,
        outcome="upheld",
        actions=list(actions) or [action()],
        justification=justification,
    )


def usdt(amount: str, **kwargs):
    """Terms of one USDT refund (counted at par: no price needed)."""
    return terms(action("refund", "USDT", amount), **kwargs)


def submitted(case, handler, amount: str):
    """An offer of `amount` USDT drafted and submitted by `handler`."""
    from cases.services.offers import offer_draft, offer_submit

    offer = offer_draft(case=case, actor=handler, terms=usdt(amount))
    return offer_submit(offer=offer, actor=handler)


def resolved_precedent(team, *, refund: str, **overrides):
    """A resolved case whose accepted offer refunded `refund` USDT (the walk's default
    category and finding: trade dispute, platform system fault)."""
    return make_case(
        team=team,
        state_path=[
            *TO_INVESTIGATING,
            ("determine_responsibility", INPUTS["determine_responsibility"]),
            ("propose_resolution", {"refund": refund}),
            "record_acceptance",
            "start_execution",
            "complete_execution",
        ],
        **overrides,
    )
