"""Fixtures of the investigation screens: a handler of the team, and a case under investigation
whose complainant holds an account in the demo ledger."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases.enums import CaseState
from cases.roles import CASE_HANDLER
from demo.models import LedgerRecordKind
from tests.factories.demo import (
    DepositRecordFactory,
    LedgerAccountFactory,
    LedgerRecordFactory,
    TradeRecordFactory,
)
from tests.support.investigation import ACCOUNT, COUNTERPARTY, END, START
from tests.support.lifecycle import path_to


@pytest.fixture
def ledger(db):
    account = LedgerAccountFactory(account_id=ACCOUNT, kyc_level=2)
    TradeRecordFactory(
        account=account,
        record_id="T-9001",
        occurred_at=START + timedelta(days=1),
        data__order_id="O-9001",
    )
    DepositRecordFactory(
        account=account,
        record_id="D-9001",
        occurred_at=START + timedelta(hours=2),
        data__txid="0xdep9001",
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
