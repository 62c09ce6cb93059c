"""Steps 5 and 6 of the lifecycle: what the exchange offers the user, who approved it, and what
was carried out at the exchange (DESIGN.md; seed section 三, 提出解决方案 and 执行解决方案).

An offer is versioned per case (v1, v2 ...). Its content may change only before it is sent; from
then on it is frozen, and on PostgreSQL a trigger refuses any change of a frozen offer's or
action's terms. Approvals are append-only: an edit moves the offer to a new approval round, so
earlier approvals stop counting without being rewritten. Every attempt to carry out an action
at the exchange is a row of its own with the exchange's answer.

Amounts are Decimal with up to 18 places (ETH's precision); each amount is checked against its
asset's own precision by `cases.services.money`, which refuses more places than the asset has
instead of rounding. USD values are stored at the rate used, with its source and time, never
recomputed.
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from cases.enums import (
    ActionExecutionState,
    ActionKind,
    ApprovalDecision,
    AttemptOutcome,
    DecisionChannel,
    OfferOutcome,
    OfferState,
)
from complaints_site.common.history import (
    append_only_triggers,
    audited_history,
    make_history_append_only,
)

# Every amount column: 40 digits, 18 of them after the point (the most any asset has).
AMOUNT = {"max_digits": 40, "decimal_places": 18}
# USD values, for thresholds and reports: cents.
USD = {"max_digits": 24, "decimal_places": 2}


class AssetKind(models.TextChoices):
    CRYPTO = "crypto", _("Crypto asset")
    FIAT = "fiat", _("Fiat currency")


class Asset(models.Model):
    """An asset the exchange pays in, with its precision (BTC 8 places, ETH 18, USDT 6, fiat 2)."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=8, choices=AssetKind.choices)
    decimals = models.PositiveSmallIntegerField(
        _("decimal places"), validators=[MaxValueValidator(AMOUNT["decimal_places"])]
    )
    # The exchange's price symbol that values it in dollars (a `prices` query through the
    # gateway), e.g. BTCUSDT. Empty for an asset counted at par with the dollar.
    usd_price_symbol = models.CharField(_("USD price symbol"), max_length=20, blank=True)
    usd_par = models.BooleanField(
        _("counted at par with the US dollar"),
        default=False,
        help_text=_("USD itself, and stablecoins the exchange counts 1:1."),
    )
    active = models.BooleanField(_("offered"), default=True)
    history = audited_history()

    class Meta:
        ordering = ["code"]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decimals__lte=AMOUNT["decimal_places"]),
                name="asset_decimals_max",
            ),
            models.CheckConstraint(
                condition=models.Q(usd_par=True) | ~models.Q(usd_price_symbol=""),
                name="asset_has_usd_source",
            ),
        ]

    def __str__(self) -> str:
        return self.code


# An offer not yet sent: its terms may still change (voiding its approvals).
UNSENT = [
    OfferState.DRAFT,
    OfferState.AWAITING_APPROVAL,
    OfferState.REFUSED,
    OfferState.APPROVED,
]

# The terms of an offer: frozen once it is sent (the trigger below and `offer_edit`).
OFFER_TERMS = (
    "case_id",
    "version",
    "summary",
    "outcome",
    "usd_total",
    "usd_valued_at",
    "usd_rates",
    "precedents",
    "departs_from_precedent",
    "justification",
)
ACTION_TERMS = (
    "offer_id",
    "position",
    "kind",
    "asset_id",
    "amount",
    "usd_value",
    "usd_rate",
    "detail",
    "target_reference",
    "idempotency_key",
    "frozen",
)


def any_change(fields: tuple[str, ...]) -> pgtrigger.Q:
    """A trigger condition: any of `fields` changes (NULL-safe: IS DISTINCT FROM)."""
    condition = pgtrigger.Q()
    for name in fields:
        condition |= pgtrigger.Q(**{f"old__{name}__df": pgtrigger.F(f"new__{name}")})
    return condition


