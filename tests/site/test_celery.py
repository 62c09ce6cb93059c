import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = (
    "import django; django.setup();"
    "from complaints_site.celery import app;"
    "print(app.conf.broker_url or '', app.conf.task_always_eager, app.conf.task_serializer,"
    " app.conf.task_acks_late)"
)


def _conf(**env):
    full = {**os.environ, "DJANGO_SETTINGS_MODULE": "complaints_site.settings.test", **env}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return out.stdout.split()


def test_eager_without_a_broker():
    assert _conf(CELERY_BROKER_URL="") == ["True", "json", "True"]


def test_redis_broker_from_the_environment():
    broker, eager, serializer, acks_late = _conf(CELERY_BROKER_URL="redis://127.0.0.1:6379/5")
    assert broker == "redis://127.0.0.1:6379/5"
    assert (eager, serializer, acks_late) == ("False", "json", "True")
