"""Evidence: every file or record a case relies on, from any channel.

Files live in the private evidence storage (`cases.lib.storage`), never under the public media
root; they are served only by a permission-checked download view that logs every download.
The SHA-256 is of the stored bytes (for images, the re-encoded ones; the original's hash is
kept too), so a referral bundle can prove a file has not changed.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.lib.storage import evidence_storage
from complaints_site.common.history import audited_history, make_history_append_only, no_truncate


class EvidenceKind(models.TextChoices):
    UPLOAD = "upload", _("Upload")
    EMAIL = "email", _("Email (raw message)")
    EMAIL_ATTACHMENT = "email_attachment", _("Email attachment")
    CHAT_TRANSCRIPT = "chat_transcript", _("Chat transcript")
    SOCIAL_POST = "social_post", _("Social media post")
    SNAPSHOT = "snapshot", _("Exchange records snapshot")


def evidence_path(instance: "Evidence", filename: str) -> str:
    # The stored name never contains the user's file name (kept in `original_name`).
    return f"{instance.case.reference}/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class ScanStatus(models.TextChoices):
    """The malware scan of a stored file (cases/lib/scanning.py). Held items are never served."""

    NONE = "none", _("Not scanned (a record we generated)")
    SKIPPED = "skipped", _("Not scanned (no scanner configured)")
    CLEAN = "clean", _("Scanned: clean")
    PENDING = "pending", _("Held: waiting for the malware scan")
    INFECTED = "infected", _("Held: malware found")


HELD_SCAN_STATUSES = (ScanStatus.PENDING, ScanStatus.INFECTED)


class Relevance(models.TextChoices):
    UNREVIEWED = "unreviewed", _("Not reviewed")
    RELEVANT = "relevant", _("Relevant")
    NOT_RELEVANT = "not_relevant", _("Not relevant")


class Evidence(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="evidence")
    message = models.ForeignKey(
        "cases.Message",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices)
    channel = models.CharField(_("channel"), max_length=16)
    file = models.FileField(_("file"), storage=evidence_storage, upload_to=evidence_path)
    original_name = models.CharField(_("file name"), max_length=255)
    extension = models.CharField(max_length=10)
    content_type = models.CharField(_("detected type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    original_sha256 = models.CharField(_("SHA-256 as received"), max_length=64)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_by_label = models.CharField(_("added by"), max_length=200)
    description = models.CharField(_("description"), max_length=300, blank=True)
    # Identity documents and the like: only roles that need them may open the file.
    is_sensitive = models.BooleanField(_("sensitive"), default=False)
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    # The handler's review: whether the item bears on the dispute (notes: EvidenceAnnotation).
    relevance = models.CharField(
        _("relevance"), max_length=16, choices=Relevance.choices, default=Relevance.UNREVIEWED
    )

    # Set when stored; a held (pending) mail attachment is updated once by the rescan task.
    scan_status = models.CharField(
        _("malware scan"), max_length=10, choices=ScanStatus.choices, default=ScanStatus.NONE
    )
    scan_signature = models.CharField(_("malware found"), max_length=200, blank=True)

    history = audited_history()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="evidence_case_time")]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]})"

    @property
    def is_held(self) -> bool:
        """Not scanned yet (scanner was down) or malware found: never downloaded or shown."""
        return self.scan_status in HELD_SCAN_STATUSES

    @property
    def download_name(self) -> str:
        """The name a download carries: the user's cleaned name with the extension of the
        verified type, so a file is never saved by a browser as `.html` or `.exe`."""
        stem = self.original_name
        if "." in stem:
            stem = stem.rsplit(".", 1)[0]
        return f"{stem or 'evidence'}{self.extension}"


make_history_append_only(Evidence)
# Evidence is never deleted (the file would become unprovable), and what was received is never
# changed: only the review fields (relevance, sensitivity, description) and the outcome of a
# held item's malware scan may be updated.
pgtrigger.register(
    pgtrigger.Protect(name="evidence_no_delete", operation=pgtrigger.Delete),
    no_truncate(),
    pgtrigger.ReadOnly(
        name="evidence_content_read_only",
        exclude=["relevance", "is_sensitive", "description", "scan_status", "scan_signature"],
    ),
)(Evidence)
