"""Development defaults: `make run` and `manage.py` without further configuration."""

import os

os.environ.setdefault("DEBUG", "true")

from complaints_site.settings.base import *  # noqa: F403
