"""The exchange's last word and the user's view of how it went.

A final response letter is stored once, with the SHA-256 of its text, and never changes (an
append-only table, sealed into the audit chain). A survey asks two separate questions after
resolution: how the complaint was handled (the process) and what came of it (the outcome).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.enums import DecisionChannel, Locale, OfferOutcome
from complaints_site.common.history import append_only_triggers, audited_history
from complaints_site.common.history import make_history_append_only as _append_only_history


class FinalResponseLetter(models.Model):
    """The final response: outcome, reasons, the evidence relied on, and the user's right to go
    to arbitration with the deadline for it, in the user's language."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="final_response_letters"
    )
    locale = models.CharField(_("language"), max_length=8, choices=Locale.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=OfferOutcome.choices)
    reasons = models.TextField(_("reasons"))
    # The evidence relied on, as it was named when the letter was issued: [{"id", "name"}].
    evidence = models.JSONField(_("evidence relied on"), default=list)
    arbitration_deadline = models.DateField(_("refer to arbitration by"))
    subject = models.CharField(_("subject"), max_length=200)
    # The letter as sent, and its SHA-256 (hex) over the UTF-8 text.
    body = models.TextField(_("letter"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        ordering = ["case", "issued_at", "id"]
        verbose_name = _("final response letter")
        verbose_name_plural = _("final response letters")
        triggers = append_only_triggers("final_response_letter_append_only")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.subject}"


class Survey(models.Model):
    """The follow-up questions after one resolution of a case (a reopened case that is resolved
    again gets a new round)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="surveys")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("answer by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    channel = models.CharField(
        _("answered through"), max_length=16, choices=DecisionChannel.choices, blank=True
    )
    process_score = models.PositiveSmallIntegerField(
        _("satisfaction with the handling"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    process_reasons = models.JSONField(_("about the handling"), default=list, blank=True)
    outcome_score = models.PositiveSmallIntegerField(
        _("satisfaction with the outcome"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    outcome_reasons = models.JSONField(_("about the outcome"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    history = audited_history()

    class Meta:
        ordering = ["case", "round"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [
            models.UniqueConstraint(fields=["case", "round"], name="survey_round_unique"),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True)
                | (models.Q(process_score__isnull=False) & models.Q(outcome_score__isnull=False)),
                name="survey_answer_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(process_score__isnull=True)
                | models.Q(process_score__gte=1, process_score__lte=5),
                name="survey_process_score_range",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome_score__isnull=True)
                | models.Q(outcome_score__gte=1, outcome_score__lte=5),
                name="survey_outcome_score_range",
            ),
        ]
        indexes = [models.Index(fields=["answered_at"], name="survey_answered")]

    def __str__(self) -> str:
        return f"{self.case_id} survey {self.round}"


_append_only_history(Survey)
