"""Every benchmark script still runs on the current schema: each at its smallest size, in its own
database, must finish and print its figures. No timing is asserted (README, "Speed targets are
measured by scripts under `bench/`, never by timed tests")."""

from __future__ import annotations

import os
import re
import socket

import psycopg
import pytest
from django.conf import settings

from tests.support.django_process import run

# The scripts queue their tasks on a real broker; here the suite's own Redis database, which
# each script empties when it ends.
BROKER = os.environ.get("CELERY_BROKER_URL", "")
needs_broker = pytest.mark.skipif(not BROKER, reason="needs CELERY_BROKER_URL (Redis); CI sets it")


def _server() -> str:
    """The test database's PostgreSQL server, as the scripts' BENCH_PG."""
    db = settings.DATABASES["default"]
    login = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{login}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"


@pytest.fixture
def bench_db(request):
    """A database of this suite's own (the test database's name plus the script's), dropped
    afterwards, so parallel suites on one server never share one."""
    name = (
        f"{settings.DATABASES['default']['NAME']}_bench_{request.node.name.removeprefix('test_')}"
    )
    yield name
    with psycopg.connect(f"{_server()}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench(script: str, *args: str, **env: str) -> str:
    env = {"BENCH_PG": _server(), **({"BENCH_REDIS": BROKER} if BROKER else {}), **env}
    done = run([f"bench/{script}", *args], settings=None, timeout=600, **env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.postgres
@needs_broker
def test_admin_lists(bench_db):
    out = bench("admin_lists.py", "--sizes", "50", "--requests", "1", BENCH_DB=bench_db)
    assert "| cases | page | as | p50 ms | p95 ms | queries |" in out
    for page, who in [
        ("case list, default page", "superuser"),
        ("case list, default page", "agent"),
        ("case list, exact search", "agent"),
        ("history search, first page", "auditor"),
        ("history search, case", "superuser"),
    ]:
        assert re.search(rf"\|\s+50 \| {page}\s+\| {who}\s+\|\s+[\d.]+ \|", out), (page, who, out)
    assert re.search(r"history search, first page\s+\| agent\s+\| 403 \(by design\)", out), out


@pytest.mark.postgres
@needs_broker
def test_investigation(bench_db):
    out = bench("investigation.py", "--records", "10", "--requests", "1", BENCH_DB=bench_db)
    for what in [
        "snapshot_pull (3 runs)",
        "evidence page, first page",
        "evidence page, ?p_trades=1 of 1",
        "case page as handler",
        "case page as superuser",
    ]:
        assert re.search(rf"\| {re.escape(what)}\s+\|.*\|\s+\d+ \|", out), (what, out)


@pytest.mark.postgres
@needs_broker
def test_intake(bench_db):
    out = bench(
        "intake.py",
        "--seconds",
        "0.5",
        "--clients",
        "1",
        BENCH_DB=bench_db,
        BENCH_PORT=str(_free_port()),
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="2",
    )
    assert "intake cases/s" in out
    assert re.search(
        r"^\s+1 \|\s+\d+ \|\s+[\d.]+ \|.*\| yes \(\d+ cases, \d+ answers\)$", out, re.M
    )


def test_uploads():
    out = bench("uploads.py", "--repeat", "1", "--max-pixels", "3000000")
    assert re.search(r"phone screenshot 1170x2532 \(noisy PNG\)\s+\d+\s+2962440\s+accepted", out)


@pytest.mark.postgres
@needs_broker
def test_execution(bench_db):
    out = bench(
        "execution.py",
        "--actions",
        "10",
        "--per-case",
        "5",
        "--timeout-ms",
        "50",
        "--visibility",
        "3",
        "--kill-at",
        "2",
        BENCH_DB=bench_db,
    )
    assert re.search(r"^\| actions per second\s+\| [\d.]+ \|$", out, re.M), out
    assert re.search(r"^\| time to drain\s+\| [\d.]+ s", out, re.M), out
    assert re.search(r"^\| attempts per action\s+\| [\d.]+ \(", out, re.M), out
    assert re.search(r"\| ledger actions / distinct keys / actions\s+\| 10 / 10 / 10 \|", out), out
    assert re.search(r"w\d died \(exit -9, SIGKILL after performing an action\)", out), out
    assert "exactly once: yes" in out


@pytest.mark.postgres
@needs_broker
def test_sla_sweep(bench_db):
    out = bench("sla_sweep.py", "--sizes", "300,1500", BENCH_DB=bench_db)
    assert (
        "| open cases | clocks | sweep | seconds | queries | warned | breached | notified |" in out
    )
    rows = re.findall(
        r"^\|\s+([\d,]+) \|\s+[\d,]+ \| (first|second)\s+\|\s+[\d.]+ \|\s+(\d+) "
        r"\|\s+([\d,]+) \|\s+([\d,]+) \|\s+([\d,]+) \|$",
        out,
        re.M,
    )
    sweeps = {
        (size, which): tuple(int(n.replace(",", "")) for n in rest) for size, which, *rest in rows
    }
    assert set(sweeps) == {(s, w) for s in ("300", "1,500") for w in ("first", "second")}, out
    # The same statements at both sizes, for the sweep that finds work and the one that does not.
    assert sweeps["300", "first"][0] == sweeps["1,500", "first"][0], out
    assert sweeps["300", "second"][0] == sweeps["1,500", "second"][0], out
    # One case in 100 has a clock to warn or to breach; every breach also tells the lead.
    for size in ("300", "1,500"):
        _, warned, breached, notified = sweeps[size, "first"]
        assert warned > 0, out
        assert breached > 0, out
        assert notified > warned + breached, out
        # The second sweep right after finds nothing to do.
        assert sweeps[size, "second"][1:] == (0, 0, 0), out
    assert "query counts equal at every size: yes" in out
    assert "second sweep found nothing: yes" in out
