"""The Celery app. Redis broker through CELERY_BROKER_URL; eager mode when none is set."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "complaints_site.settings.local")

app = Celery("complaints_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
