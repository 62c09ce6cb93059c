"""Rows of the demo exchange ledger (`demo.models`), the records the demo gateway serves.

The ledger is not a tracked model (no history, no services), so these are plain model
factories. A test names the fields it asserts on; what it leaves out gets a unique id or the
model's own default.
"""

import factory
from django.utils import timezone

from demo.models import LedgerAccount, LedgerPrice, LedgerRecord, LedgerRecordKind


class LedgerAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LedgerAccount

    account_id = factory.Sequence(lambda n: f"EX-F{n:04d}")


class LedgerRecordFactory(factory.django.DjangoModelFactory):
    """One record; `data` holds the kind's fields as the exchange sends them (strings)."""

    class Meta:
        model = LedgerRecord

    account = factory.SubFactory(LedgerAccountFactory)
    kind = LedgerRecordKind.TRADE
    record_id = factory.Sequence(lambda n: f"R-F{n:05d}")
    occurred_at = factory.LazyFunction(timezone.now)


class LedgerPriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LedgerPrice

    symbol = "BTCUSDT"
    at = factory.LazyFunction(timezone.now)


class TradeRecordFactory(LedgerRecordFactory):
    """A spot trade: buying 0.0125 BTC for USDT. Override single fields as `data__price=...`."""

    kind = LedgerRecordKind.TRADE
    data = factory.Dict(
        {
            "order_id": factory.Sequence(lambda n: f"O-F{n:05d}"),
            "market": "spot",
            "symbol": "BTCUSDT",
            "side": "buy",
            "price": "27150.10",
            "quantity": "0.0125",
            "fee": "0.34",
            "fee_asset": "USDT",
        }
    )


class DepositRecordFactory(LedgerRecordFactory):
    """A credited USDT deposit on TRC20. Override single fields as `data__amount=...`."""

    kind = LedgerRecordKind.DEPOSIT
    data = factory.Dict(
        {
            "asset": "USDT",
            "network": "TRC20",
            "amount": "1500.50",
            "txid": factory.Sequence(lambda n: f"0xdepf{n:05d}"),
            "status": "credited",
        }
    )
