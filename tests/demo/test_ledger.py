import itertools
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
from demo.ledger.prices import DAILY, DAYS_AFTER, DAYS_BEFORE, daily_points, daily_price, midnight
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
    # The daily USD prices run DAYS_AFTER days ahead.
    end = NOW + timedelta(days=DAYS_AFTER + 1)
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


# --- Daily USD prices: offers can be valued whenever the demo runs ---------------------------


def test_every_symbol_has_a_price_each_midnight_from_30_days_before_to_400_after(seeded):
    today = midnight(NOW)
    days = DAYS_BEFORE + DAYS_AFTER + 1
    for symbol in DAILY:
        midnights = set(
            LedgerPrice.objects.filter(
                symbol=symbol,
                at__gte=today - timedelta(days=DAYS_BEFORE),
                at__lte=today + timedelta(days=DAYS_AFTER),
                at__hour=0,
                at__minute=0,
                at__second=0,
            ).values_list("at", flat=True)
        )
        assert len(midnights) == days, symbol
    assert {"BTCUSDT", "ETHUSDT", "SOLUSDT", "EURUSD", "GBPUSD", "CNYUSD"} == set(DAILY)


@pytest.mark.parametrize("later", [timedelta(0), timedelta(days=37, hours=23, minutes=59)])
def test_an_offer_can_be_valued_at_any_moment_of_the_series(seeded, later):
    from cases.models import Asset
    from cases.services.money import usd_rates

    at = NOW + later
    rates = usd_rates(assets=Asset.objects.all(), at=at)
    assert set(rates) == {"BTC", "ETH", "SOL", "USDT", "USDC", "USD", "EUR", "GBP", "CNY"}
    assert Decimal(50000) < rates["BTC"].price < Decimal(70000)
    assert Decimal("0.1") < rates["CNY"].price < Decimal("0.2")
    assert rates["ETH"].source == "demo exchange ledger"


def test_a_days_price_depends_on_the_day_alone_and_stays_near_its_level():
    day = NOW.date()
    for symbol, (base, places) in DAILY.items():
        assert daily_price(symbol, day) == daily_price(symbol, day)
        assert daily_price(symbol, day).as_tuple().exponent == places.as_tuple().exponent
        for offset in range(0, 400, 7):
            price = daily_price(symbol, day + timedelta(days=offset))
            assert abs(price - base) <= base * Decimal("0.04"), (symbol, offset)


def test_a_midnight_inside_an_incident_shows_no_jump(seeded):
    # The liquidation's window runs from the evening before to 04:14: across midnight.
    spec = case("Futures position liquidated")
    start, end = incident_window(spec, now=NOW)
    assert start.date() != end.date()
    prices = [Decimal(p["price"]) for p in DemoExchangeGateway().prices(["BTCUSDT"], start, end)]
    steps = [abs(b - a) / a for a, b in itertools.pairwise(prices)]
    assert max(steps) < Decimal("0.015")


def test_a_run_a_year_later_tops_the_series_up(seeded):
    later = NOW + timedelta(days=380)
    created = ledger_seed(now=later)
    assert created > 0
    far = midnight(later) + timedelta(days=DAYS_AFTER)
    assert LedgerPrice.objects.filter(symbol="ETHUSDT", at=far).exists()
    assert ledger_seed(now=later) == 0


def test_a_midnight_near_an_incidents_prices_takes_the_nearest_of_them():
    today = midnight(NOW)
    present = [
        (today - timedelta(hours=2, minutes=5), Decimal("60100.00")),
        (today - timedelta(hours=2), Decimal("60250.00")),
        (today + timedelta(days=1), Decimal("1.00")),  # a midnight already priced
    ]
    points = {at: price for _s, at, price in daily_points("BTCUSDT", now=NOW, present=present)}
    assert points[today] == Decimal("60250.00")
    assert today + timedelta(days=1) not in points
    two_days = today + timedelta(days=2)
    assert points[two_days] == daily_price("BTCUSDT", two_days.date())
    assert len(points) == DAYS_BEFORE + DAYS_AFTER
