"""PostgreSQL itself keeps a sent offer's terms frozen and its approvals append-only, raw SQL
included (cases.models.resolution triggers)."""

import pytest
from django.db import DatabaseError, connection, transaction

from cases.enums import ApprovalDecision
from cases.models import OfferAction, OfferApproval, ResolutionOffer
from cases.services.offers import offer_draft, offer_review, offer_send, offer_submit
from tests.support.offer_rules import action, case_at_finding, people, terms, usdt

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def crew(team):
    return people(team)


@pytest.fixture
def sent_offer(team, crew):
    case = case_at_finding(team, crew.handler)
    offer = offer_draft(
        case=case,
        actor=crew.handler,
        terms=terms(action("refund", "USDT", "25"), action("security_advice")),
    )
    offer_submit(offer=offer, actor=crew.handler)
    offer_send(offer=offer, actor=crew.handler)
    return ResolutionOffer.objects.get(pk=offer.pk)


def refused(statement: str, params: list) -> None:
    with (
        pytest.raises(DatabaseError, match="Cannot"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, params)


def test_a_sent_offers_summary_and_value_cannot_change(sent_offer):
    table = ResolutionOffer._meta.db_table
    refused(f"UPDATE {table} SET summary = 'forged' WHERE id = %s", [sent_offer.pk])  # noqa: S608
    refused(f"UPDATE {table} SET usd_total = 1 WHERE id = %s", [sent_offer.pk])  # noqa: S608
    refused(f"UPDATE {table} SET justification = 'x' WHERE id = %s", [sent_offer.pk])  # noqa: S608
    refused(f"DELETE FROM {table} WHERE id = %s", [sent_offer.pk])  # noqa: S608
    again = ResolutionOffer.objects.get(pk=sent_offer.pk)
    assert again.summary == sent_offer.summary
    assert again.usd_total == sent_offer.usd_total


def test_a_sent_actions_terms_cannot_change_and_it_cannot_go(sent_offer):
    table = OfferAction._meta.db_table
    refund = sent_offer.actions.get(position=1)
    for statement in (
        f"UPDATE {table} SET amount = 2500 WHERE id = %s",  # noqa: S608
        f"UPDATE {table} SET asset_id = NULL, amount = NULL WHERE id = %s",  # noqa: S608
        f"UPDATE {table} SET idempotency_key = 'other' WHERE id = %s",  # noqa: S608
        f"UPDATE {table} SET frozen = false WHERE id = %s",  # noqa: S608
        f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
    ):
        refused(statement, [refund.pk])
    assert OfferAction.objects.get(pk=refund.pk).amount == refund.amount


def test_carrying_out_a_sent_action_is_still_recorded(sent_offer):
    # Execution writes its own columns on a frozen action: those are not terms.
    refund = sent_offer.actions.get(position=1)
    OfferAction.objects.filter(pk=refund.pk).update(
        execution_state="done", ledger_reference="DEMO-1", attempts=1
    )
    assert OfferAction.objects.get(pk=refund.pk).ledger_reference == "DEMO-1"


def test_an_unsent_offer_may_still_change(team, crew):
    case = case_at_finding(team, crew.handler)
    offer = offer_draft(case=case, actor=crew.handler, terms=usdt("25"))
    OfferAction.objects.filter(offer=offer).update(detail="note")
    ResolutionOffer.objects.filter(pk=offer.pk).update(justification="A longer explanation here.")
    assert ResolutionOffer.objects.get(pk=offer.pk).justification.startswith("A longer")
    # But never deleted, sent or not.
    refused(
        f"DELETE FROM {ResolutionOffer._meta.db_table} WHERE id = %s",  # noqa: S608
        [offer.pk],
    )


def test_approvals_are_append_only(team, crew):
    case = case_at_finding(team, crew.handler)
    offer = offer_draft(case=case, actor=crew.handler, terms=usdt("5000"))
    offer_submit(offer=offer, actor=crew.handler)
    offer_review(
        offer=offer,
        actor=crew.approver,
        decision=ApprovalDecision.APPROVED,
        reason="Matches the fee ledger.",
    )
    approval = OfferApproval.objects.get(offer=offer)
    table = OfferApproval._meta.db_table
    refused(f"UPDATE {table} SET decision = 'refused' WHERE id = %s", [approval.pk])  # noqa: S608
    refused(f"UPDATE {table} SET round = 2 WHERE id = %s", [approval.pk])  # noqa: S608
    refused(f"DELETE FROM {table} WHERE id = %s", [approval.pk])  # noqa: S608
    assert OfferApproval.objects.get(pk=approval.pk).decision == ApprovalDecision.APPROVED


def test_offer_history_is_append_only(sent_offer):
    row = sent_offer.history.latest()
    table = sent_offer.history.model._meta.db_table
    refused(
        f"UPDATE {table} SET history_change_reason = 'forged' WHERE history_id = %s",  # noqa: S608
        [row.history_id],
    )
