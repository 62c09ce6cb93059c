"""Offers put in words for the staff pages: names instead of ids, labels instead of codes,
amounts with their asset's places, dollar values, the rates used and their time. Pure
functions over objects the caller has loaded (no query, except `finding`, which reads the
cited evidence)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.enums import (
    ActionExecutionState,
    ActionKind,
    ApprovalDecision,
    ApproverCapacity,
    AttemptOutcome,
    DecisionChannel,
    OfferOutcome,
    OfferState,
    ResponsibilityParty,
)
from cases.lib.money import amount_display
from cases.models import Case, Message, OfferAction, ResolutionOffer
from cases.policies.approvals import approval_tiers, missing_capacities
from cases.selectors.investigation import evidence_cited_for_staff


def person(user: Any) -> str:
    """A staff member as colleagues know them: the full name, else the username."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def usd(value: Decimal | str | None) -> str:
    """A dollar value with cents and grouped thousands: "12,500.00 USD"."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return _("%(amount)s USD") % {"amount": amount_display(amount, decimals=2)}


def money(action: OfferAction) -> str:
    """The action's amount with its asset's places: "0.0125 BTC"; empty without an amount."""
    if action.amount is None or action.asset is None:
        return ""
    return f"{amount_display(action.amount, decimals=action.asset.decimals)} {action.asset.code}"


def when(text: str | None) -> datetime | None:
    """A stored ISO time (a rate's, a precedent's) as a datetime, for the template's format."""
    if not text:
        return None
    return parse_datetime(str(text))


def rate(action: OfferAction, rates: dict[str, Any]) -> dict[str, Any] | None:
    """The dollar rate the action was valued at: "1 BTC = 64,210.5 USD", where it came from,
    and when."""
    if action.asset is None or action.usd_rate is None:
        return None
    stored = rates.get(action.asset.code) or {}
    price = amount_display(action.usd_rate, decimals=18 if action.usd_rate % 1 else 2)
    at_par = stored.get("source") == "par"
    return {
        "text": _("1 %(asset)s = %(price)s USD") % {"asset": action.asset.code, "price": price},
        "source": _("at par with the US dollar")
        if at_par
        else " · ".join(x for x in (stored.get("source", ""), stored.get("symbol", "")) if x),
        "at": None if at_par else when(stored.get("at")),
    }


