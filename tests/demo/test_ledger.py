from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from cases.gateway.port import RecordKind
from demo.data import CASES
from demo.data.people import ACCOUNTS
from demo.data.timeline import received_at
from demo.gateway import DemoExchangeGateway
from demo.ledger import incident_kinds, incident_window, ledger_seed
from demo.ledger.incidents import find_incident
from demo.ledger.seed import plan_books
from demo.models import LedgerAccount, LedgerPrice, LedgerRecord

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


def case(subject_part: str):
    return next(spec for spec in CASES if subject_part in spec.subject)


@pytest.fixture
def seeded():
    created = ledger_seed(now=NOW)
    return created


def test_seed_is_idempotent(seeded):
    counts = (LedgerAccount.objects.count(), LedgerRecord.objects.count())
    assert seeded == counts[0] + counts[1] + LedgerPrice.objects.count()
    assert ledger_seed(now=NOW) == 0
    # A later run (another day's `now`) finds everything present too.
    assert ledger_seed(now=NOW + timedelta(days=3)) == 0
    assert (LedgerAccount.objects.count(), LedgerRecord.objects.count()) == counts


def test_every_case_account_exists(seeded):
    wanted = {spec.account_id for spec in CASES}
    assert set(LedgerAccount.objects.values_list("account_id", flat=True)) == wanted
    assert set(ACCOUNTS.values()) <= wanted


def test_planned_record_ids_are_unique():
    books, _opened, _prices = plan_books(NOW)
    keys = [(row[0], row[1]) for book in books.values() for row in book.rows]
    assert len(keys) == len(set(keys))


def test_incident_records_are_before_the_case_and_inside_the_window(seeded):
    gateway = DemoExchangeGateway()
    for spec in CASES:
        if find_incident(spec) is None:
            continue
        start, end = incident_window(spec, now=NOW)
        received = received_at(spec, now=NOW)
        assert start < received
        kinds = [k for k in incident_kinds(spec) if k != RecordKind.PRICES]
        found = [
            row for kind in kinds for row in gateway.records(spec.account_id, kind, start, end)
        ]
        assert found, spec.subject
        assert all(datetime.fromisoformat(row["time"]) < received for row in found)


def test_phished_account_logs_in_from_a_new_ip(seeded):
    spec = case("Phishing site drained my account")
    gateway = DemoExchangeGateway()
    start, end = incident_window(spec, now=NOW)
    before = gateway.records(spec.account_id, RecordKind.LOGINS, start - timedelta(days=900), start)
    during = gateway.records(spec.account_id, RecordKind.LOGINS, start, end)
    known = {row["ip"] for row in before}
    assert known
    assert {row["ip"] for row in during} - known
    actions = [row["action"] for row in gateway.records(spec.account_id, "operations", start, end)]
    assert {"2fa_reset", "api_key_created", "withdrawal_address_added"} <= set(actions)
    withdrawals = gateway.records(spec.account_id, RecordKind.WITHDRAWALS, start, end)
    assert [(w["withdrawal_id"], w["amount"]) for w in withdrawals] == [
        ("WD-87990312", "2.10000000")
    ]
    freezes = gateway.records(spec.account_id, RecordKind.FREEZES, start, end)
    assert freezes[0]["by"] == "Security"
    assert freezes[0]["time"] > withdrawals[0]["time"]
    assert set(incident_kinds(spec)) >= {"logins", "operations", "withdrawals", "freezes"}


def test_leverage_loss_has_a_liquidation_and_prices(seeded):
    spec = case("Futures position liquidated")
    gateway = DemoExchangeGateway()
    start, end = incident_window(spec, now=NOW)
    trades = gateway.records(spec.account_id, RecordKind.TRADES, start, end)
    losses = [t for t in trades if t["realized_pnl"] and Decimal(t["realized_pnl"]) < 0]
    assert losses
    assert losses[0]["trade_id"] == "FUT-TRD-3310284"
    orders = gateway.records(spec.account_id, RecordKind.ORDERS, start, end)
    assert {o["leverage"] for o in orders} == {"20"}
    liquidated = next(o for o in orders if o["order_id"] == "FUT-LIQ-3310284")
    assert liquidated["time"].endswith("T02:14:00Z")
    prices = gateway.prices(["BTCUSDT"], start, end)
    assert len(prices) >= 24
    values = [Decimal(p["price"]) for p in prices]
    assert values[0] - min(values) > Decimal("2500")
    assert "prices" in incident_kinds(spec)


def test_alice_deposit_is_pending_with_her_txid(seeded):
    spec = case("USDT deposit via TRC20 not credited")
    assert spec.account_id == ACCOUNTS["alice"]
    start, end = incident_window(spec, now=NOW)
    deposits = DemoExchangeGateway().records(spec.account_id, RecordKind.DEPOSITS, start, end)
    assert len(deposits) == 1
    deposit = deposits[0]
    assert deposit["txid"] == spec.transactions[0]
    assert deposit["status"] == "pending"
    assert deposit["amount"] == "1250.00"
    assert deposit["network"] == "TRC20"
    assert deposit["credited_at"] is None
    assert int(deposit["confirmations"]) > 400


def test_stuck_withdrawal_and_p2p_appeal(seeded):
    gateway = DemoExchangeGateway()
    spec = case("Withdrawal held for risk review for 5 days")
    start, end = incident_window(spec, now=NOW)
    [held] = gateway.records(spec.account_id, RecordKind.WITHDRAWALS, start, end)
    assert held["status"] == "pending_review"
    actions = [row["action"] for row in gateway.records(spec.account_id, "operations", start, end)]
    assert "risk_review_opened" in actions

    spec = case("P2P 交易对方提供伪造付款凭证")
    start, end = incident_window(spec, now=NOW)
    [trade] = gateway.records(spec.account_id, RecordKind.TRADES, start, end)
    assert trade["counterparty"]
    assert trade["quantity"] == "5000.00"
    actions = [row["action"] for row in gateway.records(spec.account_id, "operations", start, end)]
    assert {"p2p_marked_paid", "p2p_released", "p2p_appeal_opened"} <= set(actions)


def test_default_kinds_and_window_for_other_cases():
    spec = case("Mobile app crashes")
    assert incident_kinds(spec) == ["deposits", "withdrawals", "trades"]
    start, end = incident_window(spec, now=NOW)
    assert end - start == timedelta(days=7)


def test_every_record_normalizes(seeded):
    gateway = DemoExchangeGateway()
    start, end = NOW - timedelta(days=2000), NOW + timedelta(days=1)
    total = 0
    for account_id in LedgerAccount.objects.values_list("account_id", flat=True):
        for kind in RecordKind.values:
            if kind == RecordKind.PRICES:
                continue
            total += len(gateway.records(account_id, kind, start, end))
        gateway.account_status(account_id)
    assert total == LedgerRecord.objects.count()
    symbols = list(LedgerPrice.objects.values_list("symbol", flat=True).distinct())
    assert len(gateway.prices(symbols, start, end)) == LedgerPrice.objects.count()


def test_no_float_in_any_record(seeded):
    def walk(value, path):
        assert not isinstance(value, float), path
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")

    for record_id, data in LedgerRecord.objects.values_list("record_id", "data"):
        walk(data, record_id)
