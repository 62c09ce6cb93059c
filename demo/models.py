"""The demo exchange: a small synthetic ledger in our own database.

It stands in for the exchange's systems behind the demo gateway adapter
(`demo.gateway.DemoExchangeGateway`), so that `make run` shows investigations with real
records: orders, trades, deposits, withdrawals, logins, account operations, freezes and prices.
In production the HTTP adapter talks to the exchange instead and the app is left out.

The tables keep the names they had when these models lived in `cases` (`db_table`, and the
constraint and index names), so moving the models here moved no row: the migrations on both
sides only change Django's state (`cases` 0014, `demo` 0001).

Amounts are kept in the JSON `data` of each record as decimal strings (never floats), exactly as
the exchange's API would send them; the gateway parses them into `Decimal`.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LedgerAccountStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    FROZEN = "frozen", _("Frozen")
    RESTRICTED = "restricted", _("Restricted (withdrawals disabled)")
    CLOSED = "closed", _("Closed")


class LedgerRecordKind(models.TextChoices):
    ORDER = "order", _("Order")
    TRADE = "trade", _("Trade")
    DEPOSIT = "deposit", _("Deposit")
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    LOGIN = "login", _("Login")
    OPERATION = "operation", _("Account operation")
    FREEZE = "freeze", _("Freeze")


class LedgerAccount(models.Model):
    account_id = models.CharField(_("exchange account id"), max_length=64, unique=True)
    email = models.EmailField(_("email"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=LedgerAccountStatus.choices,
        default=LedgerAccountStatus.ACTIVE,
    )
    kyc_level = models.PositiveSmallIntegerField(_("KYC level"), default=1)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)

    class Meta:
        db_table = "cases_ledgeraccount"
        verbose_name = _("demo exchange account")
        verbose_name_plural = _("demo exchange accounts")

    def __str__(self) -> str:
        return self.account_id


class LedgerRecord(models.Model):
    """One record of one account: an order, a trade, a deposit... (`kind`), as the exchange
    would report it (`data`, the fields of `cases.gateway.port.RECORD_FIELDS[kind]`)."""

    account = models.ForeignKey(LedgerAccount, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(_("kind"), max_length=16, choices=LedgerRecordKind.choices)
    record_id = models.CharField(_("record id"), max_length=64)
    occurred_at = models.DateTimeField(_("time"))
    data = models.JSONField(default=dict)

    class Meta:
        db_table = "cases_ledgerrecord"
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "record_id"], name="ledger_record_unique")
        ]
        indexes = [
            models.Index(fields=["account", "kind", "occurred_at"], name="ledger_account_kind_time")
        ]
        verbose_name = _("demo exchange record")
        verbose_name_plural = _("demo exchange records")

    def __str__(self) -> str:
        return f"{self.kind} {self.record_id}"


class LedgerPrice(models.Model):
    symbol = models.CharField(_("symbol"), max_length=20)
    at = models.DateTimeField(_("time"))
    price = models.DecimalField(_("price"), max_digits=38, decimal_places=18)

    class Meta:
        db_table = "cases_ledgerprice"
        ordering = ["symbol", "at"]
        constraints = [models.UniqueConstraint(fields=["symbol", "at"], name="ledger_price_unique")]
        verbose_name = _("demo exchange price")
        verbose_name_plural = _("demo exchange prices")

    def __str__(self) -> str:
        return f"{self.symbol} {self.at:%Y-%m-%d %H:%M} {self.price}"


class LedgerAction(models.Model):
    """An action the product asked the demo exchange to perform (refund, unfreeze...), once per
    idempotency key: a retry finds the row and returns the same result."""

    idempotency_key = models.CharField(max_length=100, unique=True)
    kind = models.CharField(_("action"), max_length=32)
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="actions")
    params = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "cases_ledgeraction"
        verbose_name = _("demo exchange action")
        verbose_name_plural = _("demo exchange actions")

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key}"
