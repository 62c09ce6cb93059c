"""Production: DEBUG is off and SECRET_KEY must come from the environment.

`manage.py check --deploy --fail-level WARNING` passes with these settings.
"""

import os

os.environ["DEBUG"] = "false"

from complaints_site.settings.base import *  # noqa: F403
