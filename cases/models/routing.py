"""Routing rules: which team a new case goes to (by category, language and channel)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.enums import Category, Channel, Locale
from complaints_site.common.history import audited_history, make_history_append_only


class RoutingRule(models.Model):
    """The first active rule (lowest `order`) whose non-blank criteria all match wins; blank
    means any. No match: the default team (`INTAKE_DEFAULT_TEAM`)."""

    order = models.PositiveIntegerField(_("order"), default=100, db_index=True)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices, blank=True)
    locale = models.CharField(_("language"), max_length=8, choices=Locale.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    team = models.ForeignKey("cases.Team", verbose_name=_("team"), on_delete=models.PROTECT)
    # Assign within the team to an available member with this skill and language, least loaded.
    auto_assign = models.BooleanField(_("assign to a handler"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    history = audited_history()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return f"{self.order}: {self.category or '*'}/{self.locale or '*'} -> {self.team}"


make_history_append_only(RoutingRule)
