"""The book of one demo exchange account: the records and prices planned for it, written with
one helper per record kind (the fields of `cases.gateway.port.RECORD_FIELDS`), and the quiet
background life every account gets before its first incident.

Everything derived from an account id (its home IP, addresses, transaction ids, the spread of
its background dates) comes from a CRC32 of a fixed string, so it is the same on every run.
"""

from __future__ import annotations

import itertools
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from cases.gateway.port import iso
from demo.models import LedgerAccountStatus, LedgerRecordKind


def iso_or_none(value: datetime | None) -> str | None:
    return iso(value)


@dataclass
class AccountBook:
    """The records planned for one account. `limit` is the received time of the case being
    built: nothing of its incident may happen after the customer complained about it."""

    account_id: str
    email: str
    limit: datetime
    rows: list[tuple[str, str, datetime, dict[str, str | None]]] = field(default_factory=list)
    prices: list[tuple[str, datetime, Decimal]] = field(default_factory=list)
    status: str = LedgerAccountStatus.ACTIVE

    @property
    def number(self) -> str:
        return self.account_id.removeprefix("UID")

    @property
    def home_ip(self) -> str:
        return f"198.51.100.{stable_hash(self.account_id) % 250 + 2}"

    @property
    def home(self) -> str:
        tld = self.email.rsplit(".", 1)[-1]
        return HOME_CITIES.get(tld, "London, GB")

    def add(self, kind: str, record_id: str, at: datetime, **data: Any) -> None:
        for moment in (at, *(v for v in data.values() if isinstance(v, datetime))):
            if moment >= self.limit:
                raise ValueError(f"{self.account_id} {record_id}: {moment} is after the case")
        clean = {k: (iso_or_none(v) if isinstance(v, datetime) else v) for k, v in data.items()}
        for key, value in clean.items():
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{record_id}.{key} is not a string: {value!r}")
        self.rows.append((kind, record_id, at, clean))

    # One helper per kind, with the fields of `RECORD_FIELDS` (id and time go on the row).
    def order(
        self,
        record_id: str,
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
            LedgerRecordKind.ORDER,
            record_id,
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
        record_id: str,
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
            LedgerRecordKind.TRADE,
            record_id,
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

    def filled_order(
        self,
        order_id: str,
        at: datetime,
        *,
        trade_id: str,
        symbol: str,
        side: str,
        order_type: str,
        price: str,
        quantity: str,
        fee: str,
        status: str = "filled",
        trade_at: datetime | None = None,
        trade_price: str | None = None,
        market: str = "spot",
        leverage: str | None = None,
        fee_asset: str = "USDT",
        realized_pnl: str | None = None,
        counterparty: str | None = None,
    ) -> None:
        """An order and the one trade that filled it (at the order's time and price unless
        told otherwise), written as two records like the exchange reports them."""
        self.order(
            order_id,
            at,
            market=market,
            symbol=symbol,
            side=side,
            type=order_type,
            price=price,
            quantity=quantity,
            leverage=leverage,
            status=status,
        )
        self.trade(
            trade_id,
            trade_at or at,
            order_id=order_id,
            market=market,
            symbol=symbol,
            side=side,
            price=trade_price or price,
            quantity=quantity,
            fee=fee,
            fee_asset=fee_asset,
            realized_pnl=realized_pnl,
            counterparty=counterparty,
        )

    def deposit(
        self,
        record_id: str,
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
            LedgerRecordKind.DEPOSIT,
            record_id,
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
        record_id: str,
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
            LedgerRecordKind.WITHDRAWAL,
            record_id,
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
        record_id: str,
        at: datetime,
        *,
        ip: str | None = None,
        location: str | None = None,
        device: str = "iPhone 14 / App 5.12",
        result: str = "success",
    ):
        self.add(
            LedgerRecordKind.LOGIN,
            record_id,
            at,
            ip=ip or self.home_ip,
            location=location or self.home,
            device=device,
            result=result,
        )

    def operation(
        self, record_id: str, at: datetime, action: str, detail: str, *, ip: str | None = None
    ):
        self.add(
            LedgerRecordKind.OPERATION,
            record_id,
            at,
            action=action,
            detail=detail,
            ip=ip or self.home_ip,
        )

    def freeze(
        self,
        record_id: str,
        at: datetime,
        *,
        scope: str,
        reason: str,
        by: str,
        lifted_at: datetime | None = None,
    ):
        self.add(
            LedgerRecordKind.FREEZE,
            record_id,
            at,
            scope=scope,
            reason=reason,
            by=by,
            lifted_at=lifted_at,
        )

    def series(self, symbol: str, anchor: datetime, points: list[tuple[int, str]]) -> None:
        """Prices every 5 minutes through `points` (minutes from `anchor`, price), linearly
        with a small deterministic wobble, so a chart of the window shows the move."""
        start = floor_to_5_minutes(anchor + timedelta(minutes=points[0][0]))
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


HOME_CITIES = {
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


def stable_hash(text: str) -> int:
    return zlib.crc32(text.encode())


def floor_to_5_minutes(moment: datetime) -> datetime:
    return moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)


def percent_fee(price: str, quantity: str, *, rate: str) -> str:
    """The fee of a fill at `rate` of its value, in cents of the quote asset."""
    return str((Decimal(price) * Decimal(quantity) * Decimal(rate)).quantize(Decimal("0.01")))


def minutes_after(anchor: datetime, minutes: float) -> datetime:
    return anchor + timedelta(minutes=minutes)


def btc_address(seed: str) -> str:
    return (
        "bc1q"
        + format(stable_hash(seed), "08x")
        + format(stable_hash(seed + "x"), "08x")
        + "7k3h9w2m0d"
    )


def evm_address(seed: str) -> str:
    return "0x" + "".join(format(stable_hash(f"{seed}{i}"), "08x") for i in range(5))


def tron_address(seed: str) -> str:
    return "TQ" + format(stable_hash(seed), "010d") + "nHbVq8xWcR3yLmZp4K7eD2a"


def txid_for(seed: str) -> str:
    return "".join(format(stable_hash(f"{seed}:{i}"), "08x") for i in range(8))


def background_history(book: AccountBook, *, end: datetime) -> datetime:
    """A quiet account life before `end`; returns when the account was opened."""
    number, account_hash = book.number, stable_hash(book.account_id)
    opened = (end - timedelta(days=120 + account_hash % 500)).replace(second=0, microsecond=0)
    book.login(f"LGN-{number}-B0", opened)
    book.operation(
        f"OPS-{number}-B0", minutes_after(opened, 3), "account_opened", "Registered with email"
    )
    book.operation(
        f"OPS-{number}-B1",
        minutes_after(opened, 1440),
        "kyc_verified",
        "KYC level 2: ID and selfie",
    )
    book.operation(
        f"OPS-{number}-B2", minutes_after(opened, 1455), "2fa_enabled", "Authenticator app bound"
    )
    deposit_at = end - timedelta(days=58, minutes=account_hash % 600)
    amount = ("3000.00", "5000.00", "12500.00", "800.00")[account_hash % 4]
    book.deposit(
        f"DEP-{number}-B1",
        deposit_at,
        asset="USDT",
        network="TRC20",
        amount=amount,
        txid=txid_for(f"{number}:bgdep"),
        confirmations="20",
        status="credited",
        credited_at=minutes_after(deposit_at, 3),
    )
    for i, days in enumerate((57, 40, 21, 9, 3)):
        book.login(
            f"LGN-{number}-B{i + 1}", end - timedelta(days=days, minutes=(account_hash >> i) % 700)
        )
    trades = [
        ("BTCUSDT", "buy", "64210.50", "0.01500000", 45),
        ("ETHUSDT", "buy", "3120.40", "0.25000000", 30),
        ("BTCUSDT", "sell", "66980.00", "0.00500000", 8),
    ]
    for i, (symbol, side, price, quantity, days) in enumerate(trades):
        at = end - timedelta(days=days, minutes=(account_hash >> (i + 3)) % 900)
        book.filled_order(
            f"ORD-{number}-B{i}",
            at,
            trade_id=f"TRD-{number}-B{i}",
            trade_at=minutes_after(at, 2),
            symbol=symbol,
            side=side,
            order_type="limit",
            price=price,
            quantity=quantity,
            fee=percent_fee(price, quantity, rate="0.001"),
        )
    return opened
