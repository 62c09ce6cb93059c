"""System checks of the intake channels' settings."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_mail_authentication_settings(app_configs, **kwargs) -> list[Error]:
    """Trusting Authentication-Results without naming our MTA would trust nothing (fail
    closed), which silently turns the feature off: say so at start-up instead."""
    if settings.INBOUND_MAIL_TRUST_AUTH_RESULTS and not settings.INBOUND_MAIL_AUTHSERV_ID.strip():
        return [
            Error(
                "INBOUND_MAIL_TRUST_AUTH_RESULTS is on but INBOUND_MAIL_AUTHSERV_ID is empty.",
                hint="Set INBOUND_MAIL_AUTHSERV_ID to the authserv-id your receiving MTA "
                "writes in its Authentication-Results headers (docs/email.md).",
                id="intake_channels.E001",
            )
        ]
    return []
