"""Who may do what to someone's sign-in protection: pure predicates, no queries of their own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings


def is_active_staff(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def is_second_factor_verified(user: Any) -> bool:
    # django-otp's middleware sets otp_device for the session's verified device (or None).
    return getattr(user, "otp_device", None) is not None


def may_reset_second_factor(actor: Any, subject: Any) -> bool:
    """A superuser, or staff holding accounts.reset_second_factor; never on their own account
    (whoever holds only a stolen password must not be able to swap the factor)."""
    return bool(
        is_active_staff(actor)
        and subject is not None
        and actor.pk != subject.pk
        and (actor.is_superuser or actor.has_perm("accounts.reset_second_factor"))
    )


def may_unlock_sign_in(actor: Any) -> bool:
    return bool(
        is_active_staff(actor) and (actor.is_superuser or actor.has_perm("accounts.unlock_sign_in"))
    )


def second_factor_required(user: Any, *, has_device: Callable[[], bool]) -> bool:
    """Staff give a code after their password when they have enrolled a second factor, and, when
    OTP_REQUIRED_FOR_STAFF is on (production), must enrol one before any staff page opens.
    Portal users (not staff) have no second factor."""
    if not is_active_staff(user):
        return False
    # Production (required) needs no device lookup: without a verified code, staff wait.
    return settings.OTP_REQUIRED_FOR_STAFF or has_device()
