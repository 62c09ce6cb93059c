"""Helpers for the resolution screens of the staff site: their URLs, the composer's form as a
browser posts it, and offers made through the services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from cases.models import Case, ResolutionOffer
from cases.services.offers import ActionDraft, OfferTerms, offer_draft, offer_submit

JUSTIFICATION = "First case of its kind: the stall was ours, so we refund the full loss."


def compose_url(case: Case, version: int | None = None) -> str:
    if version is None:
        return reverse("admin:cases_case_offer_new", args=[case.pk])
    return reverse("admin:cases_case_offer_edit", args=[case.pk, version])


def offer_url(name: str, offer: ResolutionOffer) -> str:
    return reverse(f"admin:cases_case_offer_{name}", args=[offer.case_id, offer.version])


def approval_queue_url() -> str:
    return reverse("admin:cases_resolutionoffer_approvals")


def approval_url(offer: ResolutionOffer) -> str:
    return reverse("admin:cases_resolutionoffer_approval", args=[offer.pk])


def attention_url() -> str:
    return reverse("admin:cases_resolutionoffer_attention")


def composer_post(
    *,
    summary="We refund the loss caused by the stall.",
    outcome="upheld",
    actions=(),
    justification="",
    extra_rows=0,
    **flags,
) -> dict[str, str]:
    """The composer's POST: the offer's fields and one form row per action (dicts with kind,
    asset, amount, detail, target_reference), plus `extra_rows` empty rows."""
    rows = [*actions, *({} for _ in range(extra_rows))]
    data = {
        "summary": summary,
        "outcome": outcome,
        "justification": justification,
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "10",
    }
    for index, row in enumerate(rows):
        for field in ("kind", "asset", "amount", "detail", "target_reference"):
            data[f"form-{index}-{field}"] = row.get(field, "")
    data.update(flags)
    return data


def btc_price(price="60000"):
    """A BTCUSDT price from the demo exchange an hour ago."""
    from tests.factories.demo import LedgerPriceFactory

    return LedgerPriceFactory(
        symbol="BTCUSDT", at=timezone.now() - timedelta(hours=1), price=Decimal(price)
    )


def usdt_offer(case: Case, actor, *, amount="5000", actions=1, submit=True) -> ResolutionOffer:
    """An offer paying `amount` USDT (at par: no price needed) plus advice rows, drafted (and
    submitted) through the services."""
    drafts = [ActionDraft(kind="refund", asset="USDT", amount=amount)]
    drafts += [
        ActionDraft(kind="security_advice", detail=f"Advice {n}: turn on two-factor sign-in.")
        for n in range(actions - 1)
    ]
    offer = offer_draft(
        case=case,
        actor=actor,
        terms=OfferTerms(
            summary="We refund the fee and explain how to protect the account.",
            outcome="partly_upheld",
            actions=drafts,
            justification=JUSTIFICATION,
        ),
    )
    return offer_submit(offer=offer, actor=actor) if submit else offer
