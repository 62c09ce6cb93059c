"""The project package. Every entry point imports it first: gunicorn (`complaints_site.wsgi`),
Celery (`celery -A complaints_site worker|beat`) and `manage.py` (cron, the MTA pipe).

So this is the one place that decides which settings a process gets when
DJANGO_SETTINGS_MODULE is unset: production. Development (`make run`, the Makefile targets) and
the tests (pyproject.toml) name their settings module explicitly. The default is set before the
Celery app is imported, because loading it must not choose settings of its own.
"""

import os

DEFAULT_SETTINGS_MODULE = "complaints_site.settings.production"

os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS_MODULE)

# Load the Celery app when Django starts so that @shared_task binds to it.
from complaints_site.celery import app as celery_app  # noqa: E402

__all__ = ("DEFAULT_SETTINGS_MODULE", "celery_app")
