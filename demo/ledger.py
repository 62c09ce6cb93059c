"""The demo exchange's ledger: what the exchange's systems would show for the accounts of the
demo cases (`demo.seed.CASES`), so that an investigation in `make run` pulls real records.

Every account gets a quiet background history (opening, KYC, a deposit, logins, a few spot
trades) well before its first incident, and the cases that name an exchange event get the
records of that event, with the numbers of the case description, placed before the case was
received. Amounts are decimal strings with the asset's precision, never floats; times are UTC.

Seeding is idempotent: accounts are keyed by account id and records by (kind, record id), so a
second run, whatever its `now`, creates nothing.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from cases.gateway.port import RecordKind, iso
from demo.models import (
    LedgerAccount,
    LedgerAccountStatus,
    LedgerPrice,
    LedgerRecord,
    LedgerRecordKind,
)

if TYPE_CHECKING:
    from demo.seed import DemoCase

K = LedgerRecordKind
DEFAULT_KINDS = [RecordKind.DEPOSITS.value, RecordKind.WITHDRAWALS.value, RecordKind.TRADES.value]
DEFAULT_WINDOW = timedelta(days=7)


# --- Collecting records ----------------------------------------------------------------------


def _at(value: datetime | None) -> str | None:
    return iso(value)


@dataclass
class _Book:
    """The records planned for one account. `limit` is the received time of the case being
    built: nothing of its incident may happen after the customer complained about it."""

    account_id: str
    email: str
    limit: datetime
    rows: list[tuple[str, str, datetime, dict[str, str | None]]] = field(default_factory=list)
    prices: list[tuple[str, datetime, Decimal]] = field(default_factory=list)
    status: str = LedgerAccountStatus.ACTIVE

    @property
    def n(self) -> str:
        return self.account_id.removeprefix("UID")

    @property
    def home_ip(self) -> str:
        return f"198.51.100.{_h(self.account_id) % 250 + 2}"

    @property
    def home(self) -> str:
        tld = self.email.rsplit(".", 1)[-1]
        return _HOMES.get(tld, "London, GB")

    def add(self, kind: str, record_id: str, at: datetime, **data: Any) -> None:
        for moment in (at, *(v for v in data.values() if isinstance(v, datetime))):
            if moment >= self.limit:
                raise ValueError(f"{self.account_id} {record_id}: {moment} is after the case")
        clean = {k: (_at(v) if isinstance(v, datetime) else v) for k, v in data.items()}
        for key, value in clean.items():
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{record_id}.{key} is not a string: {value!r}")
        self.rows.append((kind, record_id, at, clean))

    # One helper per kind, with the fields of `RECORD_FIELDS` (id and time go on the row).
    def order(
        self,
        rid: str,
        at: datetime,
        *,
        symbol: str,
        side: str,
        type: str,
        price: str,
        quantity: str,
        status: str,
        market: str = "spot",
        leverage: str | None = None,
    ):
        self.add(
            K.ORDER,
            rid,
            at,
            market=market,
            symbol=symbol,
            side=side,
            type=type,
            price=price,
            quantity=quantity,
            leverage=leverage,
            status=status,
        )

    def trade(
        self,
        rid: str,
        at: datetime,
        *,
        order_id: str,
        symbol: str,
        side: str,
        price: str,
        quantity: str,
        fee: str,
        fee_asset: str = "USDT",
        market: str = "spot",
        realized_pnl: str | None = None,
        counterparty: str | None = None,
    ):
        self.add(
            K.TRADE,
            rid,
            at,
            order_id=order_id,
            market=market,
            symbol=symbol,
            side=side,
            price=price,
            quantity=quantity,
            fee=fee,
            fee_asset=fee_asset,
            realized_pnl=realized_pnl,
            counterparty=counterparty,
        )

    def deposit(
        self,
        rid: str,
        at: datetime,
        *,
        asset: str,
        network: str,
        amount: str,
        txid: str,
        confirmations: str,
        status: str,
        credited_at: datetime | None = None,
    ):
        self.add(
            K.DEPOSIT,
            rid,
            at,
            asset=asset,
            network=network,
            amount=amount,
            txid=txid,
            confirmations=confirmations,
            status=status,
            credited_at=credited_at,
        )

    def withdrawal(
        self,
        rid: str,
        at: datetime,
        *,
        asset: str,
        network: str,
        amount: str,
        fee: str,
        address: str,
        status: str,
        txid: str | None = None,
        note: str = "",
    ):
        self.add(
            K.WITHDRAWAL,
            rid,
            at,
            asset=asset,
            network=network,
            amount=amount,
            fee=fee,
            address=address,
            txid=txid,
            status=status,
            note=note,
        )

    def login(
        self,
        rid: str,
        at: datetime,
        *,
        ip: str | None = None,
        location: str | None = None,
        device: str = "iPhone 14 / App 5.12",
        result: str = "success",
    ):
        self.add(
            K.LOGIN,
            rid,
            at,
            ip=ip or self.home_ip,
            location=location or self.home,
            device=device,
            result=result,
        )

    def op(self, rid: str, at: datetime, action: str, detail: str, *, ip: str | None = None):
        self.add(K.OPERATION, rid, at, action=action, detail=detail, ip=ip or self.home_ip)

    def freeze(
        self,
        rid: str,
        at: datetime,
        *,
        scope: str,
        reason: str,
        by: str,
        lifted_at: datetime | None = None,
    ):
        self.add(K.FREEZE, rid, at, scope=scope, reason=reason, by=by, lifted_at=lifted_at)

    def series(self, symbol: str, anchor: datetime, points: list[tuple[int, str]]) -> None:
        """Prices every 5 minutes through `points` (minutes from `anchor`, price), linearly
        with a small deterministic wobble, so a chart of the window shows the move."""
        start = _floor5(anchor + timedelta(minutes=points[0][0]))
        end = anchor + timedelta(minutes=points[-1][0])
        places = Decimal("0.01")
        moment, i = start, 0
        while moment <= end:
            minutes = (moment - anchor).total_seconds() / 60
            base = Decimal(points[0][1]) if minutes <= points[0][0] else Decimal(points[-1][1])
            for (m0, p0), (m1, p1) in itertools.pairwise(points):
                if m0 <= minutes <= m1:
                    share = Decimal(str(round((minutes - m0) / (m1 - m0), 6)))
                    base = Decimal(p0) + (Decimal(p1) - Decimal(p0)) * share
                    break
            wobble = base * Decimal((i * 37) % 11 - 5) / Decimal(20000)
            if moment < self.limit:
                self.prices.append((symbol, moment, (base + wobble).quantize(places)))
            moment += timedelta(minutes=5)
            i += 1


_HOMES = {
    "cn": "Shanghai, CN",
    "jp": "Osaka, JP",
    "de": "Munich, DE",
    "fr": "Lyon, FR",
    "es": "Valencia, ES",
    "it": "Milan, IT",
    "ng": "Lagos, NG",
    "kr": "Seoul, KR",
    "ie": "Dublin, IE",
    "br": "Sao Paulo, BR",
    "dk": "Copenhagen, DK",
    "bg": "Sofia, BG",
    "cz": "Prague, CZ",
    "uk": "Manchester, GB",
    "org": "Oslo, NO",
}


def _h(text: str) -> int:
    return zlib.crc32(text.encode())


def _floor5(moment: datetime) -> datetime:
    return moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)


def _m(anchor: datetime, minutes: float) -> datetime:
    return anchor + timedelta(minutes=minutes)


def _addr_btc(seed: str) -> str:
    return "bc1q" + format(_h(seed), "08x") + format(_h(seed + "x"), "08x") + "7k3h9w2m0d"


def _addr_evm(seed: str) -> str:
    return "0x" + "".join(format(_h(f"{seed}{i}"), "08x") for i in range(5))


def _addr_tron(seed: str) -> str:
    return "TQ" + format(_h(seed), "010d") + "nHbVq8xWcR3yLmZp4K7eD2a"


def _txid(seed: str) -> str:
    return "".join(format(_h(f"{seed}:{i}"), "08x") for i in range(8))


# --- Background history ----------------------------------------------------------------------


def _background(book: _Book, *, end: datetime) -> datetime:
    """A quiet account life before `end`; returns when the account was opened."""
    n, h = book.n, _h(book.account_id)
    opened = (end - timedelta(days=120 + h % 500)).replace(second=0, microsecond=0)
    book.login(f"LGN-{n}-B0", opened)
    book.op(f"OPS-{n}-B0", _m(opened, 3), "account_opened", "Registered with email")
    book.op(f"OPS-{n}-B1", _m(opened, 1440), "kyc_verified", "KYC level 2: ID and selfie")
    book.op(f"OPS-{n}-B2", _m(opened, 1455), "2fa_enabled", "Authenticator app bound")
    deposit_at = end - timedelta(days=58, minutes=h % 600)
    amount = ("3000.00", "5000.00", "12500.00", "800.00")[h % 4]
    book.deposit(
        f"DEP-{n}-B1",
        deposit_at,
        asset="USDT",
        network="TRC20",
        amount=amount,
        txid=_txid(f"{n}:bgdep"),
        confirmations="20",
        status="credited",
        credited_at=_m(deposit_at, 3),
    )
    for i, days in enumerate((57, 40, 21, 9, 3)):
        book.login(f"LGN-{n}-B{i + 1}", end - timedelta(days=days, minutes=(h >> i) % 700))
    trades = [
        ("BTCUSDT", "buy", "64210.50", "0.01500000", 45),
        ("ETHUSDT", "buy", "3120.40", "0.25000000", 30),
        ("BTCUSDT", "sell", "66980.00", "0.00500000", 8),
    ]
    for i, (symbol, side, price, qty, days) in enumerate(trades):
        at = end - timedelta(days=days, minutes=(h >> (i + 3)) % 900)
        order_id = f"ORD-{n}-B{i}"
        book.order(
            order_id,
            at,
            symbol=symbol,
            side=side,
            type="limit",
            price=price,
            quantity=qty,
            status="filled",
        )
        fee = (Decimal(price) * Decimal(qty) * Decimal("0.001")).quantize(Decimal("0.01"))
        book.trade(
            f"TRD-{n}-B{i}",
            _m(at, 2),
            order_id=order_id,
            symbol=symbol,
            side=side,
            price=price,
            quantity=qty,
            fee=str(fee),
        )
    return opened


# --- Incidents -------------------------------------------------------------------------------


def _ago(**delta: float) -> Callable[[datetime], datetime]:
    return lambda received: received - timedelta(**delta)


def _clock(hour: int, minute: int, *, margin: timedelta) -> Callable[[datetime], datetime]:
    """The last hour:minute UTC at least `margin` before the case was received (a case that
    names the time of day of its event)."""

    def anchor(received: datetime) -> datetime:
        limit = received - margin
        at = limit.replace(hour=hour, minute=minute, second=0, microsecond=0)
        return at if at <= limit else at - timedelta(days=1)

    return anchor


@dataclass(frozen=True)
class _Incident:
    anchor: Callable[[datetime], datetime]  # received -> the moment of the event
    window: tuple[timedelta, timedelta]  # pulled around the anchor: (before, after)
    kinds: tuple[str, ...]
    build: Callable[[_Book, datetime], None]  # (book, anchor)
    status: str = ""  # the account's status after the incident, if it changed


HOUR, DAY = timedelta(hours=1), timedelta(days=1)
OR, T, D, W = "orders", "trades", "deposits", "withdrawals"
LG, OP, FR, PR = "logins", "operations", "freezes", "prices"


def _trc20_pending(b: _Book, a: datetime) -> None:
    b.login(f"LGN-{b.n}-TRC1", _m(a, -25))
    b.op(f"OPS-{b.n}-TRC1", _m(a, -20), "deposit_address_viewed", "USDT / TRC20 (TRON)")
    b.deposit(
        "DEP-48213377-0912",
        a,
        asset="USDT",
        network="TRC20",
        amount="1250.00",
        txid="9f3c1e0b7a5d4c2e8b6a1f0d3c5e7a9b2d4f6e8a0c1b3d5f7e9a2c4b6d8f0e1a",
        confirmations="412",
        status="pending",
        credited_at=None,
    )
    b.op(
        f"OPS-{b.n}-TRC2",
        _m(a, 190),
        "deposit_status_checked",
        "Deposit DEP-48213377-0912 pending: credit job queue backlog on TRON",
    )


def _btc_fee(b: _Book, a: datetime) -> None:
    b.login(f"LGN-{b.n}-FEE1", _m(a, -6))
    b.op(
        f"OPS-{b.n}-FEE1",
        _m(a, -2),
        "withdrawal_fee_quoted",
        "0.05000000 BTC on BTC: page quote fee 0.00020000 BTC",
    )
    b.withdrawal(
        "WD-88140021",
        a,
        asset="BTC",
        network="BTC",
        amount="0.05000000",
        fee="0.00050000",
        address=_addr_btc("wang"),
        txid=_txid("WD-88140021"),
        status="completed",
        note="Fee recalculated at submission (network congestion); quote was 0.00020000",
    )


def _chat_pending(b: _Book, a: datetime) -> None:
    b.withdrawal(
        "WD-88131877",
        a,
        asset="USDT",
        network="ERC20",
        amount="1800.00",
        fee="4.50",
        address=_addr_evm("jonas"),
        status="processing",
        note="Queued for hot-wallet top-up",
    )
    b.login(f"LGN-{b.n}-CH1", _m(a, 1500))


def _stop_limit(b: _Book, a: datetime) -> None:
    b.order(
        "ORD-5531087261",
        _m(a, -95),
        symbol="BTCUSDT",
        side="sell",
        type="stop_limit",
        price="61000.00",
        quantity="0.42800000",
        status="cancelled",
    )
    b.op(
        f"OPS-{b.n}-SL1",
        a,
        "order_triggered",
        "ORD-5531087261: stop 61200.00 reached, limit sell 61000.00 placed",
        ip="10.0.0.1",
    )
    b.op(f"OPS-{b.n}-SL2", _m(a, 71), "order_cancelled", "ORD-5531087261 cancelled by user")
    b.order(
        "ORD-5531087402",
        _m(a, 72),
        symbol="BTCUSDT",
        side="sell",
        type="market",
        price="58900.00",
        quantity="0.42800000",
        status="filled",
    )
    b.trade(
        "TRD-5531087402",
        _m(a, 72),
        order_id="ORD-5531087402",
        symbol="BTCUSDT",
        side="sell",
        price="58900.00",
        quantity="0.42800000",
        fee="25.21",
    )
    b.series(
        "BTCUSDT",
        a,
        [(-120, "61780.00"), (0, "61200.00"), (3, "60950.00"), (70, "58900.00"), (150, "59450.00")],
    )


def _kyc_frozen(b: _Book, a: datetime) -> None:
    b.freeze(
        "FRZ-40028871-1",
        a,
        scope="account",
        reason="KYC refresh required (periodic review)",
        by="Compliance",
    )
    b.op(
        f"OPS-{b.n}-KYC1",
        _m(a, 5),
        "kyc_resubmission_requested",
        "ID and proof of address",
        ip="10.0.0.2",
    )
    b.op(
        f"OPS-{b.n}-KYC2",
        _m(a, 1500),
        "kyc_documents_uploaded",
        "National ID card; utility bill (proof of address)",
    )


def _closed(b: _Book, a: datetime) -> None:
    b.withdrawal(
        "WD-87912260",
        _m(a, -60),
        asset="USDT",
        network="TRC20",
        amount="412.37",
        fee="1.00",
        address=_addr_tron("dubois"),
        txid=_txid("WD-87912260"),
        status="completed",
    )
    b.op(f"OPS-{b.n}-CL1", a, "account_closed", "Closed at the user's request; balance 0")


def _eth_market(b: _Book, a: datetime) -> None:
    b.order(
        "ORD-5529910473",
        a,
        symbol="ETHUSDT",
        side="buy",
        type="market",
        price="2507.00",
        quantity="12.00000000",
        status="filled",
    )
    fills = [
        ("2411.00", "2.00000000", "4.82"),
        ("2468.00", "3.00000000", "7.40"),
        ("2520.00", "4.00000000", "10.08"),
        ("2592.67", "3.00000000", "7.78"),
    ]
    for i, (price, qty, fee) in enumerate(fills):
        b.trade(
            f"TRD-5529910473-{i + 1}",
            _m(a, i * 0.05),
            order_id="ORD-5529910473",
            symbol="ETHUSDT",
            side="buy",
            price=price,
            quantity=qty,
            fee=fee,
        )
    b.series("ETHUSDT", a, [(-90, "2402.00"), (-5, "2410.00"), (5, "2585.00"), (60, "2440.00")])


def _btc_not_received(b: _Book, a: datetime) -> None:
    address = _addr_btc("tanaka-ledger")
    b.op(
        f"OPS-{b.n}-WD0",
        a - timedelta(days=40),
        "withdrawal_address_added",
        f"Address book: 'My Ledger' {address}",
    )
    b.withdrawal(
        "WD-88120457",
        a,
        asset="BTC",
        network="BTC",
        amount="0.42000000",
        fee="0.00020000",
        address=address,
        txid=_txid("WD-88120457"),
        status="completed",
        note="Marked completed by the signer; broadcast unconfirmed",
    )


def _takeover_api(b: _Book, a: datetime) -> None:
    ip = "203.0.113.77"
    b.login(
        f"LGN-{b.n}-ATO1",
        a,
        ip=ip,
        location="Ho Chi Minh City, VN",
        device="Windows 10 / Chrome 126 (new device)",
    )
    b.op(f"OPS-{b.n}-ATO1", _m(a, 1), "new_device_email_sent", "Login from a new device", ip=ip)
    b.op(
        f"OPS-{b.n}-ATO2",
        _m(a, 12),
        "api_key_created",
        "Label 'bot1'; permissions: read, spot trading; no IP restriction",
        ip=ip,
    )
    for i, (price, qty) in enumerate([("0.08412", "52000.0"), ("0.08590", "48000.0")]):
        oid = f"ORD-5532{b.n[-4:]}{i}"
        b.order(
            oid,
            _m(a, 30 + i * 7),
            symbol="XYZUSDT",
            side="buy",
            type="market",
            price=price,
            quantity=qty,
            status="filled",
        )
        fee = (Decimal(price) * Decimal(qty) * Decimal("0.001")).quantize(Decimal("0.01"))
        b.trade(
            f"TRD-5532{b.n[-4:]}{i}",
            _m(a, 30 + i * 7),
            order_id=oid,
            symbol="XYZUSDT",
            side="buy",
            price=price,
            quantity=qty,
            fee=str(fee),
        )
    b.op(f"OPS-{b.n}-ATO3", _m(a, 150), "password_changed", "By the user from a known device")
    b.freeze(
        "FRZ-33094418-1",
        _m(a, 170),
        scope="withdrawals, API",
        reason="Suspected account takeover; API key revoked",
        by="Security",
    )


def _p2p_not_released(b: _Book, a: datetime) -> None:
    seller = "UID60412298"
    b.order(
        "P2P-20240811-77310",
        a,
        market="p2p",
        symbol="USDT/CNY",
        side="buy",
        type="p2p",
        price="7.18",
        quantity="2000.00",
        status="appeal",
    )
    b.op(
        f"OPS-{b.n}-P1",
        a,
        "p2p_order_created",
        f"P2P-20240811-77310: buy 2000.00 USDT @ 7.18 CNY from seller {seller}",
    )
    b.op(
        f"OPS-{b.n}-P2",
        _m(a, 14),
        "p2p_marked_paid",
        "Bank transfer 14360.00 CNY; payment proof uploaded",
    )
    b.op(f"OPS-{b.n}-P3", _m(a, 74), "p2p_reminder_sent", f"Release reminder sent to {seller}")
    b.op(
        f"OPS-{b.n}-P4",
        _m(a, 195),
        "p2p_appeal_opened",
        "Buyer appeal: seller has not released after 3 hours",
    )


def _sol_memo(b: _Book, a: datetime) -> None:
    b.deposit(
        "DEP-27746105-1",
        a,
        asset="SOL",
        network="SOL",
        amount="35.000000000",
        txid="5xKq9vJr2LmP8sWcT4nH7bYd3fGa6eZu1oQiRtXy",
        confirmations="32",
        status="unmatched_missing_memo",
    )


def _passport(b: _Book, a: datetime) -> None:
    b.freeze(
        "FRZ-45510983-1",
        a,
        scope="withdrawals",
        reason="Identity document expired",
        by="KYC system",
    )
    for i in range(2):
        b.op(
            f"OPS-{b.n}-PP{i}",
            _m(a, 600 + i * 1440),
            "kyc_document_upload_failed",
            "Passport upload: error 'image could not be processed'",
        )


def _vip_rebate(b: _Book, a: datetime) -> None:
    b.op(
        f"OPS-{b.n}-VIP1",
        _m(a, -5 * 1440),
        "vip_tier_changed",
        "VIP 1 -> VIP 2 (30-day spot volume 5,120,000.00 USDT): maker -0.005%",
        ip="10.0.0.3",
    )
    for i, (price, qty) in enumerate([("65010.00", "0.20000000"), ("65200.00", "0.15000000")]):
        oid = f"ORD-5528{b.n[-4:]}{i}"
        b.order(
            oid,
            _m(a, i * 600),
            symbol="BTCUSDT",
            side="buy",
            type="limit_maker",
            price=price,
            quantity=qty,
            status="filled",
        )
        fee = (Decimal(price) * Decimal(qty) * Decimal("0.0008")).quantize(Decimal("0.01"))
        b.trade(
            f"TRD-5528{b.n[-4:]}{i}",
            _m(a, i * 600 + 40),
            order_id=oid,
            symbol="BTCUSDT",
            side="buy",
            price=price,
            quantity=qty,
            fee=str(fee),
        )


def _liquidation(b: _Book, a: datetime) -> None:
    b.order(
        "FUT-ORD-3310002",
        _m(a, -300),
        market="futures",
        symbol="BTCUSDT",
        side="buy",
        type="market",
        price="63950.00",
        quantity="0.50000000",
        leverage="20",
        status="filled",
    )
    b.trade(
        "FUT-TRD-3310002",
        _m(a, -300),
        order_id="FUT-ORD-3310002",
        market="futures",
        symbol="BTCUSDT",
        side="buy",
        price="63950.00",
        quantity="0.50000000",
        fee="12.79",
        realized_pnl="0.00",
    )
    b.op(
        f"OPS-{b.n}-LQ1",
        _m(a, -5),
        "add_margin_rejected",
        "Add 500.00 USDT to BTCUSDT long: margin service read-only (maintenance)",
    )
    b.op(
        f"OPS-{b.n}-LQ2",
        _m(a, -2),
        "add_margin_rejected",
        "Add 800.00 USDT to BTCUSDT long: margin service read-only (maintenance)",
    )
    b.order(
        "FUT-LIQ-3310284",
        a,
        market="futures",
        symbol="BTCUSDT",
        side="sell",
        type="liquidation",
        price="60990.00",
        quantity="0.50000000",
        leverage="20",
        status="filled",
    )
    b.trade(
        "FUT-TRD-3310284",
        a,
        order_id="FUT-LIQ-3310284",
        market="futures",
        symbol="BTCUSDT",
        side="sell",
        price="60990.00",
        quantity="0.50000000",
        fee="15.25",
        realized_pnl="-1480.00",
    )
    b.series(
        "BTCUSDT",
        a,
        [
            (-360, "64120.00"),
            (-300, "63950.00"),
            (-120, "63410.00"),
            (-30, "62200.00"),
            (0, "60850.00"),
            (25, "61420.00"),
            (120, "61760.00"),
        ],
    )


def _wrong_network(b: _Book, a: datetime) -> None:
    b.op(
        f"OPS-{b.n}-NW1",
        _m(a, -1),
        "withdrawal_network_warning_acknowledged",
        "BEP20 selected; warning 'make sure the address supports BEP20' confirmed",
    )
    b.withdrawal(
        "WD-88109934",
        a,
        asset="USDC",
        network="BEP20",
        amount="800.00",
        fee="0.29",
        address=_addr_evm("mueller"),
        txid="0x4be1c2f09a7d3e5b6c8a1f2e0d9c7b5a3e1f4d6c8b0a2e4f6d8c0b2a4e6f8d0c",
        status="completed",
    )


def _sim_swap(b: _Book, a: datetime) -> None:
    ip = "203.0.113.141"
    b.login(
        f"LGN-{b.n}-SIM1",
        a,
        ip=ip,
        location="Busan, KR",
        device="Android 13 / App 5.12 (new device)",
    )
    b.op(f"OPS-{b.n}-SIM1", a, "sms_2fa_verified", "Login code sent to +82 ••• 4471", ip=ip)
    b.op(
        f"OPS-{b.n}-SIM2",
        _m(a, 4),
        "withdrawal_address_added",
        "ETH and TRC20 addresses; whitelist off",
        ip=ip,
    )
    b.withdrawal(
        "WD-88093110",
        _m(a, 6),
        asset="ETH",
        network="ERC20",
        amount="1.900000000000000000",
        fee="0.001200000000000000",
        address=_addr_evm("simswap"),
        txid=_txid("WD-88093110"),
        status="completed",
    )
    b.withdrawal(
        "WD-88093117",
        _m(a, 19),
        asset="USDT",
        network="TRC20",
        amount="4000.00",
        fee="1.00",
        address=_addr_tron("simswap"),
        txid=_txid("WD-88093117"),
        status="completed",
    )
    b.freeze(
        "FRZ-50218834-1",
        _m(a, 95),
        scope="account",
        reason="Reported SIM swap; withdrawals to new addresses",
        by="Security",
        lifted_at=_m(a, 1300),
    )


def _duplicate_fee(b: _Book, a: datetime) -> None:
    b.order(
        "ORD-5517730012",
        a,
        symbol="BTCUSDT",
        side="buy",
        type="market",
        price="62400.00",
        quantity="0.05000000",
        status="filled",
    )
    b.trade(
        "TRD-5517730012-1",
        a,
        order_id="ORD-5517730012",
        symbol="BTCUSDT",
        side="buy",
        price="62400.00",
        quantity="0.05000000",
        fee="3.12",
    )
    b.op(
        f"OPS-{b.n}-FEE1",
        _m(a, 1),
        "fee_posted",
        "Taker fee 3.12 USDT for TRD-5517730012-1",
        ip="10.0.0.4",
    )
    b.op(
        f"OPS-{b.n}-FEE2",
        _m(a, 6),
        "fee_posted",
        "Taker fee 3.12 USDT for TRD-5517730012-1 (settlement job retry)",
        ip="10.0.0.4",
    )


def _take_profit(b: _Book, a: datetime) -> None:
    b.order(
        "ORD-5524419908",
        _m(a, -600),
        symbol="ETHUSDT",
        side="sell",
        type="take_profit",
        price="3200.00",
        quantity="2.50000000",
        status="cancelled",
    )
    b.op(
        f"OPS-{b.n}-TP1",
        _m(a, 1),
        "trigger_lag_alert",
        "Trigger service 41 s behind mark price",
        ip="10.0.0.5",
    )
    b.order(
        "ORD-5524421133",
        _m(a, 240),
        symbol="ETHUSDT",
        side="sell",
        type="market",
        price="2955.04",
        quantity="2.50000000",
        status="filled",
    )
    b.trade(
        "TRD-5524421133",
        _m(a, 240),
        order_id="ORD-5524421133",
        symbol="ETHUSDT",
        side="sell",
        price="2955.04",
        quantity="2.50000000",
        fee="7.39",
    )
    b.series(
        "ETHUSDT",
        a,
        [(-60, "3168.00"), (0, "3215.00"), (30, "3150.00"), (240, "2955.00"), (270, "2962.00")],
    )


def _risk_review(b: _Book, a: datetime) -> None:
    b.withdrawal(
        "WD-88104432",
        a,
        asset="USDT",
        network="TRC20",
        amount="2400.00",
        fee="1.00",
        address=_addr_tron("adeyemi"),
        status="pending_review",
        note="Held by risk review",
    )
    b.op(
        f"OPS-{b.n}-RR1",
        _m(a, 2),
        "risk_review_opened",
        "WD-88104432: first withdrawal to a new address above 2,000.00 USDT",
        ip="10.0.0.6",
    )
    b.op(
        f"OPS-{b.n}-RR2",
        _m(a, 1310),
        "risk_review_approved",
        "WD-88104432 approved by analyst; release step pending",
        ip="10.0.0.6",
    )
    b.op(
        f"OPS-{b.n}-RR3",
        _m(a, 1445),
        "risk_ticket_unassigned",
        "Shift change: ticket returned to the queue unassigned",
        ip="10.0.0.6",
    )
    for i in range(3):
        b.login(f"LGN-{b.n}-RR{i}", _m(a, 1440 * (i + 2) + 35))


def _wrong_subaccount(b: _Book, a: datetime) -> None:
    b.op(
        f"OPS-{b.n}-SA1",
        a - timedelta(days=3),
        "deposit_address_reassigned",
        "ETH address re-assigned by support from main account to sub-account SUB-24471106-BOT",
        ip="10.0.0.7",
    )
    b.deposit(
        "DEP-24471106-1",
        a,
        asset="ETH",
        network="ERC20",
        amount="0.850000000000000000",
        txid="0x7d2a9c4e1b3f5a6d8c0e2b4a6f8d0c2e4a6b8d0f2c4e6a8b0d2f4c6e8a0b2d4f",
        confirmations="64",
        status="credited_to_subaccount SUB-24471106-BOT",
        credited_at=_m(a, 14),
    )


def _convert(b: _Book, a: datetime) -> None:
    b.op(
        f"OPS-{b.n}-CV1",
        _m(a, -0.2),
        "convert_quote_issued",
        "1.50000000 ETH -> USDT at 2480.00, valid 10 s",
    )
    b.op(f"OPS-{b.n}-CV2", _m(a, -0.1), "convert_confirmed", "Quote accepted by the server")
    b.order(
        "CNV-771029384",
        a,
        market="convert",
        symbol="ETHUSDT",
        side="sell",
        type="convert",
        price="2455.00",
        quantity="1.50000000",
        status="filled",
    )
    b.trade(
        "TRD-771029384",
        a,
        order_id="CNV-771029384",
        market="convert",
        symbol="ETHUSDT",
        side="sell",
        price="2455.00",
        quantity="1.50000000",
        fee="0.00",
    )


def _grid_bot(b: _Book, a: datetime) -> None:
    b.op(f"OPS-{b.n}-BOT1", a, "bot_stop_requested", "BOT-GRID-90417 (BTCUSDT): stop acknowledged")
    pnls = ["-62.40", "-81.15", "-55.20", "-90.35", "-48.90", "-74.50"]
    for i, pnl in enumerate(pnls):
        at = _m(a, 10 + i * 22)
        side = "sell" if i % 2 else "buy"
        price = str(Decimal("63800.00") - Decimal(i * 180))
        oid = f"BOT-GRID-90417-{i + 1}"
        b.order(
            oid,
            at,
            symbol="BTCUSDT",
            side=side,
            type="limit",
            price=f"{price}",
            quantity="0.08000000",
            status="filled",
        )
        b.trade(
            f"TRD-90417-{i + 1}",
            _m(at, 3),
            order_id=oid,
            symbol="BTCUSDT",
            side=side,
            price=price,
            quantity="0.08000000",
            fee="5.10",
            realized_pnl=pnl,
        )
    b.op(f"OPS-{b.n}-BOT2", _m(a, 133), "bot_stopped", "BOT-GRID-90417 stopped by the scheduler")


def _sanctions(b: _Book, a: datetime) -> None:
    b.freeze(
        "FRZ-26630048-1",
        a,
        scope="account",
        reason="Sanctions screening: name match (list entry 4471)",
        by="Compliance",
    )
    b.op(f"OPS-{b.n}-SN1", _m(a, 900), "kyc_documents_uploaded", "Passport; proof of address")


def _xrp_tag(b: _Book, a: datetime) -> None:
    b.deposit(
        "DEP-48213377-0788",
        a,
        asset="XRP",
        network="XRP",
        amount="640.000000",
        txid="E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        confirmations="1",
        status="unmatched_missing_tag",
    )


def _rebate_campaign(b: _Book, a: datetime) -> None:
    b.op(f"OPS-{b.n}-CP1", _m(a, -60), "campaign_enrolled", "August deposit bonus: 20.00 USDT")
    b.deposit(
        "DEP-47790312-1",
        a,
        asset="USDT",
        network="TRC20",
        amount="1000.00",
        txid=_txid("DEP-47790312-1"),
        confirmations="20",
        status="credited",
        credited_at=_m(a, 3),
    )
    b.op(f"OPS-{b.n}-CP2", _m(a, 1), "deposit_source", "Deposit made through the API")


def _twofa_stuck(b: _Book, a: datetime) -> None:
    b.op(f"OPS-{b.n}-2F1", a, "2fa_reset_requested", "Lost phone; selfie with ID submitted")
    b.op(
        f"OPS-{b.n}-2F2",
        _m(a, 1320),
        "2fa_reset_approved",
        "Approved; reset not triggered",
        ip="10.0.0.8",
    )
    for i in range(3):
        b.login(f"LGN-{b.n}-2F{i}", _m(a, 2000 + i * 2200), result="failed_2fa")


def _delisting(b: _Book, a: datetime) -> None:
    for i, price in enumerate(["0.07900", "0.07450"]):
        oid = f"ORD-5511{b.n[-4:]}{i}"
        b.order(
            oid,
            _m(a, -4000 - i * 900),
            symbol="XYZUSDT",
            side="buy",
            type="limit",
            price=price,
            quantity="20000.0",
            status="cancelled_delisting",
        )
    b.op(
        f"OPS-{b.n}-DL1",
        a,
        "orders_cancelled_delisting",
        "2 open XYZUSDT orders cancelled",
        ip="10.0.0.9",
    )


def _api_timeouts(b: _Book, a: datetime) -> None:
    for i in range(4):
        at = _m(a, i * 1500)
        b.op(f"OPS-{b.n}-API{i}", at, "api_error", "POST /api/v3/order: HTTP 504", ip="192.0.2.15")
        oid = f"ORD-5519{b.n[-4:]}{i}"
        b.order(
            oid,
            _m(at, 0.5),
            symbol="ETHUSDT",
            side="buy",
            type="limit",
            price="2650.00",
            quantity="0.40000000",
            status="filled",
        )
        b.trade(
            f"TRD-5519{b.n[-4:]}{i}",
            _m(at, 1),
            order_id=oid,
            symbol="ETHUSDT",
            side="buy",
            price="2650.00",
            quantity="0.40000000",
            fee="1.06",
        )


def _p2p_release(
    b: _Book, a: datetime, *, order_id: str, amount: str, price: str, buyer: str
) -> None:
    fiat = (Decimal(amount) * Decimal(price)).quantize(Decimal("0.01"))
    b.order(
        order_id,
        a,
        market="p2p",
        symbol="USDT/CNY",
        side="sell",
        type="p2p",
        price=price,
        quantity=amount,
        status="completed",
    )
    b.op(
        f"OPS-{order_id}-1",
        a,
        "p2p_order_created",
        f"{order_id}: sell {amount} USDT @ {price} to buyer {buyer}",
    )
    b.op(
        f"OPS-{order_id}-2",
        _m(a, 9),
        "p2p_marked_paid",
        f"Buyer marked paid: bank transfer {fiat}, screenshot uploaded",
    )
    b.trade(
        f"TRD-{order_id}",
        _m(a, 41),
        order_id=order_id,
        market="p2p",
        symbol="USDT/CNY",
        side="sell",
        price=price,
        quantity=amount,
        fee="0.00",
        counterparty=buyer,
    )
    b.op(f"OPS-{order_id}-3", _m(a, 41), "p2p_released", f"{amount} USDT released from escrow")


def _p2p_forged(b: _Book, a: datetime) -> None:
    order_id = "P2P-20240706-31877"
    _p2p_release(b, a, order_id=order_id, amount="5000.00", price="7.25", buyer="UID61177043")
    b.op(
        f"OPS-{order_id}-4",
        _m(a, 25),
        "p2p_appeal_opened",
        "Seller appeal: no payment received; buyer's screenshot disputed",
    )
    b.op(
        f"OPS-{order_id}-5",
        _m(a, 38),
        "p2p_appeal_ruling",
        "Support ruled for the buyer on the screenshot; seller to release",
        ip="10.0.0.10",
    )


def _p2p_reversed(b: _Book, a: datetime) -> None:
    order_id = "P2P-20240719-55102"
    _p2p_release(b, a, order_id=order_id, amount="1500.00", price="0.92", buyer="UID61502277")
    b.op(
        f"OPS-{order_id}-4",
        _m(a, 2 * 1440 + 70),
        "p2p_payment_reversed",
        "Seller reports the bank reversed the 1380.00 transfer as fraudulent",
    )
    b.op(
        f"OPS-{order_id}-5",
        _m(a, 2 * 1440 + 80),
        "p2p_appeal_opened",
        "Seller appeal after payment reversal",
    )


def _p2p_cancelled(b: _Book, a: datetime) -> None:
    order_id = "P2P-20240822-90233"
    buyer = "UID62019345"
    b.order(
        order_id,
        a,
        market="p2p",
        symbol="USDT/CNY",
        side="sell",
        type="p2p",
        price="7.20",
        quantity="1000.00",
        status="cancelled_by_buyer",
    )
    b.op(
        f"OPS-{order_id}-1",
        a,
        "p2p_order_created",
        f"{order_id}: sell 1000.00 USDT @ 7.20 CNY to buyer {buyer}",
    )
    b.op(f"OPS-{order_id}-2", _m(a, 11), "p2p_marked_paid", "Buyer marked paid: 7200.00 CNY")
    b.op(f"OPS-{order_id}-3", _m(a, 26), "p2p_cancelled", "Cancelled by the buyer")
    b.op(f"OPS-{order_id}-4", _m(a, 26), "p2p_escrow_returned", "1000.00 USDT back to the seller")
    b.op(
        f"OPS-{order_id}-5", _m(a, 200), "p2p_appeal_opened", "Buyer asks for the 7200.00 CNY back"
    )


def _margin_call(b: _Book, a: datetime) -> None:
    b.order(
        "FUT-ORD-3298871",
        _m(a, -600),
        market="futures",
        symbol="ETHUSDT",
        side="buy",
        type="limit",
        price="2680.00",
        quantity="6.00000000",
        leverage="10",
        status="filled",
    )
    b.op(f"OPS-{b.n}-MC1", _m(a, -70), "margin_alert_in_app", "Margin ratio 96%", ip="10.0.0.11")
    b.order(
        "FUT-LIQ-3299014",
        a,
        market="futures",
        symbol="ETHUSDT",
        side="sell",
        type="liquidation",
        price="2437.10",
        quantity="6.00000000",
        leverage="10",
        status="filled",
    )
    b.trade(
        "FUT-TRD-3299014",
        a,
        order_id="FUT-LIQ-3299014",
        market="futures",
        symbol="ETHUSDT",
        side="sell",
        price="2437.10",
        quantity="6.00000000",
        fee="7.31",
        realized_pnl="-1457.40",
    )
    b.op(
        f"OPS-{b.n}-MC2",
        _m(a, 12),
        "margin_call_email_sent",
        "Queued 9 min; sent 12 min late",
        ip="10.0.0.11",
    )
    b.series("ETHUSDT", a, [(-120, "2520.00"), (-60, "2470.00"), (0, "2432.00"), (60, "2455.00")])


def _phished(b: _Book, a: datetime) -> None:
    ip = "203.0.113.45"
    b.op(
        f"OPS-{b.n}-PH0",
        a - timedelta(days=20),
        "withdrawal_whitelist_delay_disabled",
        "24-hour delay for new addresses turned off",
    )
    b.login(
        f"LGN-{b.n}-PH1",
        a,
        ip=ip,
        location="Bucharest, RO",
        device="Linux / Chrome 125 (new device)",
    )
    b.op(f"OPS-{b.n}-PH1", _m(a, 3), "2fa_reset", "Authenticator re-bound after code entry", ip=ip)
    b.op(f"OPS-{b.n}-PH2", _m(a, 6), "api_key_created", "Label 'sync'; read, withdraw", ip=ip)
    address = _addr_btc("phish-drain")
    b.op(f"OPS-{b.n}-PH3", _m(a, 8), "withdrawal_address_added", f"Unlabelled {address}", ip=ip)
    b.withdrawal(
        "WD-87990312",
        _m(a, 11),
        asset="BTC",
        network="BTC",
        amount="2.10000000",
        fee="0.00020000",
        address=address,
        txid=_txid("WD-87990312"),
        status="completed",
        note="New address; no whitelist delay",
    )
    b.login(f"LGN-{b.n}-PH2", _m(a, 170))
    b.freeze(
        "FRZ-32287764-1",
        _m(a, 185),
        scope="account",
        reason="Account takeover reported (phishing)",
        by="Security",
        lifted_at=_m(a, 2 * 1440),
    )


def _cpi_slippage(b: _Book, a: datetime) -> None:
    b.order(
        "ORD-5509920117",
        _m(a, -200),
        symbol="BTCUSDT",
        side="sell",
        type="stop_market",
        price="60000.00",
        quantity="0.20000000",
        status="filled",
    )
    b.trade(
        "TRD-5509920117",
        _m(a, 0.5),
        order_id="ORD-5509920117",
        symbol="BTCUSDT",
        side="sell",
        price="58920.00",
        quantity="0.20000000",
        fee="11.78",
    )
    b.series(
        "BTCUSDT",
        a,
        [(-60, "60420.00"), (-1, "60110.00"), (1, "58900.00"), (30, "59300.00"), (90, "59650.00")],
    )


def _frozen_withdrawal(b: _Book, a: datetime) -> None:
    b.withdrawal(
        "WD-87710054",
        a,
        asset="BTC",
        network="BTC",
        amount="2.40000000",
        fee="0.00020000",
        address=_addr_btc("cohen"),
        status="frozen",
        note="Compliance review",
    )
    b.freeze(
        "FRZ-23361190-1",
        _m(a, 30),
        scope="withdrawal WD-87710054",
        reason="Compliance review (source of funds)",
        by="Compliance",
    )
    b.op(f"OPS-{b.n}-FZ1", _m(a, 35), "sof_requested", "Source-of-funds documents", ip="10.0.0.12")
    b.op(f"OPS-{b.n}-FZ2", _m(a, 4 * 1440), "sof_documents_uploaded", "Bank statements, payslips")
    b.op(
        f"OPS-{b.n}-FZ3",
        _m(a, 30 * 1440),
        "court_order_received",
        "Funds held under a court order",
        ip="10.0.0.12",
    )


def _refund_fee(b: _Book, a: datetime) -> None:
    b.withdrawal(
        "WD-88001276",
        a,
        asset="USDT",
        network="TRC20",
        amount="200.00",
        fee="1.00",
        address=_addr_tron("alice-refund"),
        status="failed",
        note="Refunded 200.00 USDT; network fee 1.00 USDT kept",
    )
    b.op(
        f"OPS-{b.n}-RF1",
        _m(a, 35),
        "withdrawal_refunded",
        "WD-88001276: principal 200.00 only",
        ip="10.0.0.13",
    )


def _earn_fee(b: _Book, a: datetime) -> None:
    b.op(
        f"OPS-{b.n}-ER1",
        a,
        "earn_redeemed",
        "Flexible savings: 5000.00 USDT redeemed, fee 25.00 USDT (0.5%)",
    )


def _trc20_fee(b: _Book, a: datetime) -> None:
    for i, (days, fee) in enumerate([(6, "1.00"), (0, "2.50")]):
        rid = f"WD-8813{b.n[-4:]}{i}"
        b.withdrawal(
            rid,
            a - timedelta(days=days),
            asset="USDT",
            network="TRC20",
            amount="300.00",
            fee=fee,
            address=_addr_tron("bob"),
            txid=_txid(rid),
            status="completed",
        )


def _price_drop(b: _Book, a: datetime) -> None:
    b.order(
        "ORD-5520077341",
        a,
        symbol="BTCUSDT",
        side="buy",
        type="market",
        price="65400.00",
        quantity="0.03000000",
        status="filled",
    )
    b.trade(
        "TRD-5520077341",
        a,
        order_id="ORD-5520077341",
        symbol="BTCUSDT",
        side="buy",
        price="65400.00",
        quantity="0.03000000",
        fee="1.96",
    )


# Keyed by a stable part of each case's subject.
INCIDENTS: dict[str, _Incident] = {
    "USDT deposit via TRC20 not credited": _Incident(
        _ago(hours=6, minutes=30), (12 * HOUR, 6.5 * HOUR), (D, OP), _trc20_pending
    ),
    "提现手续费比页面显示的高": _Incident(_ago(hours=5), (DAY, 5 * HOUR), (W, OP), _btc_fee),
    "Support chat closed my conversation": _Incident(
        _ago(days=2), (DAY, 2 * DAY), (W,), _chat_pending
    ),
    "Stop-limit order triggered but never filled": _Incident(
        _clock(14, 2, margin=3 * HOUR), (2 * HOUR, 3 * HOUR), (OR, T, OP, PR), _stop_limit
    ),
    "账户被冻结，KYC": _Incident(
        _ago(days=15), (DAY, 15 * DAY), (FR, OP), _kyc_frozen, LedgerAccountStatus.FROZEN
    ),
    "Request to delete my account data": _Incident(
        _ago(days=33), (2 * DAY, DAY), (W, OP), _closed, LedgerAccountStatus.CLOSED
    ),
    "ETH/USDT market order filled 4%": _Incident(
        _ago(days=1), (2 * HOUR, 2 * HOUR), (OR, T, PR), _eth_market
    ),
    "BTC withdrawal marked completed but not received": _Incident(
        _ago(hours=30), (DAY, DAY), (W, OP), _btc_not_received
    ),
    "Unrecognised login followed by API key": _Incident(
        _ago(hours=8),
        (DAY, 8 * HOUR),
        (LG, OP, OR, T, FR),
        _takeover_api,
        LedgerAccountStatus.FROZEN,
    ),
    "P2P 卖家已收款但未放币": _Incident(
        _ago(hours=5), (HOUR, 5 * HOUR), (OR, T, OP), _p2p_not_released
    ),
    "SOL deposit sent without memo": _Incident(_ago(days=1), (DAY, DAY), (D,), _sol_memo),
    "护照过期导致账户受限": _Incident(
        _ago(days=3), (DAY, 3 * DAY), (FR, OP), _passport, LedgerAccountStatus.RESTRICTED
    ),
    "Maker rebate not applied on VIP 2": _Incident(
        _ago(days=2), (6 * DAY, 2 * DAY), (T, OR, OP), _vip_rebate
    ),
    "Futures position liquidated during maintenance": _Incident(
        _clock(2, 14, margin=6 * HOUR), (6 * HOUR, 2 * HOUR), (OR, T, OP, PR), _liquidation
    ),
    "USDC sent on the wrong network": _Incident(_ago(days=2), (DAY, DAY), (W, OP), _wrong_network),
    "Funds withdrawn after SIM-swap attack": _Incident(
        _clock(21, 52, margin=DAY), (2 * HOUR, DAY), (LG, OP, W, FR), _sim_swap
    ),
    "Charged taker fee twice on one spot order": _Incident(
        _ago(days=1), (HOUR, HOUR), (OR, T, OP), _duplicate_fee
    ),
    "止盈单未按设定价格执行": _Incident(
        _ago(days=2), (11 * HOUR, 5 * HOUR), (OR, T, OP, PR), _take_profit
    ),
    "Withdrawal held for risk review for 5 days": _Incident(
        _ago(days=5, hours=2), (HOUR, 5 * DAY + 2 * HOUR), (W, OP, LG), _risk_review
    ),
    "Deposit of 0.85 ETH credited to the wrong sub-account": _Incident(
        _ago(days=2), (4 * DAY, DAY), (D, OP), _wrong_subaccount
    ),
    "Convert quote expired but the trade still executed": _Incident(
        _ago(days=1), (HOUR, HOUR), (OR, T, OP), _convert
    ),
    "Grid trading bot kept running after I stopped it": _Incident(
        _clock(11, 2, margin=DAY), (HOUR, 3 * HOUR), (OR, T, OP), _grid_bot
    ),
    "Account frozen after a sanctions-screening false match": _Incident(
        _ago(days=4), (DAY, 4 * DAY), (FR, OP), _sanctions, LedgerAccountStatus.FROZEN
    ),
    "XRP deposit missing destination tag": _Incident(_ago(days=1), (DAY, DAY), (D,), _xrp_tag),
    "充值返利活动奖励未到账": _Incident(
        _ago(days=12), (2 * DAY, 2 * DAY), (D, OP), _rebate_campaign
    ),
    "2FA reset request stuck for a week": _Incident(
        _ago(days=7, hours=2), (HOUR, 7 * DAY + 2 * HOUR), (OP, LG), _twofa_stuck
    ),
    "Limit order cancelled without notice during delisting": _Incident(
        _ago(days=2), (4 * DAY, 2 * DAY), (OR, OP), _delisting
    ),
    "API 交易接口频繁超时导致损失": _Incident(
        _ago(days=6), (HOUR, 6 * DAY), (OR, T, OP), _api_timeouts
    ),
    "P2P buyer's bank transfer reversed": _Incident(
        _ago(days=4), (HOUR, 4 * DAY), (OR, T, OP), _p2p_reversed
    ),
    "Margin call email arrived after liquidation": _Incident(
        _ago(days=1), (11 * HOUR, 2 * HOUR), (OR, T, OP, PR), _margin_call
    ),
    "P2P 买家付款后取消订单": _Incident(_ago(days=2), (HOUR, 2 * DAY), (OR, OP), _p2p_cancelled),
    "Phishing site drained my account": _Incident(
        _ago(days=3), (6 * HOUR, 3 * DAY), (LG, OP, W, FR), _phished
    ),
    "Slippage on stop-market order during CPI release": _Incident(
        _clock(12, 30, margin=DAY), (4 * HOUR, 2 * HOUR), (OR, T, PR), _cpi_slippage
    ),
    "P2P 交易对方提供伪造付款凭证": _Incident(_ago(days=3), (HOUR, DAY), (OR, T, OP), _p2p_forged),
    "Withdrawal of 2.4 BTC frozen for 70 days": _Incident(
        _ago(days=70), (DAY, 70 * DAY), (W, FR, OP), _frozen_withdrawal
    ),
    "Refund for failed withdrawal returned minus network fee": _Incident(
        _ago(days=3), (HOUR, 3 * DAY), (W, OP), _refund_fee
    ),
    "理财产品提前赎回被收取手续费": _Incident(_ago(days=2), (DAY, 2 * DAY), (OP,), _earn_fee),
    "Withdrawal fee for USDT on TRC20 changed": _Incident(
        _ago(days=1), (7 * DAY, DAY), (W,), _trc20_fee
    ),
    "BTC price dropped right after I bought": _Incident(
        _ago(days=1), (HOUR, DAY), (OR, T, PR), _price_drop
    ),
}


def _incident(spec: DemoCase) -> _Incident | None:
    for key, incident in INCIDENTS.items():
        if key in spec.subject:
            return incident
    return None


def _received(spec: DemoCase, now: datetime) -> datetime:
    from demo.seed import received_at

    return received_at(spec, now=now).astimezone(UTC)


def _anchor(incident: _Incident, received: datetime) -> datetime:
    return incident.anchor(received).replace(second=0, microsecond=0)


def incident_window(spec: DemoCase, *, now: datetime) -> tuple[datetime, datetime]:
    """The [start, end) a handler would pull for this case: around its incident, or the week
    before the case was received when the demo ledger has no incident for it."""
    received = _received(spec, now)
    incident = _incident(spec)
    if incident is None:
        return received - DEFAULT_WINDOW, received
    anchor = _anchor(incident, received)
    before, after = incident.window
    return anchor - before, anchor + after


def incident_kinds(spec: DemoCase) -> list[str]:
    """The record kinds (`cases.gateway.port.RecordKind` values) most relevant to the case."""
    incident = _incident(spec)
    return list(incident.kinds) if incident else list(DEFAULT_KINDS)


# --- Seeding ---------------------------------------------------------------------------------


def _plan(now: datetime) -> tuple[dict[str, _Book], dict[str, datetime], list[tuple]]:
    """Every account's records and prices; prices carry the (kind, record id) of their
    incident's first record, so they are written only with it."""
    from demo.seed import CASES

    by_account: dict[str, list[DemoCase]] = {}
    for spec in CASES:
        by_account.setdefault(spec.account_id, []).append(spec)
    books: dict[str, _Book] = {}
    opened: dict[str, datetime] = {}
    prices: list[tuple] = []
    for account_id, specs in by_account.items():
        received = {spec.subject: _received(spec, now) for spec in specs}
        first = min(incident_window(spec, now=now)[0] for spec in specs)
        book = _Book(account_id, specs[0].email, limit=min(received.values()))
        opened[account_id] = _background(book, end=first - DAY)
        for spec in sorted(specs, key=lambda s: received[s.subject]):
            incident = _incident(spec)
            if incident is None:
                continue
            book.limit = received[spec.subject]
            mark, price_mark = len(book.rows), len(book.prices)
            incident.build(book, _anchor(incident, book.limit))
            owner = (book.rows[mark][0], book.rows[mark][1])
            prices += [(*p, owner) for p in book.prices[price_mark:]]
            if incident.status:
                book.status = incident.status
        books[account_id] = book
    return books, opened, prices


