"""Clock arithmetic (docs/clocks.md): business days with public holidays, calendar days and
months ending at a local midnight, and working time inside opening hours. Pure: no database,
no settings; holidays come from the `holidays` package, never from a hand-written list.

Every function takes aware datetimes (a naive one is a ValueError: we would not know which
clock it was read from) and returns aware datetimes in UTC, the way they are stored. Days are
counted in the local time zone given, so "the end of the day" is the next local midnight
converted to UTC, whatever the offset was on that day (DST included).

"Within n business days" (the regulator's count): the day of receipt never counts, even when it
is a business day; the next n business days (Monday to Friday, not a public holiday of the
country and subdivision) are counted, and the deadline is the end of the n-th (the next local
midnight). `business_days_after(received, 3, ...)` is the FCA's "by the close of the third
business day after the day of receipt". n = 0 is the end of the day of receipt itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from dateutil.relativedelta import relativedelta

ONE_DAY = timedelta(days=1)
MIDNIGHT = time(0)
WEEKEND = frozenset({5, 6})
# A calendar that finds no working time in this many consecutive days has none at all (every
# working day is a holiday): refuse instead of looping for ever.
MAX_IDLE_DAYS = 3 * 366


def _aware(value: datetime, name: str = "start") -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime (with a time zone), got {value!r}")
    return value


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


@lru_cache(maxsize=1)
def _supported() -> dict[str, list[str]]:
    return holidays.list_supported_countries()


def _check_region(country: str, subdivision: str) -> None:
    """ValueError for a country or subdivision the `holidays` package does not know."""
    if not country:
        if subdivision:
            raise ValueError(f"subdivision {subdivision!r} given without a country")
        return
    supported = _supported()
    if country not in supported:
        raise ValueError(f"no public holidays known for country {country!r}")
    if subdivision and subdivision not in supported[country]:
        raise ValueError(f"{country!r} has no subdivision {subdivision!r}")


@lru_cache(maxsize=512)
def _holidays_of(country: str, subdivision: str, year: int) -> frozenset[date]:
    """The public holidays of a country (and subdivision) in one year, observed days included
    (Boxing Day on a Saturday is observed on the Monday). Building a `holidays` object is slow,
    hence the cache per (country, subdivision, year)."""
    _check_region(country, subdivision)
    table = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    return frozenset(table.keys())


def _holiday(day: date, country: str, subdivision: str) -> bool:
    # An observed day can fall in the year before the holiday (New Year's Day on a Saturday is
    # observed on 31 December in the US); the package files it under the year it falls in.
    return bool(country) and day in _holidays_of(country, subdivision, day.year)


def is_business_day(day: date, *, country: str, subdivision: str = "") -> bool:
    """Monday to Friday and not a public holiday of `country` (and `subdivision`); with no
    country, every weekday is a business day."""
    if isinstance(day, datetime):
        raise TypeError("is_business_day takes a date; convert a datetime to its local date")
    _check_region(country, subdivision)
    return day.weekday() not in WEEKEND and not _holiday(day, country, subdivision)


def nth_business_day_after(day: date, n: int, *, country: str, subdivision: str = "") -> date:
    """The n-th business day after `day` (`day` itself never counts); `day` for n = 0."""
    if n < 0:
        raise ValueError(f"n must be zero or more, got {n}")
    _check_region(country, subdivision)
    current = day
    counted = 0
    while counted < n:
        current += ONE_DAY
        if current.weekday() not in WEEKEND and not _holiday(current, country, subdivision):
            counted += 1
    return current


def local_date(moment: datetime, time_zone: str) -> date:
    """The date on the wall calendar of `time_zone` at `moment`."""
    return _aware(moment, "moment").astimezone(_zone(time_zone)).date()


def local_moment(day: date, at: time, time_zone: str) -> datetime:
    """The instant (UTC) the clocks of `time_zone` show `at` on `day`. A wall time skipped by
    a DST change is read with the offset before it (02:30 on the spring-forward night in New
    York is 03:30 EDT); a repeated one is its first occurrence."""
    return datetime.combine(day, at, tzinfo=_zone(time_zone)).astimezone(UTC)


def end_of_local_day(day: date, time_zone: str) -> datetime:
    """The end of `day` in `time_zone`: the next local midnight, as a UTC instant."""
    return local_moment(day + ONE_DAY, MIDNIGHT, time_zone)


def business_days_after(
    start: datetime, n: int, *, country: str, subdivision: str = "", time_zone: str
) -> datetime:
    """The end (next local midnight, in UTC) of the n-th business day after the local day of
    `start`: the regulator's "within n business days of receipt". The day of receipt never
    counts, business day or not; n = 0 is the end of the day of receipt."""
    day = local_date(_aware(start), time_zone)
    return end_of_local_day(
        nth_business_day_after(day, n, country=country, subdivision=subdivision), time_zone
    )


def end_of_nth_business_day(
    start: datetime, n: int, *, country: str, subdivision: str = "", time_zone: str
) -> datetime:
    """The same as `business_days_after`, named the way DISP 1.5 reads: "by the close of the
    n-th business day after the day of receipt"."""
    return business_days_after(
        start, n, country=country, subdivision=subdivision, time_zone=time_zone
    )


