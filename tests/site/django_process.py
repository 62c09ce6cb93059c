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
    # Set by the browser tests for Playwright's event loop; never in a real deployment.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def run(args: list[str], *, settings: str, drop=(), **env: str) -> subprocess.CompletedProcess:
    full = {**os.environ, "DJANGO_SETTINGS_MODULE": settings, **env}
    for name in (*_TEST_ONLY, *drop):
        if name not in env:
            full.pop(name, None)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def run_python(script: str, *, settings: str = "complaints_site.settings.test", **env: str):
    return run(["-c", f"import django; django.setup(); {script}"], settings=settings, **env)