class ResolutionOffer(models.Model):
    """One version of what the exchange offers the user to settle the complaint."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="offers")
    version = models.PositiveIntegerField(_("version"))
    state = FSMField(
        _("status"), default=OfferState.DRAFT, choices=OfferState.choices, protected=True
    )
    # What the user reads: what is offered and why.
    summary = models.TextField(_("message to the customer"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=OfferOutcome.choices)

    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    # The dollar value at proposal time: per asset the price, its source and time
    # ({"BTC": {"price": "64210.5", "source": "...", "at": "...Z", "symbol": "BTCUSDT"}}).
    usd_total = models.DecimalField(_("value in USD"), **USD, default=0)
    usd_valued_at = models.DateTimeField(_("valued at"), null=True, blank=True)
    usd_rates = models.JSONField(_("USD rates used"), default=dict, blank=True)

    # Consistency with earlier decisions (MiCA RTS 2025/294 Art 6): the similar closed cases
    # seen when proposing, as they were then, and the written reason for departing from them.
    precedents = models.JSONField(_("similar earlier cases"), default=list, blank=True)
    departs_from_precedent = models.BooleanField(_("departs from earlier cases"), default=False)
    justification = models.TextField(_("justification"), blank=True)

    # The approvals this offer needs (from `RESOLUTION_APPROVAL_TIERS` at submission).
    approval_tier = models.CharField(_("approval tier"), max_length=40, blank=True)
    approvals_required = models.PositiveSmallIntegerField(_("approvals required"), default=0)
    approval_roles = models.JSONField(_("approver roles required"), default=list, blank=True)
    # An edit starts a new round: approvals of an earlier round no longer count.
    approval_round = models.PositiveIntegerField(default=1, editable=False)

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted for approval"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent to the customer"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    # The customer's answer.
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decision_channel = models.CharField(
        _("answered through"), max_length=16, choices=DecisionChannel.choices, blank=True
    )
    decision_reason = models.TextField(_("customer's reason"), blank=True)
    # Staff who recorded an answer the customer gave another way, and the message or note it
    # came in ("message:<id>" / "note:<id>").
    decision_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_source = models.CharField(_("answer given in"), max_length=40, blank=True)

    history = audited_history()

    class Meta:
        ordering = ["case", "version"]
        verbose_name = _("resolution offer")
        verbose_name_plural = _("resolution offers")
        permissions = [("view_approval_queue", _("Can see the offers awaiting approval"))]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="offer_version_unique"),
            # At most one offer of a case is open at a time (being prepared or with the user).
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(state__in=[*UNSENT, OfferState.SENT]),
                name="offer_one_open_per_case",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "submitted_at"], name="offer_state_submitted"),
            # The expiry sweep: offers with the customer, by deadline.
            models.Index(
                fields=["expires_at"],
                condition=models.Q(state="sent"),
                name="offer_sent_expiry",
            ),
        ]
        triggers = [
            # The terms of a sent offer never change (raw SQL included).
            pgtrigger.Protect(
                name="offer_terms_frozen_once_sent",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__sent_at__isnull=False) & any_change(OFFER_TERMS),
            ),
            pgtrigger.Protect(name="offer_no_delete", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} v{self.version}"

    @property
    def label(self) -> str:
        return _("Offer v%(version)s") % {"version": self.version}

    # --- The offer's own lifecycle (run only by `cases.services.offers`) -------------------

    @transition(field=state, source=UNSENT, target=OfferState.DRAFT)
    def edit(self) -> None:
        """Its terms changed: any approval so far no longer counts."""
        self.approval_round += 1
        self.submitted_at = None
        self.approved_at = None

    @transition(field=state, source=OfferState.DRAFT, target=OfferState.AWAITING_APPROVAL)
    def submit(self) -> None:
        self.submitted_at = timezone.now()

    @transition(
        field=state,
        source=[OfferState.DRAFT, OfferState.AWAITING_APPROVAL],
        target=OfferState.APPROVED,
    )
    def approve(self) -> None:
        """Approved as its value requires (or needing no approval)."""
        now = timezone.now()
        self.submitted_at = self.submitted_at or now
        self.approved_at = now

    @transition(field=state, source=OfferState.AWAITING_APPROVAL, target=OfferState.REFUSED)
    def refuse(self) -> None:
        """An approver refused it: the proposer edits it (a new round) or discards it."""

    @transition(field=state, source=OfferState.APPROVED, target=OfferState.SENT)
    def send(self) -> None:
        """The customer sees it from now on; its terms are frozen."""
        now = timezone.now()
        self.sent_at = now
        self.expires_at = now + settings.OFFER_VALID_FOR

    @transition(
        field=state,
        source=UNSENT,
        target=OfferState.DISCARDED,
    )
    def discard(self) -> None:
        """Never sent, and not to be."""

    @transition(field=state, source=OfferState.SENT, target=OfferState.ACCEPTED)
    def accept(self) -> None:
        self.decided_at = timezone.now()

    @transition(field=state, source=OfferState.SENT, target=OfferState.REJECTED)
    def reject(self) -> None:
        self.decided_at = timezone.now()

    @transition(field=state, source=OfferState.SENT, target=OfferState.EXPIRED)
    def expire(self) -> None:
        self.decided_at = timezone.now()

    @transition(field=state, source=OfferState.SENT, target=OfferState.WITHDRAWN)
    def withdraw(self) -> None:
        """The case ended otherwise (the customer withdrew the complaint)."""
        self.decided_at = timezone.now()


class OfferAction(models.Model):
    """One thing the offer promises: a refund, an unfreeze, advice ... and, for the actions the
    exchange carries out, where that stands."""

    offer = models.ForeignKey(ResolutionOffer, on_delete=models.PROTECT, related_name="actions")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("action"), max_length=24, choices=ActionKind.choices)
    asset = models.ForeignKey(
        Asset,
        verbose_name=_("asset"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    amount = models.DecimalField(_("amount"), **AMOUNT, null=True, blank=True)
    usd_value = models.DecimalField(_("value in USD"), **USD, null=True, blank=True)
    usd_rate = models.DecimalField(_("USD rate used"), **AMOUNT, null=True, blank=True)
    # The explanation (no action), the advice given, or a note on the action.
    detail = models.TextField(_("details"), blank=True)
    # What the action applies to at the exchange: a transaction id to reverse, a voucher
    # campaign, a frozen scope.
    target_reference = models.CharField(_("applies to"), max_length=128, blank=True)
    # Set when the offer is sent: from then on the terms never change.
    frozen = models.BooleanField(default=False, editable=False)

    # Carrying it out at the exchange (the gateway's `perform`), for the kinds that need it.
    execution_state = models.CharField(
        _("execution"),
        max_length=20,
        choices=ActionExecutionState.choices,
        default=ActionExecutionState.NOT_STARTED,
        db_index=True,
    )
    # The exchange performs an action once per key: the case, the offer version, the action.
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=100, unique=True, null=True, blank=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    ledger_reference = models.CharField(_("exchange reference"), max_length=128, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    done_at = models.DateTimeField(_("carried out"), null=True, blank=True)
    cancelled_reason = models.TextField(_("why cancelled"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audited_history(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["offer", "position"]
        verbose_name = _("offered action")
        verbose_name_plural = _("offered actions")
        constraints = [
            models.UniqueConstraint(fields=["offer", "position"], name="offer_action_position"),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0),
                name="offer_action_amount_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(asset__isnull=False),
                name="offer_action_amount_has_asset",
            ),
        ]
        indexes = [
            # The attention queue and the stale-execution sweep.
            models.Index(
                fields=["execution_state", "updated_at"],
                condition=models.Q(execution_state__in=["queued", "running", "needs_attention"]),
                name="action_execution_open",
            ),
        ]
        triggers = [
            # An edit replaces the actions of an unsent offer; a sent offer's stay for good.
            pgtrigger.Protect(
                name="offer_action_no_delete",
                operation=pgtrigger.Delete,
                condition=pgtrigger.Q(old__frozen=True),
            ),
            # The terms are frozen once the offer is sent.
            pgtrigger.Protect(
                name="offer_action_terms_frozen",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__frozen=True) & any_change(ACTION_TERMS),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.position}"

    @property
    def is_money(self) -> bool:
        return self.amount is not None


class OfferApproval(models.Model):
    """One approver's approval or refusal of one offer in one round (append-only)."""

    offer = models.ForeignKey(ResolutionOffer, on_delete=models.PROTECT, related_name="approvals")
    round = models.PositiveIntegerField(_("round"))
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(_("decision"), max_length=8, choices=ApprovalDecision.choices)
    # The capacities this approval counts for ("team_lead", "compliance"), fixed when given.
    capacities = models.JSONField(_("approving as"), default=list, blank=True)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["offer", "created_at", "id"]
        verbose_name = _("offer approval")
        verbose_name_plural = _("offer approvals")
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "round", "approver"], name="offer_approval_once_per_round"
            )
        ]
        triggers = append_only_triggers("offer_approval_append_only")

    def __str__(self) -> str:
        return f"{self.offer} {self.decision} by {self.approver_id}"


