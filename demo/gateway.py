"""The demo adapter: the synthetic exchange ledger in our own database (`demo.models`),
filled by `seed_demo`. It behaves like the exchange would: same record shapes, idempotent actions,
and a reversal refused unless it names a transaction of the account.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q

from cases.gateway.port import (
    ACTION_KINDS,
    AccountStatus,
    ActionRequest,
    ActionResult,
    GatewayNotFound,
    GatewayRejected,
    RecordKind,
    iso,
    normalize_record,
)
from demo.models import (
    LedgerAccount,
    LedgerAccountStatus,
    LedgerAction,
    LedgerPrice,
    LedgerRecord,
    LedgerRecordKind,
)

# Port kind -> ledger record kind.
_LEDGER_KIND = {
    RecordKind.ORDERS: LedgerRecordKind.ORDER,
    RecordKind.TRADES: LedgerRecordKind.TRADE,
    RecordKind.DEPOSITS: LedgerRecordKind.DEPOSIT,
    RecordKind.WITHDRAWALS: LedgerRecordKind.WITHDRAWAL,
    RecordKind.LOGINS: LedgerRecordKind.LOGIN,
    RecordKind.OPERATIONS: LedgerRecordKind.OPERATION,
    RecordKind.FREEZES: LedgerRecordKind.FREEZE,
}
_ID_FIELD = {
    RecordKind.ORDERS: "order_id",
    RecordKind.TRADES: "trade_id",
    RecordKind.DEPOSITS: "deposit_id",
    RecordKind.WITHDRAWALS: "withdrawal_id",
    RecordKind.LOGINS: "login_id",
    RecordKind.OPERATIONS: "operation_id",
    RecordKind.FREEZES: "freeze_id",
}


class DemoExchangeGateway:
    name = "demo exchange ledger"

    def _account(self, account_id: str) -> LedgerAccount:
        account = LedgerAccount.objects.filter(account_id=account_id).first()
        if account is None:
            raise GatewayNotFound(f"The exchange has no account {account_id}.", status=404)
        return account

    def account_status(self, account_id: str) -> AccountStatus:
        account = self._account(account_id)
        freezes = [
            normalize_record(
                RecordKind.FREEZES,
                {**row.data, "freeze_id": row.record_id, "time": row.occurred_at},
            )
            for row in account.records.filter(kind=LedgerRecordKind.FREEZE).order_by(
                "occurred_at", "id"
            )
        ]
        return AccountStatus(
            account_id=account.account_id,
            status=account.status,
            kyc_level=account.kyc_level,
            opened_at=iso(account.opened_at) or "",
            freezes=tuple(freezes),
        )

    def records(
        self, account_id: str, kind: str, start: datetime, end: datetime
    ) -> list[dict[str, str | None]]:
        if kind == RecordKind.PRICES:
            raise GatewayRejected("Prices are read with prices().", status=400)
        if kind not in _LEDGER_KIND:
            raise GatewayRejected(f"Unknown record kind {kind!r}.", status=400)
        account = self._account(account_id)
        rows = LedgerRecord.objects.filter(account=account, kind=_LEDGER_KIND[kind])
        rows = rows.filter(occurred_at__gte=start, occurred_at__lt=end)
        id_field = _ID_FIELD[kind]
        return [
            normalize_record(kind, {**row.data, id_field: row.record_id, "time": row.occurred_at})
            for row in rows.order_by("occurred_at", "id")
        ]

    def prices(
        self, symbols: list[str], start: datetime, end: datetime
    ) -> list[dict[str, str | None]]:
        rows = LedgerPrice.objects.filter(symbol__in=symbols, at__gte=start, at__lt=end)
        return [
            normalize_record(
                RecordKind.PRICES, {"symbol": p.symbol, "time": p.at, "price": str(p.price)}
            )
            for p in rows.order_by("symbol", "at")
        ]

    def perform(self, action: ActionRequest) -> ActionResult:
        if action.kind not in ACTION_KINDS:
            raise GatewayRejected(f"Unknown action {action.kind!r}.", status=400)
        account = self._account(action.account_id)
        existing = LedgerAction.objects.filter(idempotency_key=action.idempotency_key).first()
        if existing is None:
            _check_reversal(account, action)
            try:
                with transaction.atomic():
                    existing = LedgerAction.objects.create(
                        idempotency_key=action.idempotency_key,
                        kind=action.kind,
                        account=account,
                        params=dict(action.params),
                        result={"status": "done", "reference": f"DEMO-{action.idempotency_key}"},
                    )
                    if action.kind == "unfreeze" and account.status != LedgerAccountStatus.ACTIVE:
                        account.status = LedgerAccountStatus.ACTIVE
                        account.save(update_fields=["status"])
                return _result(existing, replayed=False)
            except IntegrityError:
                existing = LedgerAction.objects.get(idempotency_key=action.idempotency_key)
        if existing.kind != action.kind or existing.params != dict(action.params):
            raise GatewayRejected("This idempotency key was used for another action.", status=409)
        return _result(existing, replayed=True)


def _check_reversal(account: LedgerAccount, action: ActionRequest) -> None:
    """The exchange reverses only a transaction of the account it knows (by its record id or
    its on-chain txid); anything else is refused, never guessed."""
    if action.kind != "reverse_transaction":
        return
    target = (action.params.get("target") or "").strip()
    known = target and account.records.filter(Q(record_id=target) | Q(data__txid=target)).exists()
    if not known:
        raise GatewayRejected(
            f"No transaction {target or '(none named)'} on account {account.account_id}: "
            "nothing to reverse.",
            status=422,
        )


def _result(row: LedgerAction, *, replayed: bool) -> ActionResult:
    return ActionResult(
        idempotency_key=row.idempotency_key,
        status=row.result.get("status", "done"),
        reference=row.result.get("reference", ""),
        detail={k: str(v) for k, v in row.params.items()},
        replayed=replayed,
    )
