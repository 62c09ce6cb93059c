"""The port: what the product asks of the exchange, whatever answers it.

Records come back as plain dicts with exactly the fields of `RECORD_FIELDS[kind]`, every value a
string (decimal amounts as canonical decimal strings, times as UTC ISO 8601) or None, so that a
snapshot of them hashes the same however it was fetched. `normalize_record` is the one place an
adapter's raw record becomes that shape; it refuses floats, so no amount is ever rounded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from cases.gateway.config import GatewaySettings


class RecordKind(models.TextChoices):
    ORDERS = "orders", _("Orders")
    TRADES = "trades", _("Trades")
    DEPOSITS = "deposits", _("Deposits")
    WITHDRAWALS = "withdrawals", _("Withdrawals")
    LOGINS = "logins", _("Logins")
    OPERATIONS = "operations", _("Account operations")
    FREEZES = "freezes", _("Freezes")
    PRICES = "prices", _("Prices")


# Field name -> (column label, type). Types: "id", "time", "text", "decimal".
RECORD_FIELDS: dict[str, list[tuple[str, Any, str]]] = {
    RecordKind.ORDERS: [
        ("order_id", _("Order"), "id"),
        ("time", _("Time (UTC)"), "time"),
        ("market", _("Market"), "text"),
        ("symbol", _("Symbol"), "text"),
        ("side", _("Side"), "text"),
        ("type", _("Type"), "text"),
        ("price", _("Price"), "decimal"),
        ("quantity", _("Quantity"), "decimal"),
        ("leverage", _("Leverage"), "decimal"),
        ("status", _("Status"), "text"),
    ],
    RecordKind.TRADES: [
        ("trade_id", _("Trade"), "id"),
        ("time", _("Time (UTC)"), "time"),
        ("order_id", _("Order"), "id"),
        ("market", _("Market"), "text"),
        ("symbol", _("Symbol"), "text"),
        ("side", _("Side"), "text"),
        ("price", _("Price"), "decimal"),
        ("quantity", _("Quantity"), "decimal"),
        ("fee", _("Fee"), "decimal"),
        ("fee_asset", _("Fee asset"), "text"),
        ("realized_pnl", _("Realised P&L"), "decimal"),
        ("counterparty", _("Counterparty"), "text"),
    ],
    RecordKind.DEPOSITS: [
        ("deposit_id", _("Deposit"), "id"),
        ("time", _("Time (UTC)"), "time"),
        ("asset", _("Asset"), "text"),
        ("network", _("Network"), "text"),
        ("amount", _("Amount"), "decimal"),
        ("txid", _("Transaction id"), "text"),
        ("confirmations", _("Confirmations"), "text"),
        ("status", _("Status"), "text"),
        ("credited_at", _("Credited (UTC)"), "time"),
    ],
    RecordKind.WITHDRAWALS: [
        ("withdrawal_id", _("Withdrawal"), "id"),
        ("time", _("Time (UTC)"), "time"),
        ("asset", _("Asset"), "text"),
        ("network", _("Network"), "text"),
        ("amount", _("Amount"), "decimal"),
        ("fee", _("Fee"), "decimal"),
        ("address", _("Address"), "text"),
        ("txid", _("Transaction id"), "text"),
        ("status", _("Status"), "text"),
        ("note", _("Note"), "text"),
    ],
    RecordKind.LOGINS: [
        ("login_id", _("Login"), "id"),
        ("time", _("Time (UTC)"), "time"),
        ("ip", _("IP address"), "text"),
        ("location", _("Location"), "text"),
        ("device", _("Device"), "text"),
        ("result", _("Result"), "text"),
    ],
    RecordKind.OPERATIONS: [
        ("operation_id", _("Operation"), "id"),
        ("time", _("Time (UTC)"), "time"),
        ("action", _("Action"), "text"),
        ("detail", _("Detail"), "text"),
        ("ip", _("IP address"), "text"),
    ],
    RecordKind.FREEZES: [
        ("freeze_id", _("Freeze"), "id"),
        ("time", _("Time (UTC)"), "time"),
        ("scope", _("Scope"), "text"),
        ("reason", _("Reason"), "text"),
        ("by", _("By"), "text"),
        ("lifted_at", _("Lifted (UTC)"), "time"),
    ],
    RecordKind.PRICES: [
        ("symbol", _("Symbol"), "text"),
        ("time", _("Time (UTC)"), "time"),
        ("price", _("Price"), "decimal"),
    ],
}

# What `perform` may ask (the resolution issue builds on these).
ACTION_KINDS = ("refund", "compensation", "unfreeze", "reverse_transaction", "voucher")


class GatewayError(Exception):
    """Base of every gateway failure; `message` is safe to show staff."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class GatewayUnavailable(GatewayError):
    """The exchange did not answer (timeouts, refused connections, 5xx after the retries)."""