class ExecutionAttempt(models.Model):
    """One call to the exchange for one action: written before the call, completed with the
    answer. A row left `started` is a call whose answer never came back (a worker died)."""

    action = models.ForeignKey(OfferAction, on_delete=models.PROTECT, related_name="attempts_log")
    number = models.PositiveSmallIntegerField(_("attempt"))
    outcome = models.CharField(
        _("outcome"),
        max_length=16,
        choices=AttemptOutcome.choices,
        default=AttemptOutcome.STARTED,
    )
    # The exchange said it had already done this (same idempotency key): the original result.
    replayed = models.BooleanField(_("answered from the exchange's record"), default=False)
    ledger_reference = models.CharField(_("exchange reference"), max_length=128, blank=True)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    detail = models.TextField(_("answer"), blank=True)
    worker = models.CharField(_("worker"), max_length=120, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    history = audited_history()

    class Meta:
        ordering = ["action", "number"]
        verbose_name = _("execution attempt")
        verbose_name_plural = _("execution attempts")
        constraints = [
            models.UniqueConstraint(fields=["action", "number"], name="execution_attempt_number")
        ]
        triggers = [
            pgtrigger.Protect(name="execution_attempt_no_delete", operation=pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.action} attempt {self.number}: {self.outcome}"


for _model in (Asset, ResolutionOffer, OfferAction, ExecutionAttempt):
    make_history_append_only(_model)