def calendar_days_after(start: datetime, days: int, *, time_zone: str) -> datetime:
    """The end (next local midnight, in UTC) of the local day `days` calendar days after the
    local day of `start`: 15 days for the CFPB, 8 weeks (56 days) for the FCA. Weekends and
    holidays count like any day."""
    if days < 0:
        raise ValueError(f"days must be zero or more, got {days}")
    day = local_date(_aware(start), time_zone)
    return end_of_local_day(day + timedelta(days=days), time_zone)


def calendar_months_after(start: datetime, months: int, *, time_zone: str) -> datetime:
    """The end (next local midnight, in UTC) of the local day with the same date `months`
    later; a date the month lacks becomes its last day (31 January + 1 month ends with 28 or 29
    February)."""
    if months < 0:
        raise ValueError(f"months must be zero or more, got {months}")
    day = local_date(_aware(start), time_zone)
    return end_of_local_day(day + relativedelta(months=months), time_zone)


def wall_clock_days_before(moment: datetime, days: int, *, time_zone: str) -> datetime:
    """The same wall-clock time `days` calendar days before `moment` in `time_zone`, in UTC
    (5 days before a local midnight is a local midnight, even across a DST change)."""
    local = _aware(moment, "moment").astimezone(_zone(time_zone))
    # Aware datetimes of one zone add and subtract on the wall clock; the offset is then
    # recomputed for the new date.
    earlier = (local - timedelta(days=days)).replace(fold=0)
    return earlier.astimezone(UTC)


