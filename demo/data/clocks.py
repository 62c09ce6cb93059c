"""The demo's service targets and business hours (docs/clocks.md): a target per priority, a
tighter one for account security at P1 (funds may be at risk), and office hours for the
Complaints team, whose targets count only its working time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta

from cases.enums import Category, Priority

HOUR, DAY = timedelta(hours=1), timedelta(days=1)


@dataclass(frozen=True)
class DemoTarget:
    priority: str
    category: str  # "" for every category of the priority
    first_response: timedelta
    next_response: timedelta
    resolution: timedelta
    warn_at_percent: int = 75


SLA_POLICIES: list[DemoTarget] = [
    DemoTarget(Priority.P1, Category.ACCOUNT_SECURITY, 1 * HOUR, 1 * HOUR, 1 * DAY, 50),
    DemoTarget(Priority.P1, "", 1 * HOUR, 2 * HOUR, 2 * DAY),
    DemoTarget(Priority.P2, "", 4 * HOUR, 8 * HOUR, 7 * DAY),
    DemoTarget(Priority.P3, "", 1 * DAY, 1 * DAY, 15 * DAY),
    DemoTarget(Priority.P4, "", 3 * DAY, 3 * DAY, 30 * DAY),
]


@dataclass(frozen=True)
class DemoHours:
    name: str
    time_zone: str
    country: str
    subdivision: str
    opens: time
    closes: time
    weekdays: tuple[int, ...]
    teams: tuple[str, ...]


BUSINESS_HOURS: list[DemoHours] = [
    DemoHours(
        name="London office hours",
        time_zone="Europe/London",
        country="GB",
        subdivision="ENG",
        opens=time(9, 0),
        closes=time(17, 30),
        weekdays=(0, 1, 2, 3, 4),
        teams=("complaints",),
    ),
]
