"""Investigation (lifecycle step 3): exchange-record snapshots, handler annotations on evidence,
and consultations with other departments.

A snapshot is frozen: its records are stored as canonical JSON in an evidence file whose SHA-256
is kept on both rows, and the database refuses any UPDATE or DELETE of the snapshot row (and of
the evidence row's content columns). Pulling again makes a new snapshot.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints_site.common.history import (
    append_only_triggers,
    audited_history,
    make_history_append_only,
)


class Snapshot(models.Model):
    evidence = models.OneToOneField(
        "cases.Evidence", on_delete=models.PROTECT, related_name="snapshot"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="snapshots")
    account_id = models.CharField(_("exchange account id"), max_length=64)
    # The record kinds pulled (`cases.gateway.port.RecordKind` values), in pull order.
    kinds = models.JSONField(_("records"), default=list)
    window_start = models.DateTimeField(_("from (UTC)"))
    window_end = models.DateTimeField(_("to (UTC)"))
    source = models.CharField(_("source"), max_length=200)
    record_count = models.PositiveIntegerField(_("records"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    pulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pulled_by_label = models.CharField(_("pulled by"), max_length=200)
    pulled_at = models.DateTimeField(_("pulled (UTC)"), default=timezone.now)

    class Meta:
        ordering = ["pulled_at", "id"]
        indexes = [models.Index(fields=["case", "pulled_at"], name="snapshot_case_time")]
        verbose_name = _("exchange records snapshot")
        verbose_name_plural = _("exchange records snapshots")
        triggers = append_only_triggers("snapshot_immutable")

    def __str__(self) -> str:
        return f"{self.account_id} {self.window_start:%Y-%m-%d}..{self.window_end:%Y-%m-%d}"


class EvidenceAnnotation(models.Model):
    """A handler's note on one evidence item. Notes are added, never edited or removed."""

    evidence = models.ForeignKey(
        "cases.Evidence", on_delete=models.PROTECT, related_name="annotations"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author_label = models.CharField(_("by"), max_length=200)
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("added (UTC)"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["evidence", "created_at"], name="annotation_evidence")]
        verbose_name = _("evidence note")
        verbose_name_plural = _("evidence notes")
        triggers = append_only_triggers("annotation_append_only")

    def __str__(self) -> str:
        return self.text[:60]


class ConsultationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # The case ended (closed, withdrawn, out of scope) before the team answered.
    LAPSED = "lapsed", _("Lapsed (case ended)")


class Consultation(models.Model):
    """A question to another department (Tech, Security, Legal, Compliance) about one case
    (跨部门协作). While it is open the team's group holds ``view_case`` on the case."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="consultations")
    team = models.ForeignKey(
        "cases.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="consultations"
    )
    question = models.TextField(_("question"))
    due_at = models.DateTimeField(_("answer due (UTC)"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ConsultationStatus.choices,
        default=ConsultationStatus.OPEN,
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    asked_by_label = models.CharField(_("asked by"), max_length=200)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_by_label = models.CharField(_("answered by"), max_length=200, blank=True)
    answered_at = models.DateTimeField(_("answered (UTC)"), null=True, blank=True)
    # A file the team attached to its answer (a log export, a legal opinion), stored as evidence.
    answer_evidence = models.ForeignKey(
        "cases.Evidence", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed (UTC)"), null=True, blank=True)
    # When the consultation was flagged overdue (once).
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the overdue email left (the task sends it once, however often it runs).
    lead_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("asked (UTC)"), default=timezone.now)

    history = audited_history()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="consultation_status_due"),
            models.Index(fields=["team", "status", "due_at"], name="consultation_team_status"),
            models.Index(fields=["case", "created_at"], name="consultation_case"),
        ]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        permissions = [
            ("answer_consultation", _("Can answer consultations sent to their team")),
        ]

    def __str__(self) -> str:
        return f"{self.team} on {self.case_id}: {self.question[:50]}"

    @property
    def is_overdue(self) -> bool:
        return self.status == ConsultationStatus.OPEN and self.due_at < timezone.now()


make_history_append_only(Consultation)
