"""Run Django in a separate process with its own environment (e.g. a database that is down,
production settings), so the test sees exactly what a real start would."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Set by the test settings of this process; a separate start must not inherit them.
_TEST_ONLY = (
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "ALLOWED_HOSTS",
    "DEMO_ENABLED",
    # Set by the browser tests for Playwright's event loop; never in a real deployment.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def run(
    args: list[str], *, settings: str | None, drop=(), timeout: int = 60, **env: str
) -> subprocess.CompletedProcess:
    """`settings=None` starts the process with DJANGO_SETTINGS_MODULE unset, as cron, an MTA or a
    process manager would, so the entry point's own default decides."""
    full = {**os.environ, **env}
    if settings is None:
        full.pop("DJANGO_SETTINGS_MODULE", None)
    else:
        full["DJANGO_SETTINGS_MODULE"] = settings
    for name in (*_TEST_ONLY, *drop):
        if name not in env:
            full.pop(name, None)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_python(script: str, *, settings: str = "complaints_site.settings.test", **env: str):
    return run(["-c", f"import django; django.setup(); {script}"], settings=settings, **env)


def production_environment() -> dict[str, str]:
    """What a real deployment sets (docs/operations.md)."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "complaints.exchange-example.com",
        "CSRF_TRUSTED_ORIGINS": "https://complaints.exchange-example.com",
        "PORTAL_BASE_URL": "https://complaints.exchange-example.com",
        "INBOUND_EMAIL_SECRET": secrets.token_urlsafe(40),
        "SOCIAL_WEBHOOK_SECRET": secrets.token_urlsafe(40),
        "EMAIL_URL": "smtp+tls://complaints:password@smtp.exchange-example.com:587",
        "DATABASE_URL": "postgres://complaints:password@db.internal:5432/complaints",
        "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
        "CACHE_URL": "redis://redis.internal:6379/1",
        # Production scans evidence (cases.W110 warns when no scanner is configured).
        "CLAMD_ADDRESS": "tcp://clamav.internal:3310",
        # The audit chain's head kept outside the database (common.E001, common.E002).
        "AUDIT_ANCHOR_LOCATION": "s3://audit-anchors/complaints",
        "AUDIT_ANCHOR_KEY": secrets.token_urlsafe(48),
    }
