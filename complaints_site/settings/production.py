"""Production: DEBUG is off and SECRET_KEY must come from the environment.

The default of every entry point when DJANGO_SETTINGS_MODULE is unset (gunicorn's
`complaints_site.wsgi`, `celery -A complaints_site worker|beat`, `manage.py`; the choice is made
once, in complaints_site/__init__.py). Development secrets and hosts exist only with DEBUG on,
so here an unset webhook secret is empty and its webhook refuses every call.

`manage.py check --deploy --fail-level WARNING` passes with these settings once the deployment
sets its real values (SECRET_KEY, ALLOWED_HOSTS, PORTAL_BASE_URL, INBOUND_EMAIL_SECRET,
SOCIAL_WEBHOOK_SECRET, EMAIL_URL, DATABASE_URL, CELERY_BROKER_URL, CACHE_URL); it fails on any
development value (complaints_site/common/checks.py, docs/operations.md "Deploy checks").
tests/complaints_site/test_deploy_checks.py keeps both true.
"""

import os

os.environ["DEBUG"] = "false"

from complaints_site.settings.base import *  # noqa: F403
