"""Fixtures of the investigation screens: a handler of the team, and a case under investigation
whose complainant holds an account in the demo ledger."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases.enums import CaseState
from cases.roles import CASE_HANDLER
from demo.models import LedgerRecordKind
from tests.factories.demo import LedgerAccountFactory, LedgerRecordFactory
from tests.support.investigation import ACCOUNT, COUNTERPARTY, END, START
from tests.support.lifecycle import path_to


@pytest.fixture
def ledger(db):
    account = LedgerAccountFactory(account_id=ACCOUNT, kyc_level=2)
    LedgerRecordFactory(
        account=account,
        kind=LedgerRecordKind.TRADE,
        record_id="T-9001",
        occurred_at=START + timedelta(days=1),
        data={
            "order_id": "O-9001",
            "market": "spot",
            "symbol": "BTCUSDT",
            "side": "buy",
            "price": "27150.10",
            "quantity": "0.0125",
            "fee": "0.34",
            "fee_asset": "USDT",
        },
    )
    LedgerRecordFactory(
        account=account,
        kind=LedgerRecordKind.DEPOSIT,
        record_id="D-9001",
        occurred_at=START + timedelta(hours=2),
        data={
            "asset": "USDT",
            "network": "TRC20",
            "amount": "1500.50",
            "txid": "0xdep9001",
            "status": "credited",
        },
    )
    # After the window: not pulled.
    LedgerRecordFactory(
        account=account,
        kind=LedgerRecordKind.TRADE,
        record_id="T-LATE",
        occurred_at=END + timedelta(hours=1),
        data={"symbol": "BTCUSDT", "price": "1"},
    )
    return account


@pytest.fixture
def handler(staff, team):
    return staff(CASE_HANDLER, teams=[team])


@pytest.fixture
def case(case_factory, team, ledger):
    return case_factory(
        team=team,
        state_path=path_to(CaseState.INVESTIGATING),
        complainant_account_id=ACCOUNT,
        counterparty_account_id=COUNTERPARTY,
    )
