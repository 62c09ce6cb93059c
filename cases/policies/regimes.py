"""Placeholder until the calendars work lands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cases.enums import ClockKind, Regime


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    regime: str
    country: str
    subdivision: str
    time_zone: str


@dataclass(frozen=True)
class Deadline:
    kind: str
    due_at: datetime
    warn_at: datetime | None
    requires: str = "final_response"
    description: Any = ""


def jurisdiction_for(code: str | None) -> Jurisdiction:
    return Jurisdiction("GB", Regime.FCA, "GB", "ENG", "Europe/London")


def regulatory_deadlines(
    *, jurisdiction: Jurisdiction, received_at: datetime, category: str
) -> list[Deadline]:
    due = received_at + timedelta(days=56)
    return [Deadline(ClockKind.REG_FINAL, due, due - timedelta(days=5))]
