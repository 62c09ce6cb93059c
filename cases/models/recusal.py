"""Conflicts of interest and recusal (seed section 二, 回避制度).

Guardian has no deny rule (RELIABILITY.md), so recusal is its own table: a `CaseRecusal` row
bars a person from a case on every path (selectors, admin, API, portal, downloads, tasks)
until a compliance officer lifts it with a written reason. Every check made when someone acts
on a case is written to the `RecusalCheck` ledger, refusals and overrides included.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints_site.common.history import (
    append_only_triggers,
    audited_history,
    make_history_append_only,
    no_delete_triggers,
)


class ConflictKind(models.TextChoices):
    RELATED_ACCOUNT = "related_account", _("Related exchange account")
    RELATIONSHIP = "relationship", _("Personal relationship")
    INTEREST = "interest", _("Financial or other interest")


class DeclarationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConflictDeclaration(models.Model):
    """What a staff member declares: an exchange account of a relative, a relationship with a
    person or firm, an interest. Compliance officers review declarations."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="conflict_declarations",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ConflictKind.choices)
    # The related party's exchange account, when there is one (matched against cases).
    exchange_account_id = models.CharField(
        _("related exchange account id"), max_length=64, blank=True, db_index=True
    )
    related_party = models.CharField(_("related party"), max_length=200, blank=True)
    details = models.TextField(_("details"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeclarationStatus.choices,
        default=DeclarationStatus.PENDING,
        db_index=True,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    created_at = models.DateTimeField(_("declared"), default=timezone.now)
    history = audited_history()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("conflict declaration")
        verbose_name_plural = _("conflict declarations")

    def __str__(self) -> str:
        return f"{self.staff}: {self.get_kind_display()}"


class ParticipantRole(models.TextChoices):
    FROZE_ACCOUNT = "froze_account", _("Froze the account")
    EXECUTED_TRANSACTION = "executed_transaction", _("Executed the disputed transaction")
    HANDLED_EARLIER_CASE = "handled_earlier_case", _("Handled the earlier case")
    OTHER = "other", _("Took part in the disputed action")


class CaseParticipant(models.Model):
    """A staff member recorded as having taken part in the action a case is about."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=30, choices=ParticipantRole.choices)
    source = models.CharField(_("source"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = audited_history()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user", "role"], name="case_participant_unique")
        ]
        verbose_name = _("participant in the disputed action")
        verbose_name_plural = _("participants in the disputed action")

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()}"


class CaseRecusal(models.Model):
    """A person barred from a case by a rule; in force until a compliance officer lifts it."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="recusals")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_recusals"
    )
    rule = models.CharField(_("rule"), max_length=60)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recused"), default=timezone.now)
    # A compliance officer's override, with a written reason.
    lifted_at = models.DateTimeField(_("override"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = models.TextField(_("override reason"), blank=True)
    history = audited_history()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user", "rule"],
                condition=models.Q(lifted_at__isnull=True),
                name="case_recusal_active_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["user", "case"],
                name="case_recusal_active",
                condition=models.Q(lifted_at__isnull=True),
            )
        ]
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")

    def __str__(self) -> str:
        return f"{self.user} / {self.case_id}: {self.rule}"


class CheckOutcome(models.TextChoices):
    ALLOWED = "allowed", _("Allowed")
    REFUSED = "refused", _("Refused")
    OVERRIDDEN = "overridden", _("Allowed by override")


class RecusalCheck(models.Model):
    """Every recusal check made when someone acts on a case (append-only ledger)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # assign, transition:<name>, approve, quality_review, consultation, ...
    act = models.CharField(_("act"), max_length=60)
    outcome = models.CharField(_("outcome"), max_length=10, choices=CheckOutcome.choices)
    rule = models.CharField(_("rule"), max_length=60, blank=True)
    actor_label = models.CharField(_("checked for"), max_length=200)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["case", "created_at"], name="recusal_check_case"),
            models.Index(fields=["user", "created_at"], name="recusal_check_user"),
        ]
        verbose_name = _("recusal check")
        verbose_name_plural = _("recusal checks")
        triggers = append_only_triggers("recusal_check_append_only")

    def __str__(self) -> str:
        return f"{self.act} {self.outcome}"


for _model in (ConflictDeclaration, CaseParticipant, CaseRecusal):
    make_history_append_only(_model)

# Records of conflicts and reviews are never deleted, not even by raw SQL (PostgreSQL).
for _model in (
    ConflictDeclaration,
    CaseParticipant,
    CaseRecusal,
):
    pgtrigger.register(*no_delete_triggers("record_no_delete"))(_model)
