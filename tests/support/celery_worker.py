"""Real Celery workers for integration tests: `celery worker` subprocesses on the broker of
CELERY_BROKER_URL (Redis) against this test's database, on a queue of their own.

Eager mode hides real behaviour (RELIABILITY.md): acknowledgement, redelivery, countdowns.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
from django.db import connection

from complaints_site.celery import app
from tests.support.django_process import ROOT

BROKER = os.environ.get("CELERY_BROKER_URL", "")


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def quick_redelivery(seconds: int) -> str:
    """CELERY_BROKER_TRANSPORT_OPTIONS under which Redis hands an unacknowledged message (its
    worker was killed) to a worker again after `seconds`, checked every second."""
    return json.dumps(
        {
            "visibility_timeout": seconds,
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        }
    )


class Workers:
    """Starts workers on `queue`; the tasks they queue in turn go there too."""

    def __init__(self, queue: str, logs: Path) -> None:
        self.queue = queue
        self.logs = logs
        self.started: list[subprocess.Popen] = []

    def start(self, name: str, **env: str) -> subprocess.Popen:
        full = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "complaints_site.settings.test",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": BROKER,
            "CELERY_REAL_BROKER": "1",
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            **env,
        }
        log = (self.logs / f"{name}.log").open("w")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "complaints_site",
                "worker",
                "-P",
                "solo",
                "-Q",
                self.queue,
                "-n",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "INFO",
            ],
            cwd=ROOT,
            env=full,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.started.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text()

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.terminate()
        for process in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


@contextmanager
def workers_on_own_queue(logs: Path) -> Iterator[Workers]:
    """This process sends to a fresh queue (eager off) where the workers started take them;
    afterwards the workers stop and the queue and its unacknowledged messages are dropped."""
    queue = f"test-{os.getpid()}-{time.monotonic_ns()}"
    workers = Workers(queue, logs)
    saved = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        yield workers
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = saved
        workers.stop_all()
        _drop_queue(queue)


def _drop_queue(queue: str) -> None:
    """The queue, and the messages a killed worker left unacknowledged for it (kombu's Redis
    transport keeps them in the `unacked` hash until a worker restores them)."""
    broker = redis.Redis.from_url(BROKER)
    broker.delete(queue)
    for tag, raw in broker.hgetall("unacked").items():
        _message, _exchange, routing_key = json.loads(raw)
        if routing_key == queue:
            broker.hdel("unacked", tag)
            broker.zrem("unacked_index", tag)


def wait_for(predicate: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False
