"""Queue a Celery task from a service, by the task's registered name.

Tasks sit above services (a task fetches by id and calls one service), so a service that
queues one after commit cannot import it: it names it, as the beat schedule in settings does.
`CasesConfig.ready` imports `cases.tasks`, so every registered name is known in any process
that runs a service; an unknown name raises KeyError instead of silently sending a message no
worker would take. The task object's own `delay` is used, so eager mode (no broker) still runs
it in-process.
"""

from __future__ import annotations

from typing import Any

from celery import current_app


def task_enqueue(name: str, *args: Any) -> None:
    """Queue task `name` (e.g. ``cases.tasks.notification_deliver``) with positional `args`.

    Call it from `transaction.on_commit`: tasks take ids, and the rows must be visible to them.
    """
    current_app.tasks[name].delay(*args)