def ledger_seed(*, now: datetime) -> int:
    """Create whatever of the demo ledger is missing for the accounts of `demo.seed.CASES`;
    never change what exists. Returns the number of rows created (accounts, records, prices)."""
    books, opened, prices = _plan(now)
    with transaction.atomic():
        existing_accounts = dict(
            LedgerAccount.objects.filter(account_id__in=books).values_list("account_id", "id")
        )
        new_accounts = [
            LedgerAccount(
                account_id=account_id,
                email=book.email,
                status=book.status,
                kyc_level=2,
                opened_at=opened[account_id],
            )
            for account_id, book in books.items()
            if account_id not in existing_accounts
        ]
        LedgerAccount.objects.bulk_create(new_accounts)
        accounts = dict(
            LedgerAccount.objects.filter(account_id__in=books).values_list("account_id", "id")
        )
        planned = [(aid, *row) for aid, book in books.items() for row in book.rows]
        present = set(
            LedgerRecord.objects.filter(record_id__in={r[2] for r in planned}).values_list(
                "kind", "record_id"
            )
        )
        new_records, seen = [], set(present)
        for account_id, kind, record_id, at, data in planned:
            if (kind, record_id) in seen:
                continue
            seen.add((kind, record_id))
            new_records.append(
                LedgerRecord(
                    account_id=accounts[account_id],
                    kind=kind,
                    record_id=record_id,
                    occurred_at=at,
                    data=data,
                )
            )
        LedgerRecord.objects.bulk_create(new_records)
        new_prices, taken = [], set()
        if prices:
            taken = set(
                LedgerPrice.objects.filter(
                    symbol__in={p[0] for p in prices},
                    at__gte=min(p[1] for p in prices),
                    at__lte=max(p[1] for p in prices),
                ).values_list("symbol", "at")
            )
        for symbol, at, price, owner in prices:
            if owner in present or (symbol, at) in taken:
                continue
            taken.add((symbol, at))
            new_prices.append(LedgerPrice(symbol=symbol, at=at, price=price))
        LedgerPrice.objects.bulk_create(new_prices)
    return len(new_accounts) + len(new_records) + len(new_prices)
