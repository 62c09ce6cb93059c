"""Clocks of a case (docs/clocks.md): the service targets the exchange sets itself, the
regulator's deadlines, the letters those deadlines require, and the time each lifecycle step
took.

A clock is a row with its due time and flags, not a timer: one periodic sweep
(`cases.services.clocks.clocks_sweep`) finds the clocks about to breach and the ones that did,
set-based, however many cases are open. What the sweep and the services write here is what
the metrics read later: when each step started and ended, which clock breached in which step.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.enums import CaseState, Category, ClockKind, LetterKind, Locale, Priority, Regime
from complaints_site.common.history import (
    append_only_triggers,
    audited_history,
    make_history_append_only,
)


def _weekdays_default() -> list[int]:
    return [0, 1, 2, 3, 4]


class BusinessHours(models.Model):
    """When a team works: hours on working days, in its time zone, without the public
    holidays of its country (the `holidays` package). A team without one works 24/7."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/London")
    country = models.CharField(
        _("holidays of (country code)"),
        max_length=2,
        default="GB",
        help_text=_("ISO 3166 code whose public holidays are days off, e.g. GB, DE, US."),
    )
    subdivision = models.CharField(
        _("region"), max_length=10, blank=True, help_text=_("e.g. ENG for England.")
    )
    opens = models.TimeField(_("opens"), default="09:00")
    closes = models.TimeField(_("closes"), default="17:00")
    weekdays = models.JSONField(
        _("working days"),
        default=_weekdays_default,
        help_text=_("Monday is 0, Sunday is 6."),
    )
    history = audited_history()

    class Meta:
        ordering = ["name"]
        verbose_name = _("business hours")
        verbose_name_plural = _("business hours")

    def __str__(self) -> str:
        return self.name


class SlaPolicy(models.Model):
    """Service targets for a priority, optionally only for one category (a category-specific
    policy wins over the general one). Without any, `SLA_TARGETS` in the settings apply."""

    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    category = models.CharField(
        _("category"),
        max_length=30,
        choices=Category.choices,
        blank=True,
        help_text=_("Empty: every category of this priority."),
    )
    first_response = models.DurationField(_("first response within"))
    next_response = models.DurationField(
        _("next response within"), help_text=_("After each message from the customer.")
    )
    resolution = models.DurationField(_("resolution within"))
    warn_at_percent = models.PositiveSmallIntegerField(
        _("warn when this much of the time is used (%)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    history = audited_history()

    class Meta:
        ordering = ["priority", "category"]
        verbose_name = _("service target")
        verbose_name_plural = _("service targets")
        constraints = [
            models.UniqueConstraint(fields=["priority", "category"], name="sla_policy_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_priority_display()} {self.get_category_display() or ''}".strip()


class CaseClock(models.Model):
    """One deadline of a case. Running while `met_at` is empty; a paused clock (`paused_at`)
    neither warns nor breaches, and its due time moves by the pause when it resumes. The sweep
    sets `warned_at` once and `breached_at` once, with the step the case was in."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="clocks")
    kind = models.CharField(_("clock"), max_length=20, choices=ClockKind.choices)
    regime = models.CharField(
        _("regime"), max_length=8, choices=Regime.choices, default=Regime.NONE
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    due_at = models.DateTimeField(_("due"))
    # When the assignee is warned (due_at minus the warning lead); moves with due_at.
    warn_at = models.DateTimeField(_("warn from"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    met_at = models.DateTimeField(_("met"), null=True, blank=True)
    met_by = models.CharField(_("met by"), max_length=40, blank=True)
    warned_at = models.DateTimeField(_("warned"), null=True, blank=True)
    breached_at = models.DateTimeField(_("missed"), null=True, blank=True)
    breached_in = models.CharField(
        _("missed during"), max_length=30, choices=CaseState.choices, blank=True
    )
    # The date the customer was told to expect instead (a holding reply or delay notice).
    extended_to = models.DateTimeField(_("customer told to expect by"), null=True, blank=True)
    # The sweep run that last claimed this row (so its notifications are written once).
    sweep_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["case", "due_at", "id"]
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        constraints = [
            # One running clock of each kind per case.
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(met_at__isnull=True),
                name="clock_one_running_per_kind",
            )
        ]
        indexes = [
            models.Index(fields=["case", "kind"], name="clock_case_kind"),
            # The sweep's two reads: running clocks to warn, running clocks past due.
            models.Index(
                fields=["warn_at"],
                condition=Q(met_at__isnull=True, paused_at__isnull=True, warned_at__isnull=True),
                name="clock_to_warn",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(met_at__isnull=True, paused_at__isnull=True, breached_at__isnull=True),
                name="clock_to_breach",
            ),
            models.Index(fields=["sweep_token"], name="clock_sweep_token"),
            # Breaches per step and kind (the metrics).
            models.Index(
                fields=["breached_at", "kind"],
                condition=Q(breached_at__isnull=False),
                name="clock_breaches",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.due_at:%Y-%m-%d %H:%M} UTC)"

    @property
    def is_running(self) -> bool:
        return self.met_at is None


class CaseStep(models.Model):
    """A lifecycle step of a case: when the case entered a state and when it left it."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="steps")
    state = models.CharField(_("step"), max_length=30, choices=CaseState.choices)
    entered_at = models.DateTimeField(_("entered"))
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        ordering = ["case", "entered_at", "id"]
        verbose_name = _("lifecycle step")
        verbose_name_plural = _("lifecycle steps")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(left_at__isnull=True), name="step_one_current"
            )
        ]
        indexes = [
            models.Index(fields=["case", "entered_at"], name="step_case"),
            models.Index(fields=["state", "left_at"], name="step_state_left"),
        ]

    def __str__(self) -> str:
        return f"{self.get_state_display()} {self.entered_at:%Y-%m-%d %H:%M}"


class RegulatoryLetter(models.Model):
    """A letter a regime requires besides the final response: the acknowledgement stating the
    deadline, a holding reply (or "in progress") with reasons and the date to expect, a delay
    notice, a summary resolution communication. Stored once with the SHA-256 of its text;
    never changed (append-only, sealed into the audit chain)."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="regulatory_letters"
    )
    kind = models.CharField(_("letter"), max_length=20, choices=LetterKind.choices)
    regime = models.CharField(_("regime"), max_length=8, choices=Regime.choices)
    locale = models.CharField(_("language"), max_length=8, choices=Locale.choices)
    reasons = models.TextField(_("reasons"), blank=True)
    # The final-response date this letter tells the customer to expect (holding reply,
    # delay notice), or the deadline it states (acknowledgement).
    expected_by = models.DateField(_("final response expected by"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("letter"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        ordering = ["case", "issued_at", "id"]
        verbose_name = _("regulatory letter")
        verbose_name_plural = _("regulatory letters")
        triggers = append_only_triggers("regulatory_letter_append_only")
        indexes = [models.Index(fields=["case", "kind"], name="reg_letter_case_kind")]

    def __str__(self) -> str:
        return self.subject


for _model in (BusinessHours, SlaPolicy):
    make_history_append_only(_model)
