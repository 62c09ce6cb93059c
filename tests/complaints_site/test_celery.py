from tests.support.django_process import run_python

SCRIPT = (
    "from complaints_site.celery import app;"
    "print(app.conf.broker_url or '', app.conf.task_always_eager, app.conf.task_serializer,"
    " app.conf.task_acks_late)"
)


def _conf(broker: str) -> list[str]:
    out = run_python(SCRIPT, CELERY_BROKER_URL=broker, CELERY_REAL_BROKER="1")
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_eager_without_a_broker():
    assert _conf("") == ["True", "json", "True"]


def test_redis_broker_from_the_environment():
    broker, eager, serializer, acks_late = _conf("redis://127.0.0.1:6379/5")
    assert broker == "redis://127.0.0.1:6379/5"
    assert (eager, serializer, acks_late) == ("False", "json", "True")
