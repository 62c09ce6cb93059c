"""What the intake channels keep of their own: raw inbound mail (and its quarantine), the IMAP
cursor, live chats, and social-media mentions. Everything ends in `cases.services.intake`."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.lib.storage import evidence_storage
from complaints_site.common.history import (
    append_only_triggers,
    audited_history,
    make_history_append_only,
)

# --- Email ------------------------------------------------------------------------------------


class InboundEmailStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    NEW_CASE = "new_case", _("Opened a case")
    REPLY = "reply", _("Added to a case")
    DROPPED = "dropped", _("Dropped (auto-reply, bounce, list or duplicate)")
    QUARANTINED = "quarantined", _("Quarantined")
    RELEASED = "released", _("Released from quarantine")


class InboundEmailSource(models.TextChoices):
    MTA = "mta", _("Mail server pipe")
    IMAP = "imap", _("IMAP mailbox")
    WEBHOOK = "webhook", _("Inbound webhook")


def raw_email_path(instance: "InboundEmail", filename: str) -> str:
    return f"inbound-email/{instance.sha256[:2]}/{instance.sha256}.eml"


class InboundEmail(models.Model):
    """One raw message as it arrived, byte for byte, and what became of it."""

    # Message-ID as sent, or "sha256:<hash of the raw bytes>" when it has none: a second
    # delivery of the same message is dropped as a duplicate.
    dedupe_key = models.CharField(max_length=300, unique=True)
    rfc_message_id = models.CharField(_("Message-ID"), max_length=300, blank=True)
    raw = models.FileField(_("raw message"), storage=evidence_storage, upload_to=raw_email_path)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    source = models.CharField(_("source"), max_length=10, choices=InboundEmailSource.choices)
    from_address = models.CharField(_("from"), max_length=320, blank=True)
    # False when the From header had defects or several addresses (CVE-2023-27043): such a
    # sender is never treated as a participant of an existing case.
    from_verified = models.BooleanField(_("sender verified"), default=False)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InboundEmailStatus.choices,
        default=InboundEmailStatus.RECEIVED,
        db_index=True,
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case_message = models.ForeignKey(
        "cases.Message", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Parser notes: charset fallbacks, refused attachments, defects.
    notes = models.JSONField(_("notes"), default=list, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    history = audited_history()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound email")

    def __str__(self) -> str:
        return f"{self.from_address or '?'}: {self.subject or '(no subject)'}"


class ImapCursor(models.Model):
    """How far `poll_imap` has read a mailbox. A new UIDVALIDITY starts it again from 0
    (duplicates are then dropped by Message-ID)."""

    mailbox = models.CharField(max_length=300, unique=True)
    uidvalidity = models.BigIntegerField(default=0)
    last_uid = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("IMAP cursor")

    def __str__(self) -> str:
        return f"{self.mailbox} @ {self.uidvalidity}:{self.last_uid}"


# --- Live chat --------------------------------------------------------------------------------


class ChatStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for an agent")
    ACTIVE = "active", _("With an agent")
    CLOSED = "closed", _("Closed")


class ChatSession(models.Model):
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chat_sessions"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ChatStatus.choices, default=ChatStatus.WAITING
    )
    locale = models.CharField(_("language"), max_length=8, default="en")
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    last_message_at = models.DateTimeField(default=timezone.now)

    history = audited_history(excluded_fields=["last_message_at"])

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"], name="chat_status_time")]
        verbose_name = _("chat")
        verbose_name_plural = _("chats")

    def __str__(self) -> str:
        return f"chat {self.pk} ({self.get_status_display()})"


class ChatSender(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("System")


class ChatMessage(models.Model):
    session = models.ForeignKey(ChatSession, on_delete=models.PROTECT, related_name="messages")
    sender = models.CharField(max_length=10, choices=ChatSender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.TextField()
    redactions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["session", "id"], name="chat_message_session")]
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        triggers = append_only_triggers("chat_message_append_only")

    def __str__(self) -> str:
        return f"{self.sender}: {self.body[:40]}"


class ChatAgentPresence(models.Model):
    """An agent's console heartbeat: online while `last_seen_at` is recent."""

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chat_presence"
    )
    last_seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("chat agent presence")

    def __str__(self) -> str:
        return f"{self.agent_id} @ {self.last_seen_at:%H:%M:%S}"


# --- Social media -----------------------------------------------------------------------------


class MentionStatus(models.TextChoices):
    NEW = "new", _("New")
    REPLIED = "replied", _("Replied (sent to an official channel)")
    CONVERTED = "converted", _("Converted to a case")
    DISMISSED = "dismissed", _("Dismissed")


class SocialMention(models.Model):
    platform = models.CharField(_("platform"), max_length=30)
    post_id = models.CharField(_("post id"), max_length=100)
    author_handle = models.CharField(_("author"), max_length=100)
    text = models.TextField(_("text"))
    url = models.URLField(_("link"), max_length=500, blank=True)
    posted_at = models.DateTimeField(_("posted"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MentionStatus.choices,
        default=MentionStatus.NEW,
        db_index=True,
    )
    # Filled in once the author is identified as an exchange user (needed to open a case).
    identified_account_id = models.CharField(_("exchange account id"), max_length=64, blank=True)
    identified_email = models.EmailField(_("email"), blank=True)
    reply_text = models.TextField(_("public reply"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = audited_history()

    class Meta:
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "post_id"], name="mention_platform_post")
        ]
        verbose_name = _("social media mention")
        verbose_name_plural = _("social media mentions")

    def __str__(self) -> str:
        return f"{self.platform}/{self.post_id} @{self.author_handle}"


for _model in (InboundEmail, ChatSession, SocialMention):
    make_history_append_only(_model)
