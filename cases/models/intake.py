"""Idempotency of API intake: the same `Idempotency-Key` from one client never opens two cases."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken


class IdempotencyKey(models.Model):
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of the canonical request body: the same key with another body is a conflict.
    request_hash = models.CharField(max_length=64)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_client_key")
        ]
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")

    def __str__(self) -> str:
        return self.key


class ApiToken(AuthToken):
    """A service account's API token, as the admin lists it: knox's row (the SHA-512 digest of
    the key, a lookup prefix, the expiry). The key itself is never stored."""

    class Meta:
        proxy = True
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} ({self.digest[:12]})"
