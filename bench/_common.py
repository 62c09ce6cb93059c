"""What the in-process benchmarks share: their own database, Django on it, and page timings.

BENCH_PG names the PostgreSQL server (`postgres://user@host:port`, no database); each script
names its database in BENCH_DB, dropped and re-created on every run. BENCH_REDIS is the broker
the measured requests queue their tasks on (database 15 by default, emptied at the end).
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/15")


def recreate_database(db: str) -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')


def setup_django(db: str, **env: str) -> None:
    """Django with the test settings on `db`; `env` sets further variables the settings read.

    Tasks go to a real broker, as in production, and no worker takes them: with the test
    settings' eager Celery every commit would seal the audit chain inside the measured request
    (production seals in a worker, debounced)."""
    os.environ["DATABASE_URL"] = f"{PG}/{db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "complaints_site.settings.test"
    os.environ["CELERY_BROKER_URL"] = REDIS
    os.environ["CELERY_REAL_BROKER"] = "1"
    os.environ.update(env)
    os.environ.setdefault("CONN_MAX_AGE", "60")
    sys.path.insert(0, str(ROOT))
    # Imported here: Django reads the environment set above when it loads.
    import django

    django.setup()


def migrate() -> None:
    # Imported here, as every Django import below: they need django.setup() first.
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def empty_broker() -> None:
    """Drop the tasks the run queued (no worker was there to take them)."""
    redis.Redis.from_url(REDIS).flushdb()


def quiet(*loggers: str) -> None:
    """Expected noise off the output: refused requests by design, eager Celery task logs."""
    for name in loggers:
        logging.getLogger(name).setLevel(logging.ERROR)


def count_queries(fn: Callable[[], object]) -> tuple[object, int]:
    """What `fn` returns and how many SQL statements it ran (an execute wrapper: the query log
    is reset at each request start)."""
    from django.db import connection  # needs django.setup() first

    executed = []
    with connection.execute_wrapper(
        lambda run, sql, *rest: executed.append(sql) or run(sql, *rest)
    ):
        result = fn()
    return result, len(executed)


def measure(client, url: str, requests: int) -> dict:
    """p50/p95 ms of `requests` GETs after two warm-ups, and the queries of one; a page that
    does not answer 200 gives only its status."""
    for _ in range(2):
        response = client.get(url)
    status = response.status_code
    if status != 200:
        return {"status": status}
    _, queries = count_queries(lambda: client.get(url))
    times = []
    for _ in range(requests):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return {
        "status": status,
        "p50": statistics.median(times),
        "p95": times[max(0, int(len(times) * 0.95) - 1)],
        "queries": queries,
    }
