"""The demo exchange ledger with injected faults, for bench/execution.py (never the product).

Deterministic by idempotency key: the key's hash puts it among the timeouts
(BENCH_FAULT_TIMEOUTS, a share such as 0.1), the 5xx answers (BENCH_FAULT_ERRORS) or neither.
A faulty key fails on its first call only:

- a 5xx: the exchange answers 503 before doing anything;
- a timeout: the exchange performs the action, but the answer arrives only after
  BENCH_FAULT_TIMEOUT_MS and too late: the caller sees GatewayUnavailable (504), the retry gets
  the original result.

The first call of a key is marked in Redis (BENCH_REDIS, SET NX), so every worker process
agrees. While the file BENCH_KILL_MARKER exists, the next worker to perform an action deletes it
and kills itself (SIGKILL) before the answer is recorded: one crash at the worst point.
"""

from __future__ import annotations

import hashlib
import os
import signal
import time
from functools import cached_property
from pathlib import Path

import redis

from cases.gateway import ActionRequest, ActionResult, GatewayUnavailable
from demo.gateway import DemoExchangeGateway

TIMEOUT, ERROR = "timeout", "5xx"


def fault_for(key: str, *, timeouts: float, errors: float) -> str:
    """ "timeout", "5xx" or "" for this key, the same in every process and run."""
    share = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 0x1_0000_0000
    if share < timeouts:
        return TIMEOUT
    if share < timeouts + errors:
        return ERROR
    return ""


class FaultyGateway(DemoExchangeGateway):
    name = "demo exchange ledger (faults injected)"

    @cached_property
    def _redis(self) -> redis.Redis:
        return redis.Redis.from_url(os.environ["BENCH_REDIS"])

    def _first_call(self, key: str) -> bool:
        return bool(self._redis.set(f"bench-execution:called:{key}", 1, nx=True, ex=3600))

    def perform(self, action: ActionRequest) -> ActionResult:
        key = action.idempotency_key
        fault = fault_for(
            key,
            timeouts=float(os.environ.get("BENCH_FAULT_TIMEOUTS", "0")),
            errors=float(os.environ.get("BENCH_FAULT_ERRORS", "0")),
        )
        first = bool(fault) and self._first_call(key)
        if fault == ERROR and first:
            raise GatewayUnavailable("The exchange answered 503.", status=503)
        result = super().perform(action)
        marker = os.environ.get("BENCH_KILL_MARKER", "")
        if marker:
            try:
                Path(marker).unlink()
            except FileNotFoundError:
                pass
            else:
                os.kill(os.getpid(), signal.SIGKILL)
        if fault == TIMEOUT and first:
            time.sleep(int(os.environ.get("BENCH_FAULT_TIMEOUT_MS", "0")) / 1000)
            raise GatewayUnavailable("The exchange did not answer in time.", status=504)
        return result
