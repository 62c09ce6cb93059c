"""Exchange-record snapshots: pulled through the gateway, frozen as canonical JSON evidence with
their hash, refused by the database if changed, and never shown once the stored file differs."""

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cases import roles
from cases.enums import CaseState
from cases.gateway import RECORD_FIELDS, GatewayUnavailable, RecordKind
from cases.models import (
    CaseEvent,
    Evidence,
    EvidenceKind,
    Snapshot,
)
from cases.services.snapshots import canonical_json, snapshot_pull, snapshot_read
from complaints_site.common.exceptions import (
    ApplicationError,
    PermissionDeniedError,
    ServiceUnavailableError,
)
from demo.gateway import DemoExchangeGateway
from demo.models import LedgerRecordKind
from tests.factories.demo import (
    DepositRecordFactory,
    LedgerAccountFactory,
    LedgerRecordFactory,
    TradeRecordFactory,
)
from tests.support.lifecycle import path_to

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ACCOUNT = "EX-7001"
START = (timezone.now() - timedelta(days=10)).replace(microsecond=0)
END = START + timedelta(days=5)
KINDS = [RecordKind.DEPOSITS, RecordKind.TRADES]


@pytest.fixture
def ledger():
    account = LedgerAccountFactory(
        account_id=ACCOUNT, kyc_level=2, opened_at=datetime(2024, 1, 5, 8, tzinfo=UTC)
    )
    DepositRecordFactory(
        account=account,
        record_id="D-1",
        occurred_at=START + timedelta(hours=1),
        data__txid="0xdep1",
    )
    TradeRecordFactory(
        account=account,
        record_id="T-1",
        occurred_at=START + timedelta(days=1),
        data__order_id="O-1",
        data__price="64000.10",
        data__fee="0.8",
    )
    LedgerRecordFactory(
        account=account,
        kind=LedgerRecordKind.TRADE,
        record_id="T-2",
        occurred_at=START + timedelta(days=2),
        data={"order_id": "O-2", "symbol": "BTCUSDT", "side": "sell", "price": "65000"},
    )
    # Outside the window: not pulled.
    LedgerRecordFactory(
        account=account,
        kind=LedgerRecordKind.TRADE,
        record_id="T-late",
        occurred_at=END,
        data={"symbol": "BTCUSDT", "price": "1"},
    )
    return account


@pytest.fixture
def case(case_factory, team, ledger):
    return case_factory(
        team=team,
        state_path=path_to(CaseState.INVESTIGATING),
        complainant_account_id=ACCOUNT,
    )


@pytest.fixture
def handler(staff, team):
    return staff(roles.CASE_HANDLER, teams=[team])


def _pull(case, actor, **overrides):
    kwargs = {
        "case": case,
        "actor": actor,
        "account_id": ACCOUNT,
        "kinds": list(KINDS),
        "start": START,
        "end": END,
        "gateway": DemoExchangeGateway(),
        **overrides,
    }
    return snapshot_pull(**kwargs)


def _stored(evidence) -> bytes:
    with evidence.file.open("rb") as handle:
        return handle.read()


def _nothing_saved():
    return not Evidence.objects.filter(kind=EvidenceKind.SNAPSHOT).exists() and (
        not Snapshot.objects.exists()
    )


