"""Domain events: the ledger of what happened to a case (transitions, assignment, intake...).

simple-history records field snapshots; this table records acts, with actor and reason, including
those that change no field. Rows are append-only, enforced by a trigger on PostgreSQL.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints_site.common.history import append_only_triggers


class CaseEvent(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="events")
    type = models.CharField(_("type"), max_length=80, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=200)
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"])]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        triggers = append_only_triggers("case_event_append_only")

    def __str__(self) -> str:
        return f"{self.type} by {self.actor_label}"
