"""`seed_demo` shows a case at each point of steps 5 to 7, each walked through the real services:
offers awaiting approval in two tiers, one with the portal user, accepted and not yet carried
out, executing with its action queued, an action the exchange refused, resolved with the survey
answered, reopened by the customer and investigated again."""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cases.enums import ActionExecutionState as X
from cases.enums import CaseState, OfferState
from cases.models import (
    Case,
    CaseEvent,
    ExecutionAttempt,
    OfferAction,
    OfferApproval,
    ResolutionOffer,
    Survey,
)
from cases.selectors.resolution import actions_needing_attention_for, offers_awaiting_approval_for

pytestmark = pytest.mark.django_db

User = get_user_model()


def seed() -> None:
    call_command("seed_demo", stdout=StringIO())


def user(username):
    return User.objects.get(username=username)


def test_every_point_of_the_resolution_has_a_case():
    # One test: seeding the whole demo is the slow part.
    seed()
    approver, lead = user("approver"), user("lead")

    # Awaiting approval, 'standard' tier: one approver, none given yet.
    standard = ResolutionOffer.objects.get(
        state=OfferState.AWAITING_APPROVAL, approval_tier="standard"
    )
    assert standard.approvals_required == 1
    assert not standard.approvals.exists()
    assert standard.case.state == CaseState.RESPONSIBILITY_DETERMINED
    # 'senior' tier: two approvers, one a team lead; the lead has approved.
    senior = ResolutionOffer.objects.get(state=OfferState.AWAITING_APPROVAL, approval_tier="senior")
    assert (senior.approvals_required, senior.approval_roles) == (2, ["team_lead"])
    assert Decimal(10000) < senior.usd_total <= Decimal(100000)
    (given,) = senior.approvals.all()
    assert (given.approver, given.capacities, given.round) == (lead, ["team_lead"], 1)
    assert senior.case.complainant_locale == "zh-hans"
    # 18-place ETH: stored as entered.
    reward = senior.actions.get(kind="compensation")
    assert (reward.asset.code, reward.amount) == ("ETH", Decimal("0.00422876712328767"))
    # Both wait in the approver's queue; the lead, who answered the senior one, has the other.
    assert set(offers_awaiting_approval_for(user=approver)) == {standard, senior}
    assert list(offers_awaiting_approval_for(user=lead)) == [standard]

    # With the portal user (alice), waiting for her answer.
    with_alice = ResolutionOffer.objects.get(
        state=OfferState.SENT, case__customer__username="alice"
    )
    assert with_alice.case.state == CaseState.RESOLUTION_PROPOSED
    assert with_alice.expires_at is not None

    # Accepted, its execution not yet taken by a worker.
    accepted = Case.objects.filter(state=CaseState.RESOLUTION_ACCEPTED)
    assert accepted.count() >= 1
    for case in accepted:
        offer = case.offers.get(state=OfferState.ACCEPTED)
        assert set(offer.actions.values_list("execution_state", flat=True)) == {X.NOT_STARTED}
    # One approved in the 'standard' tier by the approver before it was sent.
    assert OfferApproval.objects.filter(
        offer__case__state=CaseState.RESOLUTION_ACCEPTED, approver=approver
    ).exists()

    # Executing: an action queued at the exchange, never attempted yet.
    queued = OfferAction.objects.filter(
        offer__case__state=CaseState.EXECUTING, execution_state=X.QUEUED
    )
    assert queued.exists()
    assert not ExecutionAttempt.objects.filter(action__in=queued).exists()
    assert all(a.idempotency_key for a in queued)

    # Executing: the exchange refused an action, which waits on the lead's attention queue.
    (refused,) = actions_needing_attention_for(user=lead)
    assert refused.offer.case.state == CaseState.EXECUTING
    assert refused.kind == "reverse_transaction"
    attempt = refused.attempts_log.get()
    assert (attempt.outcome, attempt.status_code) == ("refused", 422)
    assert "nothing to reverse" in refused.last_error

    # Resolved with the survey answered (and the others resolved with theirs waiting).
    answered = Survey.objects.get(answered_at__isnull=False)
    assert answered.case.state == CaseState.RESOLVED
    assert (answered.process_score, answered.outcome_score) == (4, 3)
    assert answered.channel == "email_link"
    assert CaseEvent.objects.filter(case=answered.case, type="survey.answered").count() == 1
    for case in Case.objects.filter(state=CaseState.RESOLVED):
        offer = case.offers.get(state=OfferState.ACCEPTED)
        assert not offer.actions.exclude(execution_state__in=[X.DONE, X.NOT_NEEDED]).exists()
        assert case.surveys.count() == 1
    assert (
        OfferAction.objects.filter(offer__case__state=CaseState.RESOLVED, execution_state=X.DONE)
        .exclude(ledger_reference="")
        .exists()
    )

    # Reopened by the customer with a reason, and back to investigating.
    reopened = CaseEvent.objects.filter(
        type="case.transition.reopen", actor_label__startswith="system:customer:"
    )
    assert reopened.count() >= 2
    back = Case.objects.get(state=CaseState.INVESTIGATING, reopened_at__isnull=False)
    reopen = back.events.get(type="case.transition.reopen")
    assert reopen.reason
    assert back.events.filter(type="case.transition.reinvestigate").exists()

    # Every offer went through the services: drafted by the handler, valued, compared.
    handler = user("handler")
    offers = ResolutionOffer.objects.all()
    assert offers.count() >= 20
    for offer in offers:
        assert offer.proposer == handler
        assert offer.usd_valued_at is not None
        if offer.departs_from_precedent:
            assert len(offer.justification) >= 20
        assert offer.history.filter(history_change_reason="Offer drafted").exists()
        assert CaseEvent.objects.filter(case=offer.case, type="offer.drafted").exists()
    # Four eyes, and only the demo approvers approve.
    approvals = OfferApproval.objects.select_related("approver")
    assert {a.approver.username for a in approvals} <= {"approver", "lead", "compliance"}
    assert not approvals.filter(approver=handler).exists()
    # Every customer answer was the customer's own (portal or email link).
    for offer in offers.filter(state__in=[OfferState.ACCEPTED, OfferState.REJECTED]):
        expected = "portal" if offer.case.customer_id else "email_link"
        assert offer.decision_channel == expected, offer.case.subject
        assert offer.history.latest().history_actor == f"system:customer:{expected}"
    # A revised offer after a rejection: version 2 of the same case.
    assert ResolutionOffer.objects.filter(version=2, state=OfferState.ACCEPTED).exists()