def test_pull_freezes_the_records_as_canonical_json_with_their_hash(case, handler):
    evidence = _pull(case, handler)

    evidence.refresh_from_db()
    assert evidence.kind == EvidenceKind.SNAPSHOT
    assert evidence.content_type == "application/json"
    assert evidence.added_by == handler
    snapshot = Snapshot.objects.get(evidence=evidence)
    assert snapshot.case == case
    assert snapshot.record_count == 3
    # In the port's order of record kinds, whatever order they were asked in.
    assert snapshot.kinds == ["trades", "deposits"]
    assert (snapshot.window_start, snapshot.window_end) == (START, END)
    assert snapshot.source == DemoExchangeGateway.name
    assert snapshot.pulled_by == handler
    content = _stored(evidence)
    assert snapshot.sha256 == hashlib.sha256(content).hexdigest() == evidence.sha256
    assert evidence.size == len(content)
    payload = json.loads(content)
    assert canonical_json(payload) == content
    assert payload["case"] == case.reference
    assert payload["account"]["account_id"] == ACCOUNT
    assert [d["deposit_id"] for d in payload["records"]["deposits"]] == ["D-1"]
    assert [t["trade_id"] for t in payload["records"]["trades"]] == ["T-1", "T-2"]
    assert payload["records"]["deposits"][0]["amount"] == "1500.50"
    trade = payload["records"]["trades"][0]
    assert (trade["price"], trade["quantity"], trade["fee"]) == ("64000.10", "0.0125", "0.8")
    for rows in payload["records"].values():
        for row in rows:
            assert all(value is None or isinstance(value, str) for value in row.values())
    event = CaseEvent.objects.get(case=case, type="evidence.snapshot.pulled")
    assert event.data["sha256"] == evidence.sha256
    assert event.data["records"] == 3


def test_the_database_refuses_to_change_or_delete_a_snapshot(case, handler):
    evidence = _pull(case, handler)
    snapshot = Snapshot.objects.get(evidence=evidence)
    statements = [
        ("UPDATE cases_snapshot SET record_count = 0 WHERE id = %s", snapshot.pk),
        ("UPDATE cases_snapshot SET sha256 = repeat('0', 64) WHERE id = %s", snapshot.pk),
        ("DELETE FROM cases_snapshot WHERE id = %s", snapshot.pk),
        ("UPDATE cases_evidence SET sha256 = repeat('0', 64) WHERE id = %s", evidence.pk),
        ("UPDATE cases_evidence SET file = 'evidence/forged.json' WHERE id = %s", evidence.pk),
        ("DELETE FROM cases_evidence WHERE id = %s", evidence.pk),
    ]
    for sql, pk in statements:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        Snapshot.objects.filter(pk=snapshot.pk).delete()

    again = Snapshot.objects.get(pk=snapshot.pk)
    assert (again.record_count, again.sha256) == (3, evidence.sha256)
    stored = Evidence.objects.get(pk=evidence.pk)
    assert (stored.sha256, stored.file.name) == (evidence.sha256, evidence.file.name)


def test_pulling_again_makes_a_second_snapshot_and_leaves_the_first(case, handler, ledger):
    first = _pull(case, handler)
    first_bytes = _stored(first)
    LedgerRecordFactory(
        account=ledger,
        kind=LedgerRecordKind.DEPOSIT,
        record_id="D-2",
        occurred_at=START + timedelta(days=3),
        data={"asset": "BTC", "amount": "0.5"},
    )

    second = _pull(case, handler)

    assert second.pk != first.pk
    assert Snapshot.objects.filter(case=case).count() == 2
    assert Snapshot.objects.get(evidence=second).record_count == 4
    assert _stored(Evidence.objects.get(pk=first.pk)) == first_bytes
    assert Snapshot.objects.get(evidence=first).sha256 == hashlib.sha256(first_bytes).hexdigest()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"account_id": "EX-9999"}, "account_id"),
        ({"kinds": []}, "kinds"),
        ({"kinds": ["orders", "balances"]}, "kinds"),
        ({"start": END - timedelta(days=184)}, "window_end"),
        ({"start": END, "end": START}, "window_end"),
        ({"start": START, "end": START}, "window_end"),
        (
            {
                "start": timezone.now() - timedelta(days=1),
                "end": timezone.now() + timedelta(days=1),
            },
            "window_end",
        ),
    ],
    ids=[
        "not-a-party",
        "no-kinds",
        "unknown-kind",
        "window-too-long",
        "end-before-start",
        "empty-window",
        "end-in-future",
    ],
)
def test_bad_requests_are_refused_and_save_nothing(case, handler, overrides, field):
    with pytest.raises(ApplicationError) as exc_info:
        _pull(case, handler, **overrides)

    assert type(exc_info.value) is ApplicationError
    assert field in exc_info.value.extra["errors"]
    assert _nothing_saved()


