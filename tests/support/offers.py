"""Cases with offers put to their customer, through the real services (tests of the portal, the
API, the email links and the notifications)."""

from decimal import Decimal

from django.utils import timezone

from cases.enums import CaseState
from cases.models import ResolutionOffer
from cases.services.offers import (
    ActionDraft,
    OfferTerms,
    customer_actor,
    offer_decide,
    offer_draft,
    offer_send,
    offer_submit,
)
from tests.factories.cases import make_case, make_team
from tests.support.lifecycle import path_to, walker

# 18 places, every one of them significant: a float would lose the tail.
ETH_AMOUNT = "0.123456789012345678"


def ensure_assets():
    """The assets seeded with the product (post_migrate restores them after a flush too)."""
    from cases.enums import default_assets_ensure
    from cases.models import Asset

    default_assets_ensure(Asset)


def _case(**overrides):
    ensure_assets()
    overrides.setdefault("team", make_team("complaints", "Complaints"))
    return make_case(**overrides)


def owned_case(user, **overrides):
    """A case of the portal user `user` (their account, their address, their language)."""
    profile = user.customer_profile
    return _case(
        customer=user,
        complainant_email=user.email,
        complainant_account_id=profile.exchange_account_id,
        complainant_locale=profile.locale or "en",
        **overrides,
    )


def offered_case(user=None, *, refund="25", **overrides):
    """A case whose offer v1 (a refund in USDT and security advice) waits for the customer's
    answer; the portal user's own when `user` is given."""
    path = [
        (name, {"refund": refund} if name == "propose_resolution" and refund else inputs)
        for name, inputs in path_to(CaseState.RESOLUTION_PROPOSED)
    ]
    if user is not None:
        return owned_case(user, state_path=path, **overrides)
    return _case(state_path=path, **overrides)


def sent_offer(case) -> ResolutionOffer:
    return ResolutionOffer.objects.get(case=case, state="sent")


def eth_terms(amount=ETH_AMOUNT) -> OfferTerms:
    """Compensation in ETH with all 18 places (the demo exchange prices ETH for the dollar
    value), and technical support."""
    return OfferTerms(
        summary="We compensate the failed withdrawal's network fee.",
        outcome="upheld",
        actions=[
            ActionDraft(kind="compensation", asset="ETH", amount=amount),
            ActionDraft(kind="technical_support", detail="We reset the withdrawal whitelist."),
        ],
        justification="No earlier case compares; first of its kind.",
    )


def eth_price(price="2000"):
    """A recent ETH price on the demo exchange, so that an ETH offer can be valued."""
    from demo.models import LedgerPrice

    LedgerPrice.objects.get_or_create(
        symbol="ETHUSDT",
        at=timezone.now().replace(microsecond=0),
        defaults={"price": Decimal(price)},
    )


def reject(case, reason="The amount is too low.") -> ResolutionOffer:
    return offer_decide(
        offer=sent_offer(case),
        accept=False,
        channel="portal",
        actor=customer_actor("portal"),
        reason=reason,
    )


def send_revision(case, terms=None) -> ResolutionOffer:
    """After a rejection: the next version drafted, approved as its value needs and sent."""
    from tests.support.lifecycle import advice_terms

    offer = offer_draft(case=case, actor=walker(), terms=terms or advice_terms(refund="30"))
    offer = offer_submit(offer=offer, actor=walker())
    offer_send(offer=offer, actor=walker())
    return sent_offer(case)


def with_versions(case, count: int) -> ResolutionOffer:
    """Reject and revise until `count` versions were sent; returns the open one."""
    for _ in range(count - 1):
        reject(case)
        send_revision(case)
    return sent_offer(case)


def eth_offered_case(user=None, **overrides):
    """A case whose offer v1 (ETH compensation to the 18th place) waits for the customer."""
    eth_price()
    path = path_to(CaseState.RESPONSIBILITY_DETERMINED)
    if user is not None:
        case = owned_case(user, state_path=path, **overrides)
    else:
        case = _case(state_path=path, **overrides)
    offer = offer_draft(case=case, actor=walker(), terms=eth_terms())
    offer = offer_submit(offer=offer, actor=walker())
    offer_send(offer=offer, actor=walker())
    return type(case).objects.get(pk=case.pk)
