"""Cases with an accepted offer, ready to be carried out at the demo exchange, walked there
through the real services (docs/resolution.md)."""

from __future__ import annotations

import base64
import json
import uuid
from contextlib import contextmanager

from cases.enums import CaseState
from cases.models import Case, OfferAction, ResolutionOffer
from cases.services.offers import (
    ActionDraft,
    OfferTerms,
    customer_actor,
    offer_decide,
    offer_draft,
    offer_send,
    offer_submit,
)
from demo.models import LedgerAccountStatus
from tests.factories.cases import make_case, make_team
from tests.factories.demo import LedgerAccountFactory, LedgerRecordFactory
from tests.support.lifecycle import path_to, walker

REFUND = ActionDraft(kind="refund", asset="USDT", amount="25.5")
UNFREEZE = ActionDraft(kind="unfreeze", target_reference="withdrawals")
ADVICE = ActionDraft(kind="security_advice", detail="Turn on two-factor sign-in.")


def accepted_case(
    *, team=None, actions=(REFUND, UNFREEZE, ADVICE), ledger: bool = True, account_id=None
) -> Case:
    """A case whose offer of `actions` the customer accepted in the portal (nothing carried out
    yet: the acceptance queues `execution_start` after commit). With `ledger` the demo exchange
    knows the complainant's account (frozen, so that an unfreeze shows)."""
    overrides = {"complainant_account_id": account_id} if account_id else {}
    team = team or make_team("complaints", "Complaints")
    case = make_case(
        team=team, state_path=path_to(CaseState.RESPONSIBILITY_DETERMINED), **overrides
    )
    if ledger:
        account = LedgerAccountFactory(
            account_id=case.complainant_account_id, status=LedgerAccountStatus.FROZEN
        )
        # The demo exchange reverses only a transaction it knows on the account.
        for draft in actions:
            if draft.kind == "reverse_transaction" and draft.target_reference:
                LedgerRecordFactory(account=account, record_id=draft.target_reference)
    terms = OfferTerms(
        summary="We refund the fee, lift the freeze and explain how to protect the account.",
        outcome="upheld",
        actions=list(actions),
        justification="No earlier case compares; first of its kind.",
    )
    offer = offer_submit(offer=offer_draft(case=case, actor=walker(), terms=terms), actor=walker())
    offer_send(offer=offer, actor=walker())
    offer_decide(
        offer=ResolutionOffer.objects.get(pk=offer.pk),
        accept=True,
        channel="portal",
        actor=customer_actor("portal"),
    )
    return Case.objects.get(pk=case.pk)


def exchange_actions(case: Case) -> list[OfferAction]:
    """The actions of the case's accepted offer the exchange carries out, in order."""
    return list(
        OfferAction.objects.filter(
            offer__case=case, offer__state="accepted", idempotency_key__isnull=False
        ).order_by("position")
    )


@contextmanager
def tasks_held():
    """Tasks queued meanwhile wait on the broker, on a queue no worker takes (eager mode off),
    so that a transactional test runs the services itself. Yields `held(name)`: the arguments
    of each task `name` held so far, oldest first. Needs CELERY_BROKER_URL (Redis)."""
    import redis
    from django.conf import settings

    from complaints_site.celery import app

    queue = f"held-{uuid.uuid4().hex}"
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)

    def held(name: str) -> list[list]:
        out = []
        for raw in reversed(broker.lrange(queue, 0, -1)):  # LPUSHed: oldest last
            message = json.loads(raw)
            if message["headers"]["task"] == name:
                out.append(json.loads(base64.b64decode(message["body"]))[0])
        return out

    saved = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        yield held
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = saved
        broker.delete(queue)
