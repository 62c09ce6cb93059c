"""`python manage.py seed_demo`: the demo data `make run` loads, then the demo logins.

Idempotent: what exists is left as it is, so running it again creates and changes nothing.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from demo.channels import channels_demo_seed
from demo.data.people import DEMO_PASSWORD, USERS
from demo.seed import demo_seed


class Command(BaseCommand):
    help = "Load the demo teams, logins and cases (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = demo_seed()
        # The channels' demo (mail, chat, social) goes through their own services, which sit
        # on top of cases, so it runs after the cases' demo.
        channels_demo_seed()
        elapsed = time.monotonic() - started
        if options["verbosity"] == 0:
            return
        self.stdout.write(
            f"Demo data: {len(result.users_created)} users, {len(result.teams_created)} teams "
            f"and {len(result.cases_created)} cases created; {result.cases_present} demo cases "
            f"were already there ({elapsed:.1f} s)."
        )
        if result.clocks_warned or result.clocks_breached:
            self.stdout.write(
                f"Clocks: {result.clocks_warned} warnings and {result.clocks_breached} breaches "
                "recorded by a pass of the sweep."
            )
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins (http://127.0.0.1:8000):"))
        rows = [("username", "password", "role", "where")]
        for user in USERS:
            where = "/portal/" if not user.staff else "/admin/"
            teams = f", teams: {'+'.join(user.teams)}" if user.teams else ""
            rows.append((user.username, DEMO_PASSWORD, user.role_label + teams, where))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for n, row in enumerate(rows):
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  " + line.rstrip())
            if n == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))
        self.stdout.write("")
        self.stdout.write(
            "Staff logins work with the password alone here; to try the second factor, sign in "
            "at /admin/ and follow 'Second factor' in the top bar (docs/accounts.md)."
        )
