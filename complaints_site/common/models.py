"""The audit ledgers of the `common` app: the seal chain over every history table and the
tombstones left by deletions. Both are append-only (a trigger refuses UPDATE and DELETE on
PostgreSQL); see docs/audit.md."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints_site.common.history import append_only_triggers


class AuditSeal(models.Model):
    """One link of the hash chain: the hash of one audited row, chained to the link before.

    `seq` is assigned by the sealer under an advisory lock, so the chain is gap-free: a missing
    number means a removed seal. `seal_hash` = SHA-256(prev_hash | seq | table | row_id |
    row_hash); see complaints_site/common/audit.py.
    """

    seq = models.PositiveBigIntegerField(_("sequence"), primary_key=True)
    table = models.CharField(_("table"), max_length=100)
    row_id = models.BigIntegerField(_("row id"))
    row_hash = models.CharField(_("row hash"), max_length=64)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    seal_hash = models.CharField(_("seal hash"), max_length=64)
    sealed_at = models.DateTimeField(_("sealed at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        # (table, seq) finds a table's sealing floor in one index probe (audit.py).
        indexes = [models.Index(fields=["table", "seq"])]
        constraints = [
            models.UniqueConstraint(fields=["table", "row_id"], name="audit_seal_one_per_row")
        ]
        triggers = append_only_triggers("audit_seal_append_only")

    def __str__(self) -> str:
        return f"#{self.seq} {self.table}:{self.row_id}"


class Tombstone(models.Model):
    """What is left of a deleted record: which one, a short description, who deleted it, when
    and why. Written by `tombstone_record` on every deletion path."""

    model_label = models.CharField(_("model"), max_length=100)
    object_pk = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    actor_label = models.CharField(_("actor"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["model_label", "object_pk"])]
        verbose_name = _("tombstone")
        verbose_name_plural = _("tombstones")
        triggers = append_only_triggers("tombstone_append_only")

    def __str__(self) -> str:
        return f"{self.model_label}:{self.object_pk} deleted by {self.actor_label}"