def precedent_rows(precedents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The similar earlier cases as stored with an offer (or found now), in words."""
    return [
        {
            "reference": p.get("reference", ""),
            "value": usd(p.get("usd_total")),
            "outcome": _label(OfferOutcome, p.get("outcome", "")),
            "actions": p.get("actions", ""),
            "resolved": parse_date(p.get("resolved_at") or "") if p.get("resolved_at") else None,
        }
        for p in precedents
    ]


def precedent_range(precedents: list[dict[str, Any]]) -> tuple[str, str] | None:
    """The lowest and highest dollar value of the precedents, or None when there are none."""
    values = []
    for p in precedents:
        try:
            values.append(Decimal(str(p.get("usd_total"))))
        except InvalidOperation:
            continue
    if not values:
        return None
    return usd(min(values)), usd(max(values))


def _roles(codes: list[str]) -> list[str]:
    return [_label(ApproverCapacity, code) for code in codes]


def tier_text(offer: ResolutionOffer) -> str:
    """What approval the offer's value needs, in words (known once it is submitted)."""
    if offer.submitted_at is None and offer.state == OfferState.DRAFT:
        return ""
    if not offer.approvals_required:
        return _("No approval needed at this value.")
    text = ngettext(
        "%(n)s approval by an approver other than the proposer",
        "%(n)s approvals by different approvers other than the proposer",
        offer.approvals_required,
    ) % {"n": offer.approvals_required}
    roles = _roles(offer.approval_roles or [])
    if roles:
        text += _(", among them: %(roles)s") % {"roles": ", ".join(roles)}
    above = next((t.above for t in approval_tiers() if t.name == offer.approval_tier), None)
    if above is not None:
        text += _(" (value above %(usd)s)") % {"usd": usd(above)}
    return text + "."


def _current_approvals(offer: ResolutionOffer) -> list[Any]:
    return [a for a in offer.approvals.all() if a.round == offer.approval_round]


def missing_text(offer: ResolutionOffer) -> str:
    """What an offer awaiting approval still lacks: approvers, and roles not yet covered."""
    if offer.state != OfferState.AWAITING_APPROVAL:
        return ""
    given = [
        (a.approver_id, a.capacities)
        for a in _current_approvals(offer)
        if a.decision == ApprovalDecision.APPROVED
    ]
    people, roles = missing_capacities(
        required=offer.approvals_required,
        required_roles=offer.approval_roles or [],
        approvals=given,
    )
    parts = []
    if people:
        parts.append(
            ngettext("%(n)s more approval", "%(n)s more approvals", people) % {"n": people}
        )
    if roles:
        parts.append(_("an approval by: %(roles)s") % {"roles": ", ".join(_roles(roles))})
    if not parts:
        return ""
    return _("Still missing: %(what)s.") % {"what": "; ".join(parts)}


def approval_rounds(offer: ResolutionOffer) -> list[dict[str, Any]]:
    """The approvals by round, the current round first; earlier rounds were voided by an edit."""
    rounds: dict[int, list[dict[str, Any]]] = {}
    for approval in offer.approvals.all():
        rounds.setdefault(approval.round, []).append(
            {
                "approver": person(approval.approver),
                "decision": _label(ApprovalDecision, approval.decision),
                "approved": approval.decision == ApprovalDecision.APPROVED,
                "capacities": ", ".join(_roles(approval.capacities or [])),
                "reason": approval.reason,
                "at": approval.created_at,
            }
        )
    return [
        {"round": number, "current": number == offer.approval_round, "approvals": rows}
        for number, rows in sorted(rounds.items(), reverse=True)
    ]


def message_choice(message: Message, *, with_author: bool = True) -> str:
    """A message as one line to choose from: time, what it is (from the customer, an internal
    note), who wrote it (when its author is loaded) and its first words."""
    words = Truncator(" ".join((message.body or "").split())).chars(70)
    parts = [f"{message.created_at:%Y-%m-%d %H:%M}", message.get_direction_display()]
    if with_author:
        parts.append(person(message.author) if message.author_id else message.author_label)
    return " · ".join([*parts, words])


def _cited_message(offer: ResolutionOffer, messages_by_id: dict[int, Message]) -> Any:
    kind, _sep, pk = (offer.decision_source or "").partition(":")
    if kind != "message" or not pk.isdigit():
        return None
    message = messages_by_id.get(int(pk))
    if message is None:
        return {"text": "", "anchor": ""}
    return {
        "text": message_choice(message, with_author=False),
        "anchor": f"#message-{message.pk}",
    }


def answer(offer: ResolutionOffer, messages_by_id: dict[int, Message]) -> dict[str, Any] | None:
    """The customer's answer: when, through what, why; who recorded it and where it came."""
    if offer.decided_at is None:
        return None
    staff = offer.decision_channel == DecisionChannel.STAFF
    return {
        "state": _label(OfferState, offer.state),
        "at": offer.decided_at,
        "channel": _label(DecisionChannel, offer.decision_channel)
        if offer.decision_channel
        else "",
        "reason": offer.decision_reason,
        "recorded_by": person(offer.decision_recorded_by) if staff else "",
        "cited": _cited_message(offer, messages_by_id) if staff else None,
    }


def _attempt(attempt: Any) -> dict[str, Any]:
    return {
        "number": attempt.number,
        "outcome": _label(AttemptOutcome, attempt.outcome),
        "status_code": attempt.status_code,
        "detail": attempt.detail,
        "replayed": attempt.replayed,
        "started": attempt.started_at,
        "finished": attempt.finished_at,
    }


def action_row(
    action: OfferAction, rates: dict[str, Any], *, with_attempts: bool = False
) -> dict[str, Any]:
    """One action in words; its attempts at the exchange only when asked (prefetch them)."""
    return {
        "position": action.position,
        "kind": _label(ActionKind, action.kind),
        "amount": money(action),
        "usd": usd(action.usd_value),
        "rate": rate(action, rates),
        "detail": action.detail,
        "target": action.target_reference,
        "execution": _label(ActionExecutionState, action.execution_state),
        "execution_state": action.execution_state,
        "attempts": action.attempts,
        "ledger_reference": action.ledger_reference,
        "last_error": action.last_error,
        "cancelled_reason": action.cancelled_reason,
        "done_at": action.done_at,
        "attempts_log": [_attempt(a) for a in action.attempts_log.all()] if with_attempts else [],
    }


def offer_view(offer: ResolutionOffer, *, messages_by_id: dict[int, Message]) -> dict[str, Any]:
    """Everything the Resolution panel shows of one offer version (prefetched by
    `offers_of_case`: no query). The attempts at the exchange are read once execution began."""
    executing = any(
        a.execution_state != ActionExecutionState.NOT_STARTED for a in offer.actions.all()
    )
    actions = [
        action_row(a, offer.usd_rates or {}, with_attempts=executing) for a in offer.actions.all()
    ]
    return {
        "offer": offer,
        "label": offer.label,
        "state": _label(OfferState, offer.state),
        "state_code": offer.state,
        "outcome": _label(OfferOutcome, offer.outcome),
        "proposer": person(offer.proposer),
        "actions": actions,
        "executing": any(a["execution_state"] != ActionExecutionState.NOT_STARTED for a in actions),
        "usd_total": usd(offer.usd_total),
        "precedents": precedent_rows(list(offer.precedents or [])),
        "tier": tier_text(offer),
        "missing": missing_text(offer),
        "rounds": approval_rounds(offer),
        "voided_rounds": offer.approval_round > 1,
        "answer": answer(offer, messages_by_id),
    }


def finding(case: Case) -> dict[str, Any]:
    """The responsibility finding the offer rests on: the party, the rationale and the names of
    the evidence relied on (one query)."""
    return {
        "party": _label(ResponsibilityParty, case.responsibility) if case.responsibility else "",
        "rationale": case.responsibility_rationale,
        "evidence": [
            item.description or item.original_name for item in evidence_cited_for_staff(case=case)
        ],
    }
