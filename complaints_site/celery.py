"""The Celery app. Redis broker through CELERY_BROKER_URL; eager mode when none is set.

The settings module is chosen by the package (`complaints_site/__init__.py`, production unless
DJANGO_SETTINGS_MODULE says otherwise), which `celery -A complaints_site` imports first.
"""

from celery import Celery

app = Celery("complaints_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
