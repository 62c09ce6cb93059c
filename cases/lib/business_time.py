"""Placeholder until the calendars work lands (24/7 only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any


@dataclass(frozen=True)
class WorkCalendar:
    time_zone: str = "UTC"
    country: str = ""
    subdivision: str = ""
    opens: time | None = None
    closes: time | None = None
    weekdays: frozenset[int] = frozenset(range(7))

    @classmethod
    def around_the_clock(cls) -> WorkCalendar:
        return cls()

    @classmethod
    def from_business_hours(cls, bh: Any) -> WorkCalendar:
        return cls()


def add_working_time(start: datetime, duration: timedelta, calendar: WorkCalendar) -> datetime:
    return start + duration
