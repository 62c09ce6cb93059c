"""`python manage.py sla_sweep`: one pass of the SLA clock task (docs/clocks.md).

Marks the deadlines that passed as missed and escalates them to the team lead, warns the
assignee of those about to pass, and prints what it did. The periodic Celery task
(`cases.tasks.sla_sweep`) runs the same pass; running both at once warns nobody twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cases.services.clocks import clocks_sweep


class Command(BaseCommand):
    help = (
        "Run one pass of the SLA clock sweep: warnings before a deadline, escalation at a breach."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = clocks_sweep()
        self.stdout.write(
            f"{result.breached} deadline(s) missed and escalated, {result.warned} warning(s), "
            f"{result.notified} email(s) queued."
        )
