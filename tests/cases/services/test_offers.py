"""Step 5: the offer from draft to the customer's answer (cases.services.offers).

Exact amounts per asset, valued once in US dollars at the exchange's prices; consistency with
earlier decisions; sending freezes the terms; the customer's answer recorded once; the expiry
sweep; every change in the history with actor and reason. Approvals: test_approvals.py."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import close_old_connections

from cases.enums import CaseEventType, CaseState, OfferState
from cases.gateway.port import iso
from cases.models import Asset, Case, CaseEvent, Notification, OfferAction, ResolutionOffer
from cases.services.intake import message_post_staff
from cases.services.lifecycle import case_transition
from cases.services.offers import (
    customer_actor,
    offer_decide,
    offer_discard,
    offer_draft,
    offer_edit,
    offer_send,
    offer_submit,
    offers_expire_sweep,
)
from complaints_site.common.actors import SystemActor
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from demo.models import LedgerPrice
from tests.factories.cases import SYSTEM, make_case
from tests.support.offer_rules import (
    action,
    case_at_finding,
    people,
    price,
    resolved_precedent,
    terms,
    usdt,
)
from tests.support.threads import in_thread, run_all

pytestmark = pytest.mark.django_db

PORTAL = customer_actor("portal")


@pytest.fixture
def crew(team):
    return people(team)


@pytest.fixture
def case(team, crew):
    return case_at_finding(team, crew.handler)


def draft(case, crew, *actions, **kwargs):
    return offer_draft(case=case, actor=crew.handler, terms=terms(*actions, **kwargs))


def sent(case, crew, amount="25"):
    """An offer of `amount` USDT (below every tier: no approval) with the customer."""
    offer = offer_draft(case=case, actor=crew.handler, terms=usdt(amount))
    offer_submit(offer=offer, actor=crew.handler)
    offer_send(offer=offer, actor=crew.handler)
    return ResolutionOffer.objects.get(pk=offer.pk)


def events(case, type):
    return CaseEvent.objects.filter(case=case, type=type).count()


# --- Exact amounts, valued in dollars once --------------------------------------------------


def test_an_18_place_eth_amount_is_stored_exactly(case, crew):
    price("ETHUSDT", "3120.55")
    offer = draft(case, crew, action("refund", "ETH", "0.000000000000000001"))

    stored = OfferAction.objects.get(offer=offer)
    assert stored.amount == Decimal("0.000000000000000001")
    assert format(stored.amount, "f") == "0.000000000000000001"
    assert stored.asset.code == "ETH"
    assert stored.usd_rate == Decimal("3120.55")
    assert stored.usd_value == Decimal("0.00")


def test_every_place_of_a_long_eth_amount_survives_the_database(case, crew):
    price("ETHUSDT", "3000")
    offer = draft(case, crew, action("compensation", "ETH", "1.234567890123456789"))

    stored = OfferAction.objects.get(offer=offer)
    assert format(stored.amount, "f") == "1.234567890123456789"
    # 1.234567890123456789 x 3000 = 3703.703670370370367 -> to the cent.
    assert stored.usd_value == Decimal("3703.70")
    assert ResolutionOffer.objects.get(pk=offer.pk).usd_total == Decimal("3703.70")


def test_btc_with_nine_places_is_refused_with_a_clear_message(case, crew):
    price("BTCUSDT", "61000")
    with pytest.raises(ApplicationError) as exc_info:
        draft(case, crew, action("refund", "BTC", "0.123456789"))

    message = exc_info.value.message
    assert "Action 1" in message
    assert "BTC has 8 decimal places" in message
    assert "0.123456789 has 9" in message
    assert "actions.1" in exc_info.value.extra["errors"]
    assert not ResolutionOffer.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (0.5, "never floating-point"),
        ("0", "more than zero"),
        ("-5", "more than zero"),
        ("", "Enter an amount"),
        ("ten", "is not a number"),
    ],
)
def test_floats_zero_negative_and_words_are_refused(case, crew, amount, message):
    with pytest.raises(ApplicationError, match=message):
        draft(case, crew, action("refund", "USDT", amount))
    assert not ResolutionOffer.objects.filter(case=case).exists()


def test_the_second_faulty_action_is_named(case, crew):
    with pytest.raises(ApplicationError, match="Action 2") as exc_info:
        draft(case, crew, action("refund", "USDT", "10"), action("voucher", "USDT", "1.1234567"))
    assert "USDT has 6 decimal places" in exc_info.value.message


@pytest.mark.parametrize(
    ("drafts", "message"),
    [
        ([action("refund", "XYZ", "1")], "choose an asset"),
        ([action("refund", "", "1")], "choose an asset"),
        ([action("security_advice", detail="")], "write the explanation"),
        ([action("reverse_transaction", "USDT", "5")], "name the transaction"),
        ([action("no_action"), action("refund")], "cannot be combined"),
    ],
)
def test_each_kind_of_action_needs_what_it_needs(case, crew, drafts, message):
    with pytest.raises(ApplicationError, match=message):
        draft(case, crew, *drafts)


def test_an_advice_action_takes_no_amount(case, crew):
    from cases.services.offers import ActionDraft

    with pytest.raises(ApplicationError, match="has no amount"):
        draft(case, crew, ActionDraft(kind="security_advice", amount="5", detail="Use 2FA."))


def test_the_usd_value_is_stored_with_its_rate_source_and_time(case, crew):
    btc = price("BTCUSDT", "61234.50", ago=timedelta(hours=3))
    price("BTCUSDT", "60000.00", ago=timedelta(hours=30))  # too old to count
    offer = draft(
        case,
        crew,
        action("refund", "BTC", "0.05"),
        action("compensation", "USDT", "12.345678"),
        action("security_advice"),
    )

    offer = ResolutionOffer.objects.get(pk=offer.pk)
    # 0.05 x 61234.50 = 3061.725 -> 3061.73; + 12.345678 -> 12.35.
    assert offer.usd_total == Decimal("3074.08")
    assert offer.usd_valued_at is not None
    rate = offer.usd_rates["BTC"]
    assert Decimal(rate["price"]) == Decimal("61234.50")
    assert rate["symbol"] == "BTCUSDT"
    assert rate["source"] == "demo exchange ledger"
    assert rate["at"] == iso(btc.at)
    assert offer.usd_rates["USDT"]["source"] == "par"
    values = list(offer.actions.order_by("position").values_list("usd_value", flat=True))
    assert values == [Decimal("3061.73"), Decimal("12.35"), None]


def test_the_usd_value_is_not_recomputed_when_prices_change(case, crew):
    row = price("BTCUSDT", "61000.00")
    offer = draft(case, crew, action("refund", "BTC", "0.2"))
    assert offer.usd_total == Decimal("12200.00")

    # The exchange's price moves (and a newer one arrives): the offer keeps its own.
    LedgerPrice.objects.filter(pk=row.pk).update(price=Decimal("10"))
    price("BTCUSDT", "99000.00", ago=timedelta(minutes=1))
    offer = ResolutionOffer.objects.get(pk=offer.pk)
    assert offer.usd_total == Decimal("12200.00")
    assert Decimal(offer.usd_rates["BTC"]["price"]) == Decimal("61000.00")
    assert offer.actions.get().usd_value == Decimal("12200.00")
    # The tier comes from the stored value too (above 10,000: senior).
    offer = offer_submit(offer=offer, actor=crew.handler)
    assert (offer.approval_tier, offer.approvals_required) == ("senior", 2)


def test_without_a_recent_price_the_offer_cannot_be_valued(case, crew):
    price("ETHUSDT", "3000", ago=timedelta(hours=25))
    with pytest.raises(ApplicationError) as exc_info:
        draft(case, crew, action("refund", "ETH", "1"))
    assert "No ETH price from the exchange in the last 24 hours" in exc_info.value.message
    assert not ResolutionOffer.objects.filter(case=case).exists()


def test_assets_at_par_need_no_price(case, crew):
    offer = draft(case, crew, action("refund", "USDC", "5.5"), action("voucher", "USD", "2"))
    assert offer.usd_total == Decimal("7.50")
    assert set(offer.usd_rates) == {"USDC", "USD"}


# --- Consistency with earlier decisions -----------------------------------------------------


def test_with_no_precedent_a_justification_of_20_characters_is_required(case, crew):
    with pytest.raises(ApplicationError) as exc_info:
        draft(case, crew, action(), justification="x" * 19)
    assert "justification" in exc_info.value.extra["errors"]

    offer = draft(case, crew, action(), justification="  " + "y" * 20 + "  ")
    offer = ResolutionOffer.objects.get(pk=offer.pk)
    assert offer.departs_from_precedent is True
    assert offer.precedents == []
    assert offer.justification == "y" * 20


def test_inside_the_range_of_precedents_no_justification_is_needed(team, case, crew):
    low = resolved_precedent(team, refund="100")
    high = resolved_precedent(team, refund="300")
    # Another category or finding is not comparable.
    resolved_precedent(team, refund="200", category="fees")

    offer = draft(case, crew, action("refund", "USDT", "200"), justification="")
    offer = ResolutionOffer.objects.get(pk=offer.pk)
    assert offer.departs_from_precedent is False
    assert offer.justification == ""
    assert {p["reference"] for p in offer.precedents} == {low.reference, high.reference}
    assert {Decimal(p["usd_total"]) for p in offer.precedents} == {Decimal(100), Decimal(300)}
    assert all("Refund" in p["actions"] for p in offer.precedents)

    # Outside their range: a written justification, stored with the precedents.
    with pytest.raises(ApplicationError, match="departs from similar earlier cases"):
        offer_edit(offer=offer, actor=crew.handler, terms=usdt("450", justification=""))
    why = "Two fees were charged, not one."
    offer = offer_edit(offer=offer, actor=crew.handler, terms=usdt("450", justification=why))
    assert offer.departs_from_precedent is True
    assert offer.justification == why
    assert len(offer.precedents) == 2


# --- Sending freezes the terms --------------------------------------------------------------


def test_sending_freezes_the_terms_and_keys_the_executed_actions(case, crew):
    offer = draft(case, crew, action("refund", "USDT", "25"), action("security_advice"))
    offer_submit(offer=offer, actor=crew.handler)
    case = offer_send(offer=offer, actor=crew.handler)

    assert case.state == CaseState.RESOLUTION_PROPOSED
    assert case.resolution_summary == offer.summary
    offer = ResolutionOffer.objects.get(pk=offer.pk)
    assert offer.state == OfferState.SENT
    assert offer.sent_at is not None
    assert offer.expires_at > offer.sent_at
    refund, advice = offer.actions.order_by("position")
    assert refund.frozen
    assert advice.frozen
    assert refund.idempotency_key == f"{case.reference}:v1:a1"
    assert advice.idempotency_key is None

    with pytest.raises(ConflictError, match="never changes"):
        offer_edit(offer=offer, actor=crew.handler, terms=usdt("26"))
    with pytest.raises(ConflictError):
        offer_discard(offer=offer, actor=crew.handler, reason="Changed my mind.")
    assert ResolutionOffer.objects.get(pk=offer.pk).actions.get(position=1).amount == Decimal("25")


def test_an_unapproved_offer_is_not_sent(case, crew):
    offer = offer_draft(case=case, actor=crew.handler, terms=usdt("5000"))
    offer_submit(offer=offer, actor=crew.handler)
    with pytest.raises(ApplicationError, match="approved"):
        offer_send(offer=offer, actor=crew.handler)
    assert Case.objects.get(pk=case.pk).state == CaseState.RESPONSIBILITY_DETERMINED


def test_one_open_offer_per_case_and_versions_count_up(case, crew):
    first = offer_draft(case=case, actor=crew.handler, terms=usdt("5"))
    with pytest.raises(ConflictError, match="already has an open offer"):
        offer_draft(case=case, actor=crew.handler, terms=usdt("6"))
    offer_discard(offer=first, actor=crew.handler, reason="Wrong asset.")
    second = offer_draft(case=case, actor=crew.handler, terms=usdt("6"))
    assert (first.version, second.version) == (1, 2)


def test_only_someone_who_may_propose_drafts(case, crew):
    with pytest.raises(PermissionDeniedError):
        offer_draft(case=case, actor=crew.approver, terms=usdt("5"))


# --- The customer's answer ------------------------------------------------------------------


def test_accepting_twice_is_one_transition_and_queues_execution_after_commit(
    case, crew, django_capture_on_commit_callbacks
):
    offer = sent(case, crew)
    with django_capture_on_commit_callbacks() as callbacks:
        offer_decide(offer=offer, accept=True, channel="portal", actor=PORTAL)
    # After commit only: the "we recorded your answer" email, execution_start, and the email of
    # the summary resolution communication (an FCA complaint accepted within three business
    # days of receipt).
    assert len(callbacks) == 3
    again = offer_decide(offer=offer, accept=True, channel="api", actor=customer_actor("api"))
    decision = Notification.objects.filter(case=case, kind="case.decision_recorded")
    assert sorted(decision.values_list("channel", flat=True)) == ["email", "portal"]

    assert again.state == OfferState.ACCEPTED
    assert again.decision_channel == "portal"
    assert Case.objects.get(pk=case.pk).state == CaseState.RESOLUTION_ACCEPTED
    assert events(case, CaseEventType.TRANSITION_RECORD_ACCEPTANCE) == 1
    assert offer.history.filter(state=OfferState.ACCEPTED).count() == 1


def test_a_different_second_answer_is_a_conflict(case, crew):
    offer = sent(case, crew)
    offer_decide(offer=offer, accept=False, channel="portal", actor=PORTAL, reason="Too low.")
    with pytest.raises(ConflictError, match="already rejected"):
        offer_decide(offer=offer, accept=True, channel="portal", actor=PORTAL)
    assert ResolutionOffer.objects.get(pk=offer.pk).decision_reason == "Too low."
    assert events(case, CaseEventType.TRANSITION_RECORD_REJECTION) == 1
    assert events(case, CaseEventType.TRANSITION_RECORD_ACCEPTANCE) == 0


def test_a_rejection_needs_a_reason(case, crew):
    offer = sent(case, crew)
    with pytest.raises(ApplicationError, match="why"):
        offer_decide(offer=offer, accept=False, channel="portal", actor=PORTAL, reason=" ")


def test_the_customers_channels_take_only_the_customer(case, crew):
    offer = sent(case, crew)
    for channel in ("portal", "api", "email_link"):
        with pytest.raises(PermissionDeniedError, match="Only the customer"):
            offer_decide(offer=offer, accept=True, channel=channel, actor=crew.handler)
    with pytest.raises(ApplicationError, match="Unknown channel"):
        offer_decide(offer=offer, accept=True, channel="expiry", actor=SystemActor("x"))
    assert ResolutionOffer.objects.get(pk=offer.pk).state == OfferState.SENT


def test_staff_record_an_answer_only_citing_a_message_of_the_case(team, case, crew):
    offer = sent(case, crew)
    other = make_case(team=team, assignee=crew.handler)
    elsewhere = message_post_staff(case=other, actor=crew.handler, body="Hello.")
    note = message_post_staff(
        case=case,
        actor=crew.handler,
        body="Customer called: accepts the refund.",
        internal=True,
    )
    for source in ("", "note", f"message:{elsewhere.pk}", "message:999999", f"call:{note.pk}"):
        with pytest.raises(ApplicationError) as exc_info:
            offer_decide(
                offer=offer, accept=True, channel="staff", actor=crew.handler, source=source
            )
        assert "source" in exc_info.value.extra["errors"]
    with pytest.raises(PermissionDeniedError):
        offer_decide(
            offer=offer,
            accept=True,
            channel="staff",
            actor=crew.approver,
            source=f"message:{note.pk}",
        )
    assert ResolutionOffer.objects.get(pk=offer.pk).state == OfferState.SENT

    offer = offer_decide(
        offer=offer, accept=True, channel="staff", actor=crew.handler, source=f"message:{note.pk}"
    )
    assert offer.state == OfferState.ACCEPTED
    assert offer.decision_recorded_by == crew.handler
    assert offer.decision_source == f"message:{note.pk}"
    event = CaseEvent.objects.get(case=case, type=CaseEventType.TRANSITION_RECORD_ACCEPTANCE)
    assert event.actor == crew.handler


def test_an_expired_offer_takes_no_answer(case, crew, settings):
    settings.OFFER_VALID_FOR = timedelta(seconds=-1)
    offer = sent(case, crew)
    with pytest.raises(ConflictError, match="expired"):
        offer_decide(offer=offer, accept=True, channel="portal", actor=PORTAL)
    assert ResolutionOffer.objects.get(pk=offer.pk).state == OfferState.SENT
    assert Case.objects.get(pk=case.pk).state == CaseState.RESOLUTION_PROPOSED


def test_the_expiry_sweep_hands_the_case_back_once(case, crew, settings):
    settings.OFFER_VALID_FOR = timedelta(seconds=-1)
    offer = sent(case, crew)
    still_open = case_at_finding(case.team, crew.handler)
    settings.OFFER_VALID_FOR = timedelta(days=14)
    sent(still_open, crew)

    assert offers_expire_sweep() == 1
    assert offers_expire_sweep() == 0

    offer = ResolutionOffer.objects.get(pk=offer.pk)
    assert offer.state == OfferState.EXPIRED
    assert offer.decision_channel == "expiry"
    assert Case.objects.get(pk=case.pk).state == CaseState.PROPOSAL_REJECTED
    assert events(case, CaseEventType.OFFER_EXPIRED) == 1
    assert events(case, CaseEventType.TRANSITION_RECORD_REJECTION) == 1
    rejection = CaseEvent.objects.get(case=case, type=CaseEventType.TRANSITION_RECORD_REJECTION)
    assert rejection.actor_label == "system:task:offers_expire_sweep"
    # The customer is told, once (email and portal).
    told = Notification.objects.filter(case=case, kind="case.offer_expired")
    assert sorted(told.values_list("channel", flat=True)) == ["email", "portal"]
    assert Case.objects.get(pk=still_open.pk).state == CaseState.RESOLUTION_PROPOSED
    # The handler may send a revised offer now.
    assert offer_draft(case=case, actor=crew.handler, terms=usdt("30")).version == 2


def test_withdrawing_the_case_withdraws_the_offer_with_the_customer(case, crew):
    offer = sent(case, crew)
    case_transition(
        case=case, transition="withdraw", actor=SYSTEM, reason="The customer withdrew by email."
    )
    offer = ResolutionOffer.objects.get(pk=offer.pk)
    assert offer.state == OfferState.WITHDRAWN
    assert offer.decided_at is not None
    row = offer.history.latest()
    assert row.history_change_reason == "The customer withdrew the complaint"
    assert row.history_actor == "system:tests"


def test_withdrawing_drops_an_offer_being_prepared(case, crew):
    offer = offer_draft(case=case, actor=crew.handler, terms=usdt("5000"))
    offer_submit(offer=offer, actor=crew.handler)
    case_transition(case=case, transition="withdraw", actor=SYSTEM, reason="Withdrawn by phone.")
    assert ResolutionOffer.objects.get(pk=offer.pk).state == OfferState.DISCARDED


# --- History --------------------------------------------------------------------------------


def test_every_change_of_offer_and_action_is_in_the_history_with_actor_and_reason(case, crew):
    offer = draft(case, crew, action("refund", "USDT", "20"))
    offer = offer_edit(offer=offer, actor=crew.handler, terms=usdt("25"))
    offer_submit(offer=offer, actor=crew.handler)
    offer_send(offer=offer, actor=crew.handler)
    offer_decide(offer=offer, accept=True, channel="portal", actor=PORTAL)

    offer_rows = list(ResolutionOffer.history.filter(id=offer.pk).order_by("history_id"))
    assert [r.history_change_reason for r in offer_rows] == [
        "Offer drafted",
        "Offer v1 terms",
        "Offer v1 terms",
        "Needs no approval",
        "Offer v1 sent to the customer",
        "Customer accepted (portal)",
    ]
    handler = f"user:{crew.handler.pk}:{crew.handler.username}"
    assert [r.history_actor for r in offer_rows] == [handler] * 5 + ["system:customer:portal"]

    action_rows = OfferAction.history.filter(offer_id=offer.pk).order_by("history_id")
    assert [(r.history_type, r.amount, r.history_change_reason) for r in action_rows] == [
        ("+", Decimal("20"), "Offer v1"),
        ("-", Decimal("20"), "Replaced by an edit of the offer"),
        ("+", Decimal("25"), "Offer v1"),
        ("~", Decimal("25"), "Offer v1 sent"),
    ]
    assert {r.history_actor for r in action_rows} == {handler}
    assert not ResolutionOffer.history.filter(history_change_reason__in=["", None]).exists()
    assert not OfferAction.history.filter(history_actor="").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_expiry_sweeps_at_once_have_one_effect(team, settings):
    # Real connections race, so the test commits: after an earlier transactional test's flush
    # the asset rows of the data migration are gone (post_migrate brings back only the roles).
    Asset.objects.get_or_create(
        code="USDT",
        defaults={"name": "Tether USD", "kind": "crypto", "decimals": 6, "usd_par": True},
    )
    crew = people(team)
    settings.OFFER_VALID_FOR = timedelta(seconds=-1)
    cases = [case_at_finding(team, crew.handler) for _ in range(3)]
    for case in cases:
        sent(case, crew)
    barrier = threading.Barrier(2)
    results = {}

    def sweep():
        barrier.wait(5)
        return offers_expire_sweep()

    run_all([in_thread(sweep, results, n) for n in range(2)], timeout=30)
    close_old_connections()

    assert all(isinstance(n, int) for n in results.values()), results
    assert sum(results.values()) == 3
    for case in cases:
        assert Case.objects.get(pk=case.pk).state == CaseState.PROPOSAL_REJECTED
        assert events(case, CaseEventType.OFFER_EXPIRED) == 1
        assert events(case, CaseEventType.TRANSITION_RECORD_REJECTION) == 1
        assert Notification.objects.filter(case=case, kind="case.offer_expired").count() == 2
