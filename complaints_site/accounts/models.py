"""The sign-in security ledger: every staff action on someone else's sign-in protection (a
lockout lifted, a second factor reset) and every second factor enrolled, with actor and reason.

Append-only (triggers refuse UPDATE, DELETE and TRUNCATE on PostgreSQL) and sealed into the
audit chain, like the other ledgers of docs/audit.md.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints_site.common.history import append_only_triggers


class SignInEventType(models.TextChoices):
    SECOND_FACTOR_ENROLLED = "second_factor.enrolled", _("second factor enrolled")
    SECOND_FACTOR_RESET = "second_factor.reset", _("second factor reset")
    RECOVERY_CODES_ISSUED = "second_factor.recovery_codes_issued", _("recovery codes issued")
    RECOVERY_CODE_USED = "second_factor.recovery_code_used", _("recovery code used")
    LOCKOUT_RESET = "lockout.reset", _("sign-in lockout lifted")


class SignInEvent(models.Model):
    kind = models.CharField(_("event"), max_length=60, choices=SignInEventType.choices)
    # The account concerned; for a lockout the typed sign-in name may match no account.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    subject_label = models.CharField(_("sign-in name"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=200)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sign-in security event")
        verbose_name_plural = _("sign-in security events")
        permissions = [
            ("reset_second_factor", _("Can reset another user's second factor")),
            ("unlock_sign_in", _("Can lift a sign-in lockout")),
        ]
        triggers = append_only_triggers("signinevent_append_only")

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_label} by {self.actor_label}"
