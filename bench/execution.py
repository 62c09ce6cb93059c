"""Execution at the exchange: accepted actions through real Celery workers on Redis, with
injected faults and one worker killed in the middle, and the proof that each action was
performed exactly once.

    .venv/bin/python bench/execution.py [--actions 1000] [--per-case 5] [--workers 2]
        [--timeouts 0.1] [--errors 0.1] [--timeout-ms 200] [--visibility 10]
        [--kill-at N | --no-kill]

Creates its own database (complaints_bench_execution, dropped and re-created; BENCH_PG as in
admin_lists.py), migrates, and walks actions / per-case cases through the services to an
accepted offer of `per-case` exchange actions each (refunds, compensations, vouchers,
reversals, unfreezes, in stablecoins so that no offer needs an approval); that is not measured.

Then it starts `--workers` Celery worker processes (solo pool, each its own process) on Redis
(BENCH_REDIS, database 15 by default) against the demo exchange ledger wrapped by
bench/faulty_gateway.py: by key, a share of the calls time out after the exchange performed the
action (the answer comes after --timeout-ms, too late) and a share fail with a 503 before it,
each on the key's first call. The clock starts when every case's `execution_start` is queued at
once and stops when every action is done and every case resolved. When half the actions are
done (--kill-at), one worker kills itself (SIGKILL) right after the exchange performed an action and
before the answer is recorded; the bench restarts it at once, and Redis hands the killed
worker's unacknowledged message to a worker again after the visibility timeout (--visibility
seconds, checked every second; production keeps the default hour and has the execution sweep).

Prints actions per second, the time to drain, attempts per action, and the proof: ledger
actions == distinct keys == actions, no key performed twice, every action done with the
ledger's reference, every case resolved once. Exits non-zero when the proof fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
from _common import REDIS, ROOT, migrate, quiet, recreate_database, setup_django

DB = os.environ.get("BENCH_DB", "complaints_bench_execution")
QUEUE = f"bench-execution-{os.getpid()}"
SETUP_QUEUE = f"{QUEUE}-setup"
GATEWAY = "bench.faulty_gateway.FaultyGateway"


def offer_actions(per_case: int, n: int) -> list:
    """`per_case` exchange actions, the kinds in turn; under the first approval tier in all."""
    from cases.services.offers import ActionDraft

    kinds = [
        ActionDraft(kind="refund", asset="USDT", amount="12.5"),
        ActionDraft(kind="compensation", asset="USDC", amount="7.25"),
        ActionDraft(kind="unfreeze", target_reference="withdrawals"),
        ActionDraft(kind="voucher", asset="USDT", amount="5", target_reference="fee-voucher"),
        ActionDraft(
            kind="reverse_transaction", asset="USDT", amount="3.1", target_reference=f"TX-{n}"
        ),
    ]
    return [kinds[i % len(kinds)] for i in range(per_case)]


def prepare(actions: int, per_case: int, evidence_dir: str) -> list[int]:
    recreate_database(DB)
    # What the walk queues (acceptances, mail, audit seals) waits on a queue of its own,
    # dropped afterwards: the measured run queues each execution itself.
    setup_django(DB, EVIDENCE_STORAGE=evidence_dir, CELERY_TASK_DEFAULT_QUEUE=SETUP_QUEUE)
    quiet("celery", "kombu")
    migrate()
    from tests.support.execution import accepted_case

    cases = []
    count = -(-actions // per_case)
    t0 = time.perf_counter()
    for n in range(count):
        size = min(per_case, actions - n * per_case)
        cases.append(accepted_case(actions=offer_actions(size, n)).pk)
        if (n + 1) % 50 == 0:
            print(f"  {n + 1}/{count} cases accepted ({time.perf_counter() - t0:.0f} s)")
    redis.Redis.from_url(REDIS).delete(SETUP_QUEUE)
    return cases


def worker_env(args, marker: Path) -> dict[str, str]:
    from django.conf import settings

    db = settings.DATABASES["default"]
    login = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "complaints_site.settings.test",
        "DATABASE_URL": f"postgres://{login}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": REDIS,
        "CELERY_REAL_BROKER": "1",
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
        "CELERY_BROKER_TRANSPORT_OPTIONS": json.dumps(
            {
                "visibility_timeout": args.visibility,
                "unacked_restore_interval": 1,
                "unacked_restore_throttle": 1,
            }
        ),
        "EXCHANGE_GATEWAY": GATEWAY,
        "EXECUTION_RETRY_SECONDS": "1",
        "BENCH_REDIS": REDIS,
        "BENCH_FAULT_TIMEOUTS": str(args.timeouts),
        "BENCH_FAULT_ERRORS": str(args.errors),
        "BENCH_FAULT_TIMEOUT_MS": str(args.timeout_ms),
        "BENCH_KILL_MARKER": str(marker),
        "CONN_MAX_AGE": "60",
        "PYTHONPATH": str(ROOT),
    }


class Worker:
    def __init__(self, name: str, env: dict[str, str], logs: Path) -> None:
        self.name, self.env, self.logs = name, env, logs
        self.starts = 0
        self.process: subprocess.Popen | None = None

    @property
    def log_path(self) -> Path:
        return self.logs / f"{self.name}-{self.starts}.log"

    def start(self) -> None:
        self.starts += 1
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603
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
                    QUEUE,
                    "-n",
                    f"{self.name}.{self.starts}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "-l",
                    "INFO",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def ready(self) -> bool:
        return "ready." in self.log_path.read_text()

    def died(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)


def wait_ready(workers: list[Worker]) -> None:
    deadline = time.monotonic() + 120
    while not all(w.ready() for w in workers):
        if time.monotonic() > deadline or any(w.died() for w in workers):
            raise SystemExit(f"a worker did not start; see {workers[0].logs}")
        time.sleep(0.2)


def counts() -> tuple[int, int]:
    from cases.models import Case, OfferAction

    done = OfferAction.objects.filter(idempotency_key__isnull=False, execution_state="done").count()
    return done, Case.objects.filter(state="resolved").count()


def attention() -> int:
    from cases.models import OfferAction

    return OfferAction.objects.filter(execution_state="needs_attention").count()


def run(args, cases: list[int], logs: Path) -> dict:
    """Start the workers, queue every execution at once, kill one worker halfway; until every
    action is done and every case resolved."""
    from complaints_site.celery import app

    marker = logs / "kill-once"
    env = worker_env(args, marker)
    workers = [Worker(f"w{i + 1}", env, logs) for i in range(args.workers)]
    for w in workers:
        w.start()
    wait_ready(workers)
    app.conf.task_default_queue = QUEUE
    total = args.actions
    figures: dict = {"kill": None, "deaths": []}
    try:
        t0 = time.perf_counter()
        for pk in cases:
            app.tasks["cases.tasks.execution_start"].delay(pk)
        queued = time.perf_counter() - t0
        while True:
            done, resolved = counts()
            now = time.perf_counter() - t0
            if args.kill and figures["kill"] is None and done >= args.kill_at:
                marker.touch()
                figures["kill"] = {"asked_at": now, "done": done}
            for w in workers:
                if w.died():
                    code = w.process.returncode
                    w.start()
                    figures["deaths"].append(
                        {
                            "worker": w.name,
                            "code": code,
                            "at": now,
                            "restarted_at": time.perf_counter() - t0,
                        }
                    )
            if done == total and resolved == len(cases):
                break
            if stuck := attention():
                # A refusal is final until a person acts: waiting longer proves nothing.
                raise SystemExit(f"{stuck} action(s) need attention (refused): see the logs")
            if now > args.deadline:
                raise SystemExit(f"not drained after {args.deadline} s: {done}/{total} done")
            time.sleep(0.1)
        figures.update(drain=time.perf_counter() - t0, queued=queued)
    finally:
        for w in workers:
            w.stop()
        broker = redis.Redis.from_url(REDIS)
        broker.delete(QUEUE)
        keys = list(broker.scan_iter("bench-execution:called:*"))
        if keys:
            broker.delete(*keys)
    figures["starts"] = {w.name: w.starts for w in workers}
    return figures


def proof(args, cases: list[int]) -> dict:
    from django.db.models import Count

    from bench.faulty_gateway import fault_for
    from cases.models import CaseEvent, ExecutionAttempt, OfferAction
    from demo.models import LedgerAction

    actions = list(
        OfferAction.objects.filter(idempotency_key__isnull=False).values_list(
            "idempotency_key", "execution_state", "ledger_reference"
        )
    )
    ledger = dict(
        LedgerAction.objects.values_list("idempotency_key", "result__reference").iterator()
    )
    twice = (
        LedgerAction.objects.values("idempotency_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    outcomes = dict(
        ExecutionAttempt.objects.values_list("outcome").annotate(n=Count("id")).order_by()
    )
    faults = [fault_for(k, timeouts=args.timeouts, errors=args.errors) for k, _s, _r in actions]
    return {
        "actions": len(actions),
        "ledger": LedgerAction.objects.count(),
        "distinct": len(ledger),
        "twice": twice,
        "stray": len(set(ledger) - {k for k, _s, _r in actions}),
        "done": sum(s == "done" for _k, s, _r in actions),
        "references": sum(ledger.get(k) == r and r != "" for k, _s, r in actions),
        "resolved_events": CaseEvent.objects.filter(
            case_id__in=cases, type="case.transition.complete_execution"
        ).count(),
        "attempts": sum(outcomes.values()),
        "outcomes": outcomes,
        "replayed": ExecutionAttempt.objects.filter(replayed=True).count(),
        "timeout_keys": faults.count("timeout"),
        "error_keys": faults.count("5xx"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--per-case", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeouts", type=float, default=0.1, help="share of keys timing out")
    parser.add_argument("--errors", type=float, default=0.1, help="share of keys failing 503")
    parser.add_argument("--timeout-ms", type=int, default=200, help="how late a lost answer is")
    parser.add_argument("--visibility", type=int, default=10, help="Redis visibility timeout")
    parser.add_argument("--deadline", type=float, default=600, help="give up after (s)")
    parser.add_argument("--no-kill", dest="kill", action="store_false")
    parser.add_argument("--kill-at", type=int, help="actions done before the kill (half)")
    args = parser.parse_args()
    if args.kill_at is None:
        args.kill_at = args.actions // 2
    if not 1 <= args.per_case <= 10:
        raise SystemExit("--per-case: an offer holds 1 to 10 actions")

    with tempfile.TemporaryDirectory(prefix="bench-execution-") as tmp:
        t0 = time.perf_counter()
        cases = prepare(args.actions, args.per_case, os.path.join(tmp, "evidence"))
        setup = time.perf_counter() - t0
        logs = Path(tmp)
        figures = run(args, cases, logs)
        p = proof(args, cases)

    kill, deaths = figures["kill"], figures["deaths"]
    print(
        f"\n{p['actions']} actions ({len(cases)} cases of up to {args.per_case}), "
        f"{args.workers} Celery workers (solo pool) on Redis, PostgreSQL; set up in {setup:.0f} s "
        f"(not measured); {os.cpu_count()} cores shared by workers, PostgreSQL, Redis and this "
        f"script"
    )
    print(
        f"faults by key, first call only: {p['timeout_keys']} timeouts (performed, answer "
        f"{args.timeout_ms} ms late), {p['error_keys']} 503s; retries after 1 s, doubling"
    )
    if kill:
        print(
            f"kill asked at {kill['asked_at']:.1f} s ({kill['done']} done); Redis redelivers "
            f"a killed worker's message after {args.visibility} s"
        )
    for death in deaths:
        print(
            f"{death['worker']} died (exit {death['code']}"
            f"{', SIGKILL after performing an action' if death['code'] == -9 else ''}) "
            f"at {death['at']:.1f} s, restarted at {death['restarted_at']:.1f} s"
        )
    if args.kill and not deaths:
        print("the kill was asked but no worker died (the run ended first)")
    outcomes = p["outcomes"]
    rows = [
        ("actions per second", f"{p['actions'] / figures['drain']:.1f}"),
        ("time to drain", f"{figures['drain']:.1f} s (queued in {figures['queued']:.1f} s)"),
        (
            "attempts per action",
            f"{p['attempts'] / p['actions']:.3f} ({p['attempts']}: "
            f"{outcomes.get('done', 0)} done of which {p['replayed']} replayed, "
            f"{outcomes.get('unavailable', 0)} unavailable, "
            f"{outcomes.get('started', 0)} killed before the answer, "
            f"{outcomes.get('refused', 0) + outcomes.get('error', 0)} refused or errors)",
        ),
        (
            "ledger actions / distinct keys / actions",
            f"{p['ledger']} / {p['distinct']} / {p['actions']}",
        ),
        ("keys performed twice / not ours", f"{p['twice']} / {p['stray']}"),
        (
            "actions done / with the ledger's reference",
            f"{p['done']} / {p['references']} of {p['actions']}",
        ),
        ("cases resolved (complete_execution events)", f"{p['resolved_events']} of {len(cases)}"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n| {'figure':<{width}} | value |\n|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name:<{width}} | {value} |")
    exact = (
        p["ledger"] == p["distinct"] == p["actions"] == args.actions
        and p["twice"] == 0
        and p["stray"] == 0
        and p["done"] == p["references"] == p["actions"]
        and p["resolved_events"] == len(cases)
    )
    print(f"\nexactly once: {'yes' if exact else 'NO'}")
    if not exact:
        raise SystemExit("an action was lost, performed twice or left unfinished")


if __name__ == "__main__":
    main()
