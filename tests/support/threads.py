"""Threads for the race tests: each on its own database connection, closed when it ends, so the
race really happens in PostgreSQL and no connection outlives the test."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def in_thread(target: Callable[[], object], results: dict, key) -> threading.Thread:
    """A thread (not started) that stores what `target` returns, or what it raised, under `key`."""

    def run():
        try:
            results[key] = target()
        except Exception as exc:
            results[key] = exc
        finally:
            connection.close()

    return threading.Thread(target=run)


def run_all(threads: list[threading.Thread], *, timeout: float | None = None) -> None:
    """Start every thread, then wait for each (`timeout` seconds at most each)."""
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)


def run_together(work: Callable[[], None], *, times: int, timeout: float | None = None) -> None:
    """`times` threads running `work` at once; `work` closes its own connection and records its
    own outcome."""
    run_all([threading.Thread(target=work) for _ in range(times)], timeout=timeout)
