"""Every production entry point defaults to production settings when DJANGO_SETTINGS_MODULE is
unset (issue 11, High 1): gunicorn's WSGI module, the Celery worker and beat, and manage.py (cron,
the MTA pipe). Each runs in a process of its own with the variable removed from its environment,
so the test sees exactly what a real start sees."""

import json

import pytest

from tests.support.django_process import run

PRODUCTION = "complaints_site.settings.production"
GOOD_KEY = "entry-point-test-" + "k" * 40 + "-0123456789abcdef"
# What the loaded settings look like, printed as one JSON line.
REPORT = (
    "import json, os; from django.conf import settings;"
    "print(json.dumps({'module': settings.SETTINGS_MODULE, 'debug': settings.DEBUG,"
    " 'ssl_redirect': settings.SECURE_SSL_REDIRECT,"
    " 'secure_cookie': settings.SESSION_COOKIE_SECURE}))"
)
EXPECTED = {"module": PRODUCTION, "debug": False, "ssl_redirect": True, "secure_cookie": True}

# The real `celery` command line up to the point where the worker (or beat) would start
# consuming: Celery's Django fixup has set Django up by then; the patched start prints what
# settings it got and exits instead of connecting to a broker.
CELERY = f"""
import sys
from celery.apps.beat import Beat
from celery.bin.celery import main
from celery.worker import WorkController

def report(*args, **kwargs):
    {REPORT}
    raise SystemExit(0)

WorkController.start = report
Beat.start_scheduler = report
sys.argv = ["celery", "-A", "complaints_site", *sys.argv[1:]]
main()
"""


def _loaded(out) -> dict:
    assert out.returncode == 0, out.stdout + out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_wsgi_defaults_to_production():
    out = run(["-c", f"import complaints_site.wsgi; {REPORT}"], settings=None, SECRET_KEY=GOOD_KEY)
    assert _loaded(out) == EXPECTED


def test_wsgi_without_secret_key_refuses_to_start():
    out = run(["-c", "import complaints_site.wsgi"], settings=None, drop=("SECRET_KEY",))
    assert out.returncode != 0
    assert "SECRET_KEY" in out.stderr


@pytest.mark.parametrize("command", [["worker", "-P", "solo"], ["beat"]])
def test_celery_defaults_to_production(command, tmp_path):
    if command == ["beat"]:
        command = ["beat", "-s", str(tmp_path / "schedule")]
    out = run(
        ["-c", CELERY, *command],
        settings=None,
        SECRET_KEY=GOOD_KEY,
        CELERY_BROKER_URL="redis://127.0.0.1:9/0",
    )
    assert _loaded(out) == EXPECTED


@pytest.mark.parametrize("command", ["worker", "beat"])
def test_celery_without_secret_key_refuses_to_start(command, tmp_path):
    """The real `celery -A complaints_site worker|beat`: production settings without a
    SECRET_KEY stop the start (with development settings it would start and wait for a
    broker, and the timeout would fail this test)."""
    out = run(
        ["-m", "celery", "-A", "complaints_site", command, "-s", str(tmp_path / "schedule")]
        if command == "beat"
        else ["-m", "celery", "-A", "complaints_site", command, "-P", "solo"],
        settings=None,
        drop=("SECRET_KEY",),
        CELERY_BROKER_URL="redis://127.0.0.1:9/0",
        timeout=45,
    )
    assert out.returncode != 0
    assert "SECRET_KEY" in out.stdout + out.stderr


def test_manage_py_defaults_to_production():
    out = run(["manage.py", "shell", "-c", REPORT], settings=None, SECRET_KEY=GOOD_KEY)
    assert _loaded(out) == EXPECTED


def test_manage_py_without_secret_key_refuses_to_start():
    """Cron and the MTA pipe (`manage.py ingest_email`) run without the variable."""
    out = run(["manage.py", "ingest_email"], settings=None, drop=("SECRET_KEY",))
    assert out.returncode != 0
    assert "SECRET_KEY" in out.stderr


def test_development_settings_stay_available_by_name():
    """`make run` and the README's demo commands name settings.local explicitly."""
    out = run(
        ["manage.py", "shell", "-c", REPORT],
        settings="complaints_site.settings.local",
        drop=("SECRET_KEY",),
    )
    loaded = _loaded(out)
    assert (loaded["module"], loaded["debug"]) == ("complaints_site.settings.local", True)
