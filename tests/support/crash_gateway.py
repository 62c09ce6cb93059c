"""Test-only gateway adapters: the demo exchange ledger, with a crash or a lost answer injected
right after the exchange performed an action (docs/resolution.md, "Execution").

A worker started with `EXCHANGE_GATEWAY=tests.support.crash_gateway.CrashAfterPerform` and
`CRASH_MARKER=<file>` kills itself (SIGKILL: no cleanup, no acknowledgement) after the next
action it performs while the file exists, deleting the file first so the restarted worker
goes on normally. `TimeoutAfterPerform` instead loses the answer: the exchange performed, the
caller sees a timeout (GatewayUnavailable), once per marker.

`Scripted` is for in-process tests: each call takes the next step of `SCRIPT`, "ok" once the
script is empty, and records the key it was asked in `CALLS`. Steps: "ok"; "5xx"; "refuse";
"timeout" (performed, answer lost); "wait" (performed, then wait at `BARRIER`); "race" (wait at
`BARRIER`, then perform); "die" (performed, then WorkerDied: what a killed worker leaves).
"""

from __future__ import annotations

import os
import signal
import threading
from collections import deque
from pathlib import Path

from cases.gateway import ActionRequest, ActionResult, GatewayRejected, GatewayUnavailable
from demo.gateway import DemoExchangeGateway


def _take_marker() -> bool:
    """Whether the marker file was there (and is now gone): the fault fires once."""
    marker = os.environ.get("CRASH_MARKER", "")
    if not marker:
        return False
    try:
        Path(marker).unlink()
    except FileNotFoundError:
        return False
    return True


class CrashAfterPerform(DemoExchangeGateway):
    """The worker dies between the exchange's answer and the record of it."""

    def perform(self, action: ActionRequest) -> ActionResult:
        result = super().perform(action)
        if _take_marker():
            os.kill(os.getpid(), signal.SIGKILL)
        return result


class TimeoutAfterPerform(DemoExchangeGateway):
    """The exchange performs the action, but its answer never arrives in time."""

    def perform(self, action: ActionRequest) -> ActionResult:
        result = super().perform(action)
        if _take_marker():
            raise GatewayUnavailable("The exchange did not answer in time.", status=504)
        return result


class WorkerDied(BaseException):
    """Not an Exception: nothing in the service catches it, as nothing survives a SIGKILL."""


SCRIPT: deque[str] = deque()
CALLS: list[str] = []
BARRIER: list[threading.Barrier] = []


class Scripted(DemoExchangeGateway):
    def perform(self, action: ActionRequest) -> ActionResult:
        CALLS.append(action.idempotency_key)
        step = SCRIPT.popleft() if SCRIPT else "ok"
        if step == "5xx":
            raise GatewayUnavailable("The exchange answered 503.", status=503)
        if step == "refuse":
            raise GatewayRejected("The exchange refused: insufficient hot wallet.", status=422)
        if step == "race":
            BARRIER[0].wait(timeout=20)
        result = super().perform(action)
        if step == "timeout":
            raise GatewayUnavailable("The exchange did not answer in time.", status=504)
        if step == "die":
            raise WorkerDied
        if step == "wait":
            BARRIER[0].wait(timeout=20)
        return result


def script(*steps: str) -> None:
    """Start a new script (and forget the calls of the last)."""
    SCRIPT.clear()
    SCRIPT.extend(steps)
    CALLS.clear()
