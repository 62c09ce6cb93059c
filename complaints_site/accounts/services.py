"""Second-factor enrolment and reset, and lifting lockouts: the one write path for this app.

Enrolment: a TOTP device (unconfirmed until the first code proves the app holds the secret),
then OTP_RECOVERY_CODES single-use recovery codes. A reset or an unlock by staff is recorded in
the SignInEvent ledger with actor and reason, in the same transaction.
"""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from complaints_site.accounts.models import SignInEvent, SignInEventType
from complaints_site.accounts.policies import (
    is_second_factor_verified,
    may_reset_second_factor,
    may_unlock_sign_in,
    second_factor_required,
)
from complaints_site.common.actors import Actor, SystemActor, actor_label, actor_user
from complaints_site.common.exceptions import ApplicationError, PermissionDeniedError

TOTP_DEVICE_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"


def has_second_factor(user: Any) -> bool:
    """Whether the user enrolled an authenticator app (recovery codes come with it and go with
    it). One query, remembered on the request's user: the admin asks several times a page."""
    known = getattr(user, "_accounts_has_second_factor", None)
    if known is None:
        known = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        user._accounts_has_second_factor = known
    return known


def second_factor_pending(user: Any) -> bool:
    """True while this signed-in user must still give a code (or enrol) before staff pages."""
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        return False
    if is_second_factor_verified(user):
        return False
    return second_factor_required(user, has_device=lambda: has_second_factor(user))


def _record(
    *,
    kind: str,
    actor: Actor,
    subject: Any = None,
    subject_label: str = "",
    ip_address: str | None = None,
    reason: str = "",
) -> SignInEvent:
    return SignInEvent.objects.create(
        kind=kind,
        subject=subject,
        subject_label=(subject_label or (subject.get_username() if subject else ""))[:255],
        ip_address=ip_address,
        actor=actor_user(actor),
        actor_label=actor_label(actor),
        reason=reason,
    )


def totp_enrolment_start(*, user: Any) -> TOTPDevice:
    """The user's unconfirmed TOTP device, created once: reloading the page keeps the secret
    the user may already have scanned. Raises ApplicationError when a confirmed one exists."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ApplicationError(_("This account already has an authenticator app."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_enrolment_confirm(*, device: TOTPDevice, token: str, actor: Actor) -> list[str] | None:
    """Confirm `device` with a first code from the app; then issue fresh recovery codes.

    Returns the recovery codes (to show once), or None when the code is wrong.
    """
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if device.confirmed or not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _record(kind=SignInEventType.SECOND_FACTOR_ENROLLED, actor=actor, subject=device.user)
    return recovery_codes_issue(user=device.user, actor=actor)


@transaction.atomic
def recovery_codes_issue(*, user: Any, actor: Actor) -> list[str]:
    """Replace the user's recovery codes by OTP_RECOVERY_CODES new ones; each works once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    _record(kind=SignInEventType.RECOVERY_CODES_ISSUED, actor=actor, subject=user)
    return codes


def recovery_code_used(*, device: Any, actor: Actor) -> None:
    """Record that a recovery code was spent (django-otp deleted it when it matched)."""
    if isinstance(device, StaticDevice):
        _record(
            kind=SignInEventType.RECOVERY_CODE_USED,
            actor=actor,
            subject=device.user,
            reason=_("%(n)s recovery codes left.") % {"n": device.token_set.count()},
        )


@transaction.atomic
def second_factor_reset(*, user: Any, actor: Actor, reason: str) -> int:
    """Remove every second-factor device of `user` (they enrol again at their next sign-in).

    A person: a superuser or holder of accounts.reset_second_factor, never on their own
    account. A SystemActor: the operator's break-glass command (`manage.py
    second_factor_reset`), for when no other administrator can sign in. A reason is required.
    Raises PermissionDeniedError or ApplicationError.
    """
    if not isinstance(actor, SystemActor) and not may_reset_second_factor(actor, user):
        raise PermissionDeniedError(_("You may not reset this account's second factor."))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("A reset needs a reason."),
            extra={"errors": {"reason": [_("Give the reason for this reset.")]}},
        )
    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    _record(kind=SignInEventType.SECOND_FACTOR_RESET, actor=actor, subject=user, reason=reason)
    return removed


@transaction.atomic
def lockout_reset(*, attempts: QuerySet[AccessAttempt], actor: Any, reason: str) -> int:
    """Lift the sign-in lockouts behind `attempts` (axes' failed-attempt counters), recording
    each one with actor and reason. Raises PermissionDeniedError or ApplicationError."""
    if not may_unlock_sign_in(actor):
        raise PermissionDeniedError(_("You may not lift sign-in lockouts."))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Lifting a lockout needs a reason."),
            extra={"errors": {"reason": [_("Give the reason for lifting it.")]}},
        )
    rows = list(attempts.select_for_update())
    for attempt in rows:
        _record(
            kind=SignInEventType.LOCKOUT_RESET,
            actor=actor,
            subject_label=attempt.username or "",
            ip_address=attempt.ip_address,
            reason=reason,
        )
        attempt.delete()
    return len(rows)
