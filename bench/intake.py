"""Intake API throughput: cases per second through POST /api/v1/cases/ on gunicorn + PostgreSQL.

    .venv/bin/python bench/intake.py [--seconds 10] [--clients 1,8,32]

Creates its own database (complaints_bench, dropped and re-created), migrates, issues an API
token, starts gunicorn with gunicorn.conf.py (plus the do-nothing endpoint, switched on by
BENCH_NOOP_ENDPOINT=1), and for each number of concurrent clients runs the same keep-alive
HTTP client first against the do-nothing endpoint (token authentication, then an empty 201:
the ceiling of this server) and then against real intake, each request with its own
Idempotency-Key. It prints requests per second, p50/p95 latency, the ratio to the ceiling, and
checks that the cases in the database equal the successful answers (none lost or doubled).

Notifications: CELERY_BROKER_URL points at Redis (database 15 by default), so a request only
enqueues its delivery task; no worker runs, and the queue is emptied at the end.
Environment knobs (GUNICORN_WORKER_CLASS, WEB_CONCURRENCY, GUNICORN_THREADS, CONN_MAX_AGE)
pass through to gunicorn.conf.py and the settings, to compare server configurations.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_DB", "complaints_bench")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/15")
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PORT", "8765"))


def server_env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "complaints_site.settings.production",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": f"{PG}/{DB}",
        "CELERY_BROKER_URL": REDIS,
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
        "BENCH_NOOP_ENDPOINT": "1",
        "API_THROTTLE_WRITE": "10000000/min",
        "API_THROTTLE_READ": "10000000/min",
        "EVIDENCE_STORAGE": "/tmp/complaints-bench-evidence",  # noqa: S108
        "GUNICORN_BIND": f"{HOST}:{PORT}",
        "LOG_LEVEL": "WARNING",
    }


def manage(*args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=server_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def prepare() -> str:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    manage("migrate", "--noinput")
    manage(
        "shell",
        "-c",
        "from cases.services.assignment import team_create; "
        "from complaints_site.common.actors import SystemActor; "
        "team_create(code='support', name='Support', actor=SystemActor('bench'))",
    )
    return manage("issue_api_token", "bench-client")


def case_count() -> int:
    with psycopg.connect(f"{PG}/{DB}") as conn:
        return conn.execute("SELECT count(*) FROM cases_case").fetchone()[0]


def start_server() -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "complaints_site.wsgi"],
        cwd=ROOT,
        env=server_env(),
    )
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection(HOST, PORT, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def _body(n: int) -> bytes:
    return json.dumps(
        {
            "category": "deposit_withdrawal",
            "subject": f"Withdrawal {n} not received",
            "description": "My USDT withdrawal has not arrived after three days. Order 8812.",
            "external_user_id": f"UID-{n % 5000}",
            "email": f"user{n % 5000}@example.com",
            "locale": "en" if n % 3 else "zh-hans",
            "related_transactions": [f"0x{n:08x}"],
        }
    ).encode()


def run_load(path: str, token: str, clients: int, seconds: float) -> dict:
    """`clients` threads, each one keep-alive connection, as fast as answers come back."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    statuses: list[dict[int, int]] = [{} for _ in range(clients)]
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
        n = i * 10_000_000
        start.wait()
        while time.perf_counter() < stop_at[0]:
            n += 1
            body = _body(n)
            headers = {
                "Authorization": f"Token {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": uuid.uuid4().hex,
            }
            t0 = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                code = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                code = 0
            latencies[i].append(time.perf_counter() - t0)
            statuses[i][code] = statuses[i].get(code, 0) + 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    stop_at[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    flat = sorted(x for per in latencies for x in per)
    codes: dict[int, int] = {}
    for per in statuses:
        for code, count in per.items():
            codes[code] = codes.get(code, 0) + count
    return {
        "ok": codes.get(201, 0),
        "codes": codes,
        "rps": codes.get(201, 0) / elapsed,
        "p50": statistics.median(flat) * 1000 if flat else 0,
        "p95": flat[int(len(flat) * 0.95) - 1] * 1000 if flat else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", default="1,8,32")
    args = parser.parse_args()
    token = prepare()
    server = start_server()
    rows = []
    try:
        # Warm up every worker and thread (imports, connections) before measuring.
        run_load("/api/v1/cases/", token, 8, 2)
        for clients in [int(c) for c in args.clients.split(",")]:
            noop = run_load("/api/v1/bench/noop/", token, clients, args.seconds)
            before = case_count()
            real = run_load("/api/v1/cases/", token, clients, args.seconds)
            stored = case_count() - before
            rows.append((clients, noop, real, stored))
    finally:
        server.terminate()
        server.wait(30)
        subprocess.run(  # noqa: S603
            [sys.executable, "-c", f"import redis; redis.Redis.from_url('{REDIS}').flushdb()"],
            check=False,
        )
    env = server_env()
    worker_class = env.get("GUNICORN_WORKER_CLASS", "gthread")
    if worker_class == "sync" and int(env.get("GUNICORN_THREADS", "4")) > 1:
        worker_class = "gthread (gunicorn's choice for sync with threads)"
    print(
        f"\nserver: {worker_class}, "
        f"workers={env.get('WEB_CONCURRENCY', os.cpu_count())}, "
        f"threads={env.get('GUNICORN_THREADS', '4')}, CONN_MAX_AGE={env['CONN_MAX_AGE']}, "
        f"{args.seconds:g} s per run, {os.cpu_count()} cores shared with PostgreSQL and client"
    )
    header = (
        f"{'clients':>7} | {'no-op req/s':>11} | {'intake cases/s':>14} | {'ratio':>5} | "
        f"{'p50 ms':>6} | {'p95 ms':>6} | {'no-op p95':>9} | {'errors':>6} | cases == 201s"
    )
    print(header)
    print("-" * len(header))
    failed = False
    for clients, noop, real, stored in rows:
        errors = sum(v for k, v in real["codes"].items() if k != 201)
        exact = stored == real["ok"]
        failed |= not exact or errors > 0
        print(
            f"{clients:>7} | {noop['rps']:>11.0f} | {real['rps']:>14.1f} | "
            f"{real['rps'] / noop['rps']:>5.0%} | {real['p50']:>6.1f} | {real['p95']:>6.1f} | "
            f"{noop['p95']:>9.1f} | {errors:>6} | "
            f"{'yes' if exact else 'NO'} ({stored} cases, {real['ok']} answers)"
        )
    if failed:
        raise SystemExit("lost, doubled or failed requests")


if __name__ == "__main__":
    main()
