"""Test settings: the same as base, tuned for speed. DATABASE_URL decides the database."""

import os
import tempfile

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# The demo app's tests (tests/demo/) and the demo ledger behind the gateway.
os.environ.setdefault("DEMO_ENABLED", "true")
# Django's test client and the browser tests' live server; never a default elsewhere.
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Evidence of test runs goes to a throw-away folder, never the developer's var/evidence.
os.environ.setdefault(
    "EVIDENCE_STORAGE",
    os.path.join(tempfile.gettempdir(), f"complaints-test-evidence-{os.getpid()}"),
)

from complaints_site.env import env
from complaints_site.settings.base import *  # noqa: F403

# Most tests sign staff in with force_login to test what the admin does, not the second factor;
# tests/complaints_site/accounts/ switch it on to test that, and the deploy check refuses
# production without it.
# (Read here, not put in os.environ: subprocesses of tests run production's defaults.)
OTP_REQUIRED_FOR_STAFF = env.bool("OTP_REQUIRED_FOR_STAFF", default=False)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The real-worker tests hand mail to files the test can read across processes.
if env.str("TEST_EMAIL_FILE_PATH", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.str("TEST_EMAIL_FILE_PATH")
    # A file backend that hangs on a chosen message, so that a test kills its worker mid-send
    # (tests/support/hanging_mail.py).
    EMAIL_BACKEND = env.str("TEST_EMAIL_BACKEND", default=EMAIL_BACKEND)

# In-process tests run tasks eagerly even when CI provides Redis, so that a test sees the effect
# of what it queued. The integration tests (tests/complaints_site/test_celery_worker.py) start a
# real worker on Redis and switch eager mode off for themselves; CELERY_REAL_BROKER keeps a
# subprocess's configuration as in production.
if not env.bool("CELERY_REAL_BROKER", default=False):
    CELERY_TASK_ALWAYS_EAGER = True