def _wall_time(value: time | str | None) -> time | None:
    # An unsaved model instance still holds its field default as text ("09:00").
    return time.fromisoformat(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class WorkCalendar:
    """When time counts: opening hours on working days, in a time zone, without the public
    holidays of a country. `opens`/`closes` both None counts whole working days (midnight to
    midnight); `closes` at 00:00 with `opens` set means until midnight. Weekdays: Monday is 0."""

    time_zone: str = "UTC"
    country: str = ""
    subdivision: str = ""
    opens: time | None = None
    closes: time | None = None
    weekdays: frozenset[int] = frozenset(range(7))

    def __post_init__(self) -> None:
        _zone(self.time_zone)
        _check_region(self.country, self.subdivision)
        if not isinstance(self.weekdays, frozenset):
            object.__setattr__(self, "weekdays", frozenset(self.weekdays))
        if not self.weekdays:
            raise ValueError("a calendar needs at least one working day")
        if not all(isinstance(d, int) and 0 <= d <= 6 for d in self.weekdays):
            raise ValueError(f"working days are 0 (Monday) to 6 (Sunday), got {self.weekdays}")
        if (self.opens is None) != (self.closes is None):
            raise ValueError("give both the opening and the closing time, or neither")
        if self.opens is not None and self.closes is not None:
            if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
                raise ValueError("opening hours are wall-clock times without a time zone")
            if self.closes != MIDNIGHT and self.closes <= self.opens:
                raise ValueError(
                    f"closing time {self.closes:%H:%M} must be after opening {self.opens:%H:%M}"
                )

    @classmethod
    def around_the_clock(cls) -> WorkCalendar:
        """24/7 with no holidays: working time is elapsed time."""
        return cls()

    @classmethod
    def from_business_hours(cls, bh: Any) -> WorkCalendar:
        """A team's hours (cases.models.BusinessHours, or anything with its attributes)."""
        return cls(
            time_zone=bh.time_zone,
            country=(bh.country or "").upper(),
            subdivision=bh.subdivision or "",
            opens=_wall_time(bh.opens),
            closes=_wall_time(bh.closes),
            weekdays=frozenset(int(d) for d in bh.weekdays),
        )

    @property
    def continuous(self) -> bool:
        """Every moment counts (no closed days, hours or holidays)."""
        return self.opens is None and not self.country and self.weekdays == frozenset(range(7))

    def working_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and not _holiday(day, self.country, self.subdivision)

    def period(self, day: date) -> tuple[datetime, datetime] | None:
        """The working period of local `day` as UTC instants [start, end), or None on a day
        off. Its length is real time: a day whose hours span a DST change is an hour shorter
        or longer."""
        if not self.working_day(day):
            return None
        if self.opens is None or self.closes is None:
            return local_moment(day, MIDNIGHT, self.time_zone), end_of_local_day(
                day, self.time_zone
            )
        begin = local_moment(day, self.opens, self.time_zone)
        if self.closes == MIDNIGHT:
            end = end_of_local_day(day, self.time_zone)
        else:
            end = local_moment(day, self.closes, self.time_zone)
        return (begin, end) if begin < end else None

    def periods_from(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        """The working periods from local `day` on, in order (for ever; the caller stops).
        Raises ValueError when MAX_IDLE_DAYS pass without one."""
        idle = 0
        while True:
            span = self.period(day)
            if span is None:
                idle += 1
                if idle > MAX_IDLE_DAYS:
                    raise ValueError("this calendar has no working time")
            else:
                idle = 0
                yield span
            day += ONE_DAY


def add_working_time(start: datetime, duration: timedelta, calendar: WorkCalendar) -> datetime:
    """The moment (UTC) `duration` of working time after `start`. On a 24/7 calendar that is
    `start + duration` exactly; otherwise only the calendar's working periods count, and a
    duration used up exactly at closing time ends then (Friday 16:00 + 1 h with 09:00-17:00 is
    Friday 17:00, not Monday 09:00). Walks a day at a time, never minute by minute."""
    start = _aware(start).astimezone(UTC)
    if not isinstance(duration, timedelta):
        raise TypeError("duration must be a timedelta")
    if duration < timedelta(0):
        raise ValueError(f"duration must not be negative, got {duration}")
    if calendar.continuous or not duration:
        return start + duration
    remaining = duration
    # A day's period lies inside that local day, so none before the local day of `start` counts.
    for begin, end in calendar.periods_from(local_date(start, calendar.time_zone)):
        if end <= start:
            continue
        begin = max(begin, start)
        available = end - begin
        if remaining <= available:
            return begin + remaining
        remaining -= available
    raise AssertionError("unreachable: periods_from never ends")  # pragma: no cover


def working_time_between(start: datetime, end: datetime, calendar: WorkCalendar) -> timedelta:
    """Working time from `start` to `end` on `calendar` (the inverse of `add_working_time`);
    negative when `end` is before `start` (time overdue)."""
    start = _aware(start).astimezone(UTC)
    end = _aware(end, "end").astimezone(UTC)
    if end < start:
        return -working_time_between(end, start, calendar)
    if calendar.continuous or end == start:
        return end - start
    total = timedelta(0)
    day = local_date(start, calendar.time_zone)
    last = local_date(end, calendar.time_zone)
    while day <= last:
        span = calendar.period(day)
        if span is not None:
            begin, finish = max(span[0], start), min(span[1], end)
            if begin < finish:
                total += finish - begin
        day += ONE_DAY
    return total
