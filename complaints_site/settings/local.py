"""Development defaults: `make run` and the README's demo commands, which name this module
explicitly (DJANGO_SETTINGS_MODULE=complaints_site.settings.local); no entry point falls back
to it (the default is production, complaints_site/__init__.py)."""

import os

os.environ.setdefault("DEBUG", "true")
# `make run` shows the demo data (seed_demo) and the demo exchange ledger.
os.environ.setdefault("DEMO_ENABLED", "true")

from complaints_site.settings.base import *  # noqa: F403