def test_too_many_records_are_refused_and_nothing_is_saved(case, handler, settings):
    settings.SNAPSHOT_MAX_RECORDS = 2

    with pytest.raises(ApplicationError) as exc_info:
        _pull(case, handler)

    assert "3 records" in exc_info.value.message
    assert _nothing_saved()
    assert not CaseEvent.objects.filter(case=case, type="evidence.snapshot.pulled").exists()


class DownExchange:
    """A fake of the exchange (not of our code): it does not answer."""

    name = "exchange that is down"

    def account_status(self, account_id):
        raise GatewayUnavailable("timed out after 3 attempts", status=504)

    def records(self, account_id, kind, start, end):
        raise GatewayUnavailable("timed out after 3 attempts", status=504)

    def prices(self, symbols, start, end):
        raise GatewayUnavailable("timed out after 3 attempts", status=504)

    def perform(self, action):
        raise GatewayUnavailable("timed out after 3 attempts", status=504)


def test_an_exchange_that_is_down_is_a_service_unavailable_and_saves_nothing(case, handler):
    evidence_before = Evidence.objects.count()

    with pytest.raises(ServiceUnavailableError) as exc_info:
        _pull(case, handler, gateway=DownExchange())

    assert "timed out" in exc_info.value.message
    assert Evidence.objects.count() == evidence_before
    assert _nothing_saved()


def test_only_someone_who_may_investigate_the_case_pulls(case, staff, other_team):
    agent_elsewhere = staff(roles.SUPPORT_AGENT, teams=[other_team])
    auditor = staff(roles.AUDITOR)

    for actor in (agent_elsewhere, auditor):
        with pytest.raises(PermissionDeniedError):
            _pull(case, actor)

    assert _nothing_saved()


def test_read_shows_the_tables_and_logs_the_view(case, handler):
    evidence = _pull(case, handler)
    snapshot = Snapshot.objects.get(evidence=evidence)

    view = snapshot_read(snapshot=snapshot, actor=handler, via="case page")

    assert view.intact
    assert view.account["account_id"] == ACCOUNT
    assert [t.kind for t in view.tables] == ["trades", "deposits"]
    trades, deposits = view.tables
    assert deposits.columns == [str(label) for _n, label, _t in RECORD_FIELDS["deposits"]]
    assert trades.columns == [str(label) for _n, label, _t in RECORD_FIELDS["trades"]]
    assert len(deposits.rows) == 1
    deposit = dict(
        zip([n for n, _l, _t in RECORD_FIELDS["deposits"]], deposits.rows[0], strict=True)
    )
    assert deposit["deposit_id"] == "D-1"
    assert deposit["amount"] == "1500.50"
    assert deposit["confirmations"] == ""
    assert [row[0] for row in trades.rows] == ["T-1", "T-2"]
    viewed = CaseEvent.objects.get(case=case, type="evidence.viewed")
    assert viewed.actor == handler
    assert viewed.data == {"evidence": evidence.pk, "via": "case page", "sensitive": False}


def test_a_replaced_file_is_not_shown(case, handler):
    evidence = _pull(case, handler)
    snapshot = Snapshot.objects.get(evidence=evidence)
    forged = json.loads(_stored(evidence))
    forged["records"]["deposits"][0]["amount"] = "15000.50"
    path = evidence.file.storage.path(evidence.file.name)
    with open(path, "wb") as handle:
        handle.write(canonical_json(forged))

    view = snapshot_read(snapshot=snapshot, actor=handler, via="case page")

    assert view.intact is False
    assert view.tables == []
    assert view.account == {}
    assert CaseEvent.objects.filter(case=case, type="evidence.viewed").count() == 1