class GatewayRejected(GatewayError):
    """The exchange refused the request (4xx other than 404): bad input or our credentials."""


class GatewayNotFound(GatewayError):
    """The exchange does not know the account (or record)."""


class GatewayIntegrityError(GatewayError):
    """The answer failed its signature check or is malformed: it must not become evidence."""


@dataclass(frozen=True)
class AccountStatus:
    account_id: str
    status: str
    kyc_level: int
    opened_at: str
    freezes: tuple[dict[str, str | None], ...] = ()


@dataclass(frozen=True)
class ActionRequest:
    kind: str
    account_id: str
    idempotency_key: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionResult:
    idempotency_key: str
    status: str  # "done" or "failed"
    reference: str
    detail: dict[str, str] = field(default_factory=dict)
    replayed: bool = False


class ExchangeGateway(Protocol):
    """What every adapter offers. Times are aware datetimes (UTC); windows are [start, end)."""

    #: Shown on snapshots as their source (no secrets).
    name: str

    def account_status(self, account_id: str) -> AccountStatus: ...

    def records(
        self, account_id: str, kind: str, start: datetime, end: datetime
    ) -> list[dict[str, str | None]]: ...

    def prices(
        self, symbols: list[str], start: datetime, end: datetime
    ) -> list[dict[str, str | None]]: ...

    def perform(self, action: ActionRequest) -> ActionResult: ...


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _decimal(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise GatewayIntegrityError(f"amount sent as a float: {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise GatewayIntegrityError(f"not a decimal amount: {value!r}") from exc
    if not number.is_finite():
        raise GatewayIntegrityError(f"not a finite amount: {value!r}")
    # Canonical: no exponent, no trailing zeros beyond what was sent ("1.50" stays "1.50").
    return format(number, "f")


def _time(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError as exc:
            raise GatewayIntegrityError(f"not a time: {value!r}") from exc
    if moment.tzinfo is None:
        raise GatewayIntegrityError(f"time without a zone: {value!r}")
    return iso(moment)


def normalize_record(kind: str, raw: dict[str, Any]) -> dict[str, str | None]:
    """`raw` in the port's shape: exactly the declared fields, typed as declared.

    Unknown fields are dropped; a missing id or time, a float amount or a malformed value
    raises GatewayIntegrityError (the record must not be frozen half-understood)."""
    if kind not in RECORD_FIELDS:
        raise GatewayIntegrityError(f"unknown record kind {kind!r}")
    if not isinstance(raw, dict):
        raise GatewayIntegrityError(f"a {kind} record is not an object")
    out: dict[str, str | None] = {}
    for name, _label, typ in RECORD_FIELDS[kind]:
        value = raw.get(name)
        if typ == "decimal":
            out[name] = _decimal(value)
        elif typ == "time":
            out[name] = _time(value)
        else:
            out[name] = None if value is None else str(value)
        if name == "time" and out[name] is None:
            raise GatewayIntegrityError(f"a {kind} record has no {name}")
    return out


def get_gateway() -> ExchangeGateway:
    """The configured adapter: `EXCHANGE_GATEWAY` is a dotted class path (the demo ledger by
    default); the HTTP adapter reads its URL, key and limits from settings."""
    return import_string(GatewaySettings.from_settings().adapter)()
