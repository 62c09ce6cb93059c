"""Correspondence on a case and the notification outbox.

A `Message` is one piece of correspondence: from the customer (any channel) or from staff,
public (the customer sees it) or internal. Text is stored after secret redaction and as plain
text; HTML never reaches the database unsanitised.

A `Notification` is one message we owe somebody (email or portal). It is written in the same
transaction as the change that causes it and delivered by a Celery task after commit; a
periodic sweep retries what is still pending, so nothing is lost, and delivery marks the row
under a lock, so nothing is sent twice.
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
)


class MessageDirection(models.TextChoices):
    INBOUND = "inbound", _("From the customer")
    OUTBOUND = "outbound", _("To the customer")
    INTERNAL = "internal", _("Internal note")


class Message(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="messages")
    direction = models.CharField(_("direction"), max_length=10, choices=MessageDirection.choices)
    channel = models.CharField(_("channel"), max_length=16)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Room for any email address (RFC 5321: 254 characters): intake stores the sender's here.
    author_label = models.CharField(_("from"), max_length=254)
    body = models.TextField(_("message"))
    # What the redaction removed (kinds only, never the secret itself).
    redactions = models.JSONField(_("redacted secrets"), default=list, blank=True)
    # Where it came from: e.g. {"type": "email", "id": 12} or {"type": "api", "client": "..."}.
    source = models.JSONField(_("source"), default=dict, blank=True)
    # RFC 5322 Message-ID of an inbound or outbound mail, for threading.
    email_message_id = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    history = audited_history()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="message_case_time")]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.author_label}"

    @property
    def is_public(self) -> bool:
        return self.direction != MessageDirection.INTERNAL


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    PORTAL = "portal", _("Portal")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed (gave up)")


class Notification(models.Model):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="notifications", null=True
    )
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel.choices)
    # Which template (e.g. "case.acknowledged"); rendered in `locale` at delivery.
    kind = models.CharField(_("kind"), max_length=60)
    locale = models.CharField(_("language"), max_length=8)
    recipient_email = models.EmailField(_("recipient"), blank=True)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Ids and short values only; the text is rendered from the case at delivery time.
    context = models.JSONField(default=dict, blank=True)
    # One notification per cause: a second queue for the same key is a no-op.
    dedupe_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The Message-ID we gave an email, so that replies thread into the case.
    email_message_id = models.CharField(max_length=255, blank=True, db_index=True)
    # Portal notifications the customer has seen.
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    history = audited_history(excluded_fields=["next_attempt_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="notification_due",
                condition=models.Q(status="pending"),
            ),
            models.Index(fields=["recipient_user", "channel", "created_at"], name="notif_user"),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.kind} ({self.channel}) {self.status}"


for _model in (Message, Notification):
    make_history_append_only(_model)

# A message, once written, is part of the record: it is never edited or deleted.
pgtrigger.register(*append_only_triggers("message_append_only"))(Message)
