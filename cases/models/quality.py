"""Internal quality review (内部审计): a monthly sample of closed cases, scored by reviewers who
did not handle them."""

import pgtrigger
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints_site.common.history import (
    audited_history,
    make_history_append_only,
    no_delete_triggers,
)

SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a reviewer")
    ASSIGNED = "assigned", _("Assigned")
    COMPLETED = "completed", _("Completed")


class QualityReview(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="reviews")
    # The sampling period (first day of the month sampled).
    period = models.DateField(_("period"), db_index=True)
    # The stratum the case was drawn from, e.g. "deposit_withdrawal/complaints".
    stratum = models.CharField(_("stratum"), max_length=100)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quality_reviews",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReviewStatus.choices,
        default=ReviewStatus.OPEN,
        db_index=True,
    )
    # The score sheet, 1 (poor) to 5 (excellent).
    classification_score = models.PositiveSmallIntegerField(
        _("classification"), null=True, blank=True, validators=SCORE
    )
    fairness_score = models.PositiveSmallIntegerField(
        _("fairness of the finding"), null=True, blank=True, validators=SCORE
    )
    timeliness_score = models.PositiveSmallIntegerField(
        _("timeliness"), null=True, blank=True, validators=SCORE
    )
    communication_score = models.PositiveSmallIntegerField(
        _("communication"), null=True, blank=True, validators=SCORE
    )
    findings = models.TextField(_("findings"), blank=True)
    created_at = models.DateTimeField(_("sampled"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    history = audited_history()

    class Meta:
        ordering = ["-period", "status", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "period"], name="quality_review_once")
        ]
        indexes = [models.Index(fields=["reviewer", "status"], name="quality_review_reviewer")]
        verbose_name = _("quality review")
        verbose_name_plural = _("quality reviews")

    def __str__(self) -> str:
        return f"{self.case_id} @ {self.period:%Y-%m}"


make_history_append_only(QualityReview)

# Records of conflicts and reviews are never deleted, not even by raw SQL (PostgreSQL).
for _model in (QualityReview,):
    pgtrigger.register(*no_delete_triggers("record_no_delete"))(_model)
