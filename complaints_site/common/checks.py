"""Deploy checks of the audit trail (`manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

DEV_PREFIX = "dev-"
MIN_KEY_LENGTH = 32


def audit_anchor_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Production keeps the chain head outside the database: an anchor location and a real
    signing key must be configured (docs/audit.md, "Anchors")."""
    errors: list[checks.CheckMessage] = []
    key = settings.AUDIT_ANCHOR_KEY or ""
    if not settings.AUDIT_ANCHOR_LOCATION:
        errors.append(
            checks.Error(
                "AUDIT_ANCHOR_LOCATION is not set: the audit chain head is not kept outside "
                "the database, so a rewritten chain cannot be detected.",
                hint="Set AUDIT_ANCHOR_LOCATION to a folder on other storage or s3://bucket/"
                "prefix (with object lock or versioning).",
                id="common.E001",
            )
        )
    if not key or key.startswith(DEV_PREFIX) or len(key) < MIN_KEY_LENGTH:
        errors.append(
            checks.Error(
                "AUDIT_ANCHOR_KEY is missing, a development value or shorter than "
                f"{MIN_KEY_LENGTH} characters: anchors could be forged.",
                hint="Set AUDIT_ANCHOR_KEY to a long random secret kept away from the "
                "database (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))').",
                id="common.E002",
            )
        )
    return errors


def register() -> None:
    checks.register(audit_anchor_check, checks.Tags.security, deploy=True)
