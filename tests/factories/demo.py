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
