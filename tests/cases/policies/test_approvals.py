"""Maker-checker on money out (cases.policies.approvals, and offer_review which applies it):
the tier an offer's dollar value falls in, who may approve, when the approvals are complete,
and what an edit or a refusal does to them."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from cases.enums import ApprovalDecision, CaseEventType, OfferState
from cases.models import (
    CaseEvent,
    CaseRecusal,
    OfferApproval,
    RecusalCheck,
    ResolutionOffer,
)
from cases.policies.approvals import (
    approval_tier_for,
    approvals_complete,
    missing_capacities,
)
from cases.services.conflicts import conflict_declaration_submit
from cases.services.offers import offer_draft, offer_edit, offer_review, offer_submit
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from tests.factories.cases import make_staff
from tests.support.offer_rules import case_at_finding, people, submitted, usdt

pytestmark = pytest.mark.django_db

APPROVE, REFUSE = ApprovalDecision.APPROVED, ApprovalDecision.REFUSED


@pytest.fixture
def crew(team):
    return people(team)


@pytest.fixture
def case(team, crew):
    return case_at_finding(team, crew.handler)


def review(offer, who, decision=APPROVE, reason="Checked against the ledger."):
    return offer_review(offer=offer, actor=who, decision=decision, reason=reason)


# --- The tiers (pure) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("usd", "tier", "approvals", "roles"),
    [
        ("0", "", 0, ()),
        ("999.99", "", 0, ()),
        ("1000", "", 0, ()),
        ("1000.01", "standard", 1, ()),
        ("10000", "standard", 1, ()),
        ("10000.01", "senior", 2, ("team_lead",)),
        ("100000", "senior", 2, ("team_lead",)),
        ("100000.01", "board", 3, ("team_lead", "compliance")),
        ("5000000", "board", 3, ("team_lead", "compliance")),
    ],
)
def test_each_tier_starts_strictly_above_its_threshold(usd, tier, approvals, roles):
    found = approval_tier_for(Decimal(usd))
    assert (found.name, found.approvals, found.roles) == (tier, approvals, roles)


def test_the_tiers_come_from_the_settings(settings):
    settings.RESOLUTION_APPROVAL_TIERS = [
        {"name": "any", "above": "0", "approvals": 1, "roles": ["compliance"]},
        {"name": "big", "above": "500", "approvals": 2},
    ]
    assert approval_tier_for(Decimal("0")).name == ""
    assert approval_tier_for(Decimal("0.01")).roles == ("compliance",)
    assert approval_tier_for(Decimal("500.01")).name == "big"


LEAD, COMPLIANCE = "team_lead", "compliance"


@pytest.mark.parametrize(
    ("required", "roles", "given", "complete"),
    [
        (1, [], [], False),
        (1, [], [(1, [])], True),
        (2, [LEAD], [(1, []), (1, [])], False),  # the same person twice counts once
        (2, [LEAD], [(1, []), (2, [])], False),  # nobody a lead
        (2, [LEAD], [(1, [LEAD]), (2, [])], True),
        (2, [LEAD], [(1, [LEAD]), (2, [LEAD])], True),
        (3, [LEAD, COMPLIANCE], [(1, [LEAD]), (2, [COMPLIANCE])], False),  # two people only
        (3, [LEAD, COMPLIANCE], [(1, [LEAD, COMPLIANCE]), (2, []), (3, [])], False),
        (3, [LEAD, COMPLIANCE], [(1, [LEAD, COMPLIANCE]), (2, [LEAD]), (3, [])], True),
        (3, [LEAD, COMPLIANCE], [(1, [LEAD]), (2, [COMPLIANCE]), (3, [])], True),
        (1, [COMPLIANCE], [(1, [LEAD])], False),
    ],
)
def test_approvals_are_complete_with_enough_different_people_holding_each_role(
    required, roles, given, complete
):
    assert approvals_complete(required=required, required_roles=roles, approvals=given) is complete


def test_what_is_still_missing():
    assert missing_capacities(
        required=3, required_roles=[LEAD, COMPLIANCE], approvals=[(1, [LEAD])]
    ) == (2, [COMPLIANCE])


# --- The tiers through the service ----------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "tier", "required"),
    [("999.99", "", 0), ("1000", "", 0), ("1000.01", "standard", 1), ("10000", "standard", 1)],
)
def test_the_tier_is_fixed_at_submission(case, crew, amount, tier, required):
    offer = submitted(case, crew.handler, amount)
    assert (offer.approval_tier, offer.approvals_required) == (tier, required)
    if required:
        assert offer.state == OfferState.AWAITING_APPROVAL
        assert CaseEvent.objects.filter(case=case, type=CaseEventType.OFFER_SUBMITTED).exists()
    else:
        # Below every tier: approved at submission, nobody asked.
        assert offer.state == OfferState.APPROVED
        assert offer.approved_at is not None
        event = CaseEvent.objects.get(case=case, type=CaseEventType.OFFER_APPROVED)
        assert event.reason == "Needs no approval"


def test_standard_one_approver_is_enough(case, crew):
    offer = submitted(case, crew.handler, "1000.01")
    offer = review(offer, crew.approver)
    assert offer.state == OfferState.APPROVED
    approval = OfferApproval.objects.get(offer=offer)
    assert (approval.approver, approval.decision, approval.round) == (crew.approver, APPROVE, 1)
    assert approval.reason == "Checked against the ledger."


@pytest.mark.parametrize("amount", ["10000.01", "100000"])
def test_senior_two_different_approvers_one_a_team_lead(case, crew, amount):
    offer = submitted(case, crew.handler, amount)
    assert (offer.approval_tier, offer.approval_roles) == ("senior", ["team_lead"])

    offer = review(offer, crew.approver)
    assert offer.state == OfferState.AWAITING_APPROVAL
    offer = review(offer, crew.approver2)
    # Two approvers, neither a lead: not yet.
    assert offer.state == OfferState.AWAITING_APPROVAL
    offer = review(offer, crew.lead)
    assert offer.state == OfferState.APPROVED
    lead_approval = OfferApproval.objects.get(offer=offer, approver=crew.lead)
    assert lead_approval.capacities == ["team_lead"]


def test_senior_a_lead_alone_is_not_enough(case, crew):
    offer = submitted(case, crew.handler, "20000")
    offer = review(offer, crew.lead)
    assert offer.state == OfferState.AWAITING_APPROVAL
    offer = review(offer, crew.approver)
    assert offer.state == OfferState.APPROVED


def test_board_three_including_a_lead_and_a_compliance_officer(case, crew):
    offer = submitted(case, crew.handler, "100000.01")
    assert (offer.approval_tier, offer.approvals_required) == ("board", 3)
    assert offer.approval_roles == ["team_lead", "compliance"]

    offer = review(offer, crew.lead)
    offer = review(offer, crew.compliance)
    assert offer.state == OfferState.AWAITING_APPROVAL  # two people: one short
    offer = review(offer, crew.approver)
    assert offer.state == OfferState.APPROVED
    assert OfferApproval.objects.get(offer=offer, approver=crew.compliance).capacities == [
        "compliance"
    ]


def test_board_without_compliance_is_not_complete(case, crew):
    offer = submitted(case, crew.handler, "250000")
    for person in (crew.lead, crew.approver, crew.approver2):
        offer = review(offer, person)
    assert offer.state == OfferState.AWAITING_APPROVAL
    assert review(offer, crew.compliance).state == OfferState.APPROVED


def test_a_settings_override_of_the_tiers_applies(case, crew, settings):
    settings.RESOLUTION_APPROVAL_TIERS = [
        {"name": "every refund", "above": "0", "approvals": 1, "roles": ["compliance"]}
    ]
    offer = submitted(case, crew.handler, "10")
    assert (offer.approval_tier, offer.approvals_required) == ("every refund", 1)
    offer = review(offer, crew.approver)
    assert offer.state == OfferState.AWAITING_APPROVAL  # one approval, but not compliance
    assert review(offer, crew.compliance).state == OfferState.APPROVED


# --- Who may approve ------------------------------------------------------------------------


def test_four_eyes_the_proposer_never_approves(team, crew):
    # A team lead may propose and approve, but never both on one offer.
    case = case_at_finding(team, crew.lead)
    offer = submitted(case, crew.lead, "5000")
    with pytest.raises(PermissionDeniedError, match="another person must approve"):
        review(offer, crew.lead)
    assert not OfferApproval.objects.exists()
    assert ResolutionOffer.objects.get(pk=offer.pk).state == OfferState.AWAITING_APPROVAL


def test_four_eyes_whoever_changed_the_terms_never_approves(team, case, crew):
    offer = submitted(case, crew.handler, "5000")
    # The lead raises the amount on the handler's offer and submits it again...
    offer = offer_edit(offer=offer, actor=crew.lead, terms=usdt("9000"))
    offer = offer_submit(offer=offer, actor=crew.lead)
    # ... so the lead made these terms: another person approves them.
    with pytest.raises(PermissionDeniedError, match="changed this offer"):
        review(offer, crew.lead)
    assert review(offer, crew.approver).state == OfferState.APPROVED


def test_only_approvers_approve(case, crew, staff):
    offer = submitted(case, crew.handler, "5000")
    other_handler = make_staff("Case handler", teams=[case.team])
    for person in (other_handler, staff("Auditor")):
        with pytest.raises(PermissionDeniedError, match="may not approve"):
            review(offer, person)
    assert not OfferApproval.objects.exists()


def test_a_recused_approver_is_refused_and_the_refusal_is_on_record(case, crew):
    offer = submitted(case, crew.handler, "5000")
    # The approver declares a link to the complainant's account.
    conflict_declaration_submit(
        staff=crew.approver,
        actor=crew.approver,
        kind="related_account",
        exchange_account_id=case.complainant_account_id,
        details="My brother's account.",
    )

    with pytest.raises(PermissionDeniedError, match="Related party"):
        review(offer, crew.approver)

    assert not OfferApproval.objects.exists()
    assert ResolutionOffer.objects.get(pk=offer.pk).state == OfferState.AWAITING_APPROVAL
    check = RecusalCheck.objects.get(case=case, user=crew.approver, act="offer:approve")
    assert (check.outcome, check.rule) == ("refused", "related_party")
    assert CaseRecusal.objects.filter(
        case=case, user=crew.approver, rule="related_party", lifted_at__isnull=True
    ).exists()
    # Another approver is not concerned.
    assert review(offer, crew.approver2).state == OfferState.APPROVED
    assert RecusalCheck.objects.get(case=case, user=crew.approver2).outcome == "allowed"


def test_a_decision_needs_a_reason(case, crew):
    offer = submitted(case, crew.handler, "5000")
    with pytest.raises(ApplicationError, match="reason"):
        review(offer, crew.approver, reason="ok")
    with pytest.raises(ApplicationError, match="Approve or refuse"):
        review(offer, crew.approver, decision="maybe")
    assert not OfferApproval.objects.exists()


def test_one_answer_per_person_per_round(case, crew):
    offer = submitted(case, crew.handler, "20000")
    review(offer, crew.approver)
    for decision in (APPROVE, REFUSE):
        with pytest.raises(ConflictError, match="already answered"):
            review(offer, crew.approver, decision=decision)
    assert OfferApproval.objects.filter(offer=offer).count() == 1
    # The database holds it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferApproval.objects.create(
            offer=offer, round=1, approver=crew.approver, decision=APPROVE, reason="again"
        )


def test_an_offer_not_awaiting_approval_takes_none(case, crew):
    offer = offer_draft(case=case, actor=crew.handler, terms=usdt("5000"))
    with pytest.raises(ConflictError, match="not awaiting approval"):
        review(offer, crew.approver)


# --- Refusal and edits ----------------------------------------------------------------------


def test_a_refusal_returns_the_offer_to_the_proposer(case, crew):
    offer = submitted(case, crew.handler, "20000")
    review(offer, crew.lead)
    offer = review(offer, crew.approver, decision=REFUSE, reason="The fee was refunded already.")

    assert offer.state == OfferState.REFUSED
    event = CaseEvent.objects.get(case=case, type=CaseEventType.OFFER_REFUSED)
    assert (event.actor, event.reason) == (crew.approver, "The fee was refunded already.")
    assert offer.history.latest().history_change_reason == (
        "Refused: The fee was refunded already."
    )
    # Nobody approves a refused offer; the proposer edits it (a new round) and resubmits.
    with pytest.raises(ConflictError):
        review(offer, crew.approver2)
    offer = offer_edit(offer=offer, actor=crew.handler, terms=usdt("15000"))
    assert (offer.state, offer.approval_round) == (OfferState.DRAFT, 2)
    offer = offer_submit(offer=offer, actor=crew.handler)
    # The approver who refused answers the new round.
    offer = review(offer, crew.approver)
    assert review(offer, crew.lead).state == OfferState.APPROVED


def test_an_edit_voids_the_approvals_given_so_far(case, crew):
    offer = submitted(case, crew.handler, "20000")
    review(offer, crew.lead)
    offer = offer_edit(offer=offer, actor=crew.handler, terms=usdt("20000.50"))
    event = CaseEvent.objects.get(case=case, type=CaseEventType.OFFER_EDITED)
    assert event.data["approvals_voided"] == 1
    offer = offer_submit(offer=offer, actor=crew.handler)

    # The lead's approval was of round 1: it no longer counts.
    offer = review(offer, crew.approver)
    assert offer.state == OfferState.AWAITING_APPROVAL
    offer = review(offer, crew.lead)
    assert offer.state == OfferState.APPROVED
    # Nothing was rewritten: both rounds are on record.
    assert list(
        OfferApproval.objects.filter(offer=offer)
        .order_by("id")
        .values_list("round", "approver__username")
    ) == [(1, "leo"), (2, "abel"), (2, "leo")]


def test_an_edit_of_an_approved_offer_voids_it_and_the_tier_is_recomputed(case, crew):
    offer = submitted(case, crew.handler, "5000")
    offer = review(offer, crew.approver)
    assert offer.state == OfferState.APPROVED

    offer = offer_edit(offer=offer, actor=crew.handler, terms=usdt("50000"))
    assert offer.state == OfferState.DRAFT
    assert offer.approved_at is None
    offer = offer_submit(offer=offer, actor=crew.handler)
    assert (offer.approval_tier, offer.approvals_required) == ("senior", 2)

    offer = offer_edit(offer=offer, actor=crew.handler, terms=usdt("400"))
    offer = offer_submit(offer=offer, actor=crew.handler)
    assert offer.state == OfferState.APPROVED
    assert offer.approval_tier == ""
