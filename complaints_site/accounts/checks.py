"""Deploy checks (`manage.py check --deploy`): production must throttle sign-ins and require
a second factor of staff. Registered from AccountsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from complaints_site.accounts.throttle import LoginThrottleHandler


@register(Tags.security, deploy=True)
def sign_in_protection_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    if not settings.OTP_REQUIRED_FOR_STAFF:
        errors.append(
            Error(
                "OTP_REQUIRED_FOR_STAFF is off: staff sign in with a password alone.",
                hint="Unset OTP_REQUIRED_FOR_STAFF (it defaults to on when DEBUG is off).",
                id="accounts.E001",
            )
        )
    if not settings.AXES_ENABLED:
        errors.append(
            Error(
                "AXES_ENABLED is off: sign-in attempts are not throttled.",
                hint="Unset AXES_ENABLED (it defaults to on).",
                id="accounts.E002",
            )
        )
    if not settings.AXES_COOLOFF_TIME or not settings.AXES_FAILURE_LIMIT:
        errors.append(
            Error(
                "Sign-in lockouts need a failure limit and a cool-off time.",
                hint="Set LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_MINUTES above zero.",
                id="accounts.E003",
            )
        )
    backends = settings.AUTHENTICATION_BACKENDS
    if not backends or backends[0] != "axes.backends.AxesStandaloneBackend":
        errors.append(
            Error(
                "axes' backend must come first in AUTHENTICATION_BACKENDS, so a locked-out "
                "attempt is refused before any password is hashed.",
                id="accounts.E004",
            )
        )
    if not issubclass(_handler(), LoginThrottleHandler):
        errors.append(
            Error(
                "AXES_HANDLER must be the per-account-and-address handler.",
                hint="complaints_site.accounts.throttle.LoginThrottleHandler",
                id="accounts.E005",
            )
        )
    return errors


def _handler() -> type:
    from django.utils.module_loading import import_string

    return import_string(settings.AXES_HANDLER)
