"""Run Django in a separate process with its own environment (e.g. a database that is down,
production settings), so the test sees exactly what a real start would."""

import os
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
