"""The demo adapter over the synthetic ledger: the same contract as the HTTP adapter."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from cases.gateway.port import (
    ActionRequest,
    GatewayIntegrityError,
    GatewayNotFound,
    GatewayRejected,
)
from demo.gateway import DemoExchangeGateway
from demo.models import LedgerAccountStatus, LedgerAction, LedgerRecordKind
from tests.factories.demo import LedgerAccountFactory, LedgerPriceFactory, LedgerRecordFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 1, tzinfo=UTC)
END = START + timedelta(days=1)


@pytest.fixture
def account():
    return LedgerAccountFactory(
        account_id="EX-1001",
        status=LedgerAccountStatus.FROZEN,
        kyc_level=2,
        opened_at=datetime(2024, 1, 5, 8, tzinfo=UTC),
    )


def deposit(account, record_id, at, **data):
    return LedgerRecordFactory(
        account=account,
        kind=LedgerRecordKind.DEPOSIT,
        record_id=record_id,
        occurred_at=at,
        data={"asset": "USDT", "network": "TRC20", "amount": "100", "status": "credited"} | data,
    )


def test_records_cover_the_window_start_inclusive_end_exclusive(account):
    deposit(account, "D-before", START - timedelta(microseconds=1))
    deposit(account, "D-start", START)
    deposit(account, "D-inside", START + timedelta(hours=5))
    deposit(account, "D-end", END)
    other = LedgerAccountFactory(account_id="EX-2002")
    deposit(other, "D-other", START + timedelta(hours=1))

    rows = DemoExchangeGateway().records("EX-1001", "deposits", START, END)

    assert [row["deposit_id"] for row in rows] == ["D-start", "D-inside"]
    assert rows[0]["time"] == "2026-03-01T00:00:00Z"


def test_records_come_back_in_the_port_shape_with_decimal_strings(account):
    deposit(account, "D-1", START, amount="1E-7", confirmations=19, secret_note="dropped")
    LedgerRecordFactory(
        account=account,
        kind=LedgerRecordKind.TRADE,
        record_id="T-1",
        occurred_at=START,
        data={"symbol": "BTCUSDT", "price": "65000.50", "quantity": "0.0010", "fee": "0"},
    )
    gateway = DemoExchangeGateway()

    [dep] = gateway.records("EX-1001", "deposits", START, END)
    [trade] = gateway.records("EX-1001", "trades", START, END)

    assert dep == {
        "deposit_id": "D-1",
        "time": "2026-03-01T00:00:00Z",
        "asset": "USDT",
        "network": "TRC20",
        "amount": "0.0000001",
        "txid": None,
        "confirmations": "19",
        "status": "credited",
        "credited_at": None,
    }
    assert (trade["price"], trade["quantity"], trade["fee"]) == ("65000.50", "0.0010", "0")
    assert trade["realized_pnl"] is None


def test_a_float_in_the_ledger_is_refused(account):
    deposit(account, "D-float", START, amount=0.1)

    with pytest.raises(GatewayIntegrityError, match="float"):
        DemoExchangeGateway().records("EX-1001", "deposits", START, END)


def test_prices_filter_symbols_and_window():
    for symbol, at, price in [
        ("BTCUSDT", START - timedelta(minutes=5), "64000"),
        ("BTCUSDT", START, "65000.5"),
        ("BTCUSDT", START + timedelta(minutes=5), "64990.25"),
        ("BTCUSDT", END, "1"),
        ("ETHUSDT", START, "3000"),
    ]:
        LedgerPriceFactory(symbol=symbol, at=at, price=Decimal(price))

    rows = DemoExchangeGateway().prices(["BTCUSDT"], START, END)

    assert [(row["symbol"], row["time"]) for row in rows] == [
        ("BTCUSDT", "2026-03-01T00:00:00Z"),
        ("BTCUSDT", "2026-03-01T00:05:00Z"),
    ]
    for row, expected in zip(rows, ["65000.5", "64990.25"], strict=True):
        assert isinstance(row["price"], str)
        assert "E" not in row["price"]
        assert Decimal(row["price"]) == Decimal(expected)


def test_account_status_lists_the_freezes(account):
    LedgerRecordFactory(
        account=account,
        kind=LedgerRecordKind.FREEZE,
        record_id="F-1",
        occurred_at=START,
        data={"scope": "account", "reason": "suspected takeover", "by": "security"},
    )

    status = DemoExchangeGateway().account_status("EX-1001")

    assert (status.account_id, status.status, status.kyc_level) == ("EX-1001", "frozen", 2)
    assert status.opened_at == "2024-01-05T08:00:00Z"
    assert status.freezes == (
        {
            "freeze_id": "F-1",
            "time": "2026-03-01T00:00:00Z",
            "scope": "account",
            "reason": "suspected takeover",
            "by": "security",
            "lifted_at": None,
        },
    )


def test_an_unknown_account_is_not_found(db):
    gateway = DemoExchangeGateway()

    with pytest.raises(GatewayNotFound) as caught:
        gateway.account_status("EX-404")
    assert caught.value.status == 404
    with pytest.raises(GatewayNotFound):
        gateway.records("EX-404", "orders", START, END)
    with pytest.raises(GatewayNotFound):
        gateway.perform(ActionRequest("refund", "EX-404", "k-404", {"amount": "1"}))


def test_prices_are_not_records(account):
    with pytest.raises(GatewayRejected):
        DemoExchangeGateway().records("EX-1001", "prices", START, END)
    with pytest.raises(GatewayRejected):
        DemoExchangeGateway().records("EX-1001", "secrets", START, END)


def test_perform_is_idempotent(account):
    gateway = DemoExchangeGateway()
    action = ActionRequest("refund", "EX-1001", "case-7-refund-1", {"amount": "12.50"})

    first = gateway.perform(action)
    second = gateway.perform(action)

    assert LedgerAction.objects.filter(idempotency_key="case-7-refund-1").count() == 1
    assert (first.status, first.replayed) == ("done", False)
    assert second.replayed is True
    assert (second.reference, second.detail) == (first.reference, {"amount": "12.50"})


def test_a_reused_key_with_other_params_is_rejected(account):
    gateway = DemoExchangeGateway()
    gateway.perform(ActionRequest("refund", "EX-1001", "k-1", {"amount": "12.50"}))

    with pytest.raises(GatewayRejected) as caught:
        gateway.perform(ActionRequest("refund", "EX-1001", "k-1", {"amount": "99"}))
    assert caught.value.status == 409
    with pytest.raises(GatewayRejected):
        gateway.perform(ActionRequest("voucher", "EX-1001", "k-1", {"amount": "12.50"}))
    assert LedgerAction.objects.count() == 1


def test_an_unknown_action_is_rejected(account):
    with pytest.raises(GatewayRejected):
        DemoExchangeGateway().perform(ActionRequest("drain_wallet", "EX-1001", "k-x"))
    assert not LedgerAction.objects.exists()


def test_unfreeze_sets_the_account_active(account):
    result = DemoExchangeGateway().perform(ActionRequest("unfreeze", "EX-1001", "k-unfreeze"))

    account.refresh_from_db()
    assert account.status == LedgerAccountStatus.ACTIVE
    assert result.status == "done"
    assert DemoExchangeGateway().account_status("EX-1001").status == "active"


def test_a_reversal_names_a_transaction_of_the_account(account):
    other = LedgerAccountFactory(account_id="EX-2002")
    deposit(account, "D-1", START, txid="0xabc")
    deposit(other, "D-2", START, txid="0xother")
    gateway = DemoExchangeGateway()

    by_id = gateway.perform(
        ActionRequest("reverse_transaction", "EX-1001", "k-r1", {"target": "D-1"})
    )
    by_txid = gateway.perform(
        ActionRequest("reverse_transaction", "EX-1001", "k-r2", {"target": "0xabc"})
    )
    assert (by_id.status, by_txid.status) == ("done", "done")

    for key, params in [
        ("k-r3", {"target": "CAP-5517-0932-B"}),  # unknown to the exchange
        ("k-r4", {"target": "0xother"}),  # another account's
        ("k-r5", {}),  # none named
    ]:
        with pytest.raises(GatewayRejected, match="nothing to reverse") as caught:
            gateway.perform(ActionRequest("reverse_transaction", "EX-1001", key, params))
        assert caught.value.status == 422
    assert set(LedgerAction.objects.values_list("idempotency_key", flat=True)) == {"k-r1", "k-r2"}
    # A repeat of a reversal already done is answered from the record, as any action.
    again = gateway.perform(
        ActionRequest("reverse_transaction", "EX-1001", "k-r1", {"target": "D-1"})
    )
    assert again.replayed is True
