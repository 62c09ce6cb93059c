"""Test settings: the same as base, tuned for speed. DATABASE_URL decides the database."""

import os
import tempfile

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# Evidence of test runs goes to a throw-away folder, never the developer's var/evidence.
os.environ.setdefault(
    "EVIDENCE_STORAGE",
    os.path.join(tempfile.gettempdir(), f"complaints-test-evidence-{os.getpid()}"),
)

from complaints_site.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
