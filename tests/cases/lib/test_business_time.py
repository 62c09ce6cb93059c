"""Clock arithmetic (cases.lib.business_time): business days with the `holidays` package's
calendars, calendar days and months ending at a local midnight, working time in opening hours
across weekends, bank holidays, year ends and DST changes. Pure: no database."""

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cases.lib import business_time
from cases.lib.business_time import (
    WorkCalendar,
    add_working_time,
    business_days_after,
    calendar_days_after,
    calendar_months_after,
    end_of_nth_business_day,
    is_business_day,
    local_date,
    nth_business_day_after,
    wall_clock_days_before,
    working_time_between,
)
from cases.models import BusinessHours

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
ENGLAND = {"country": "GB", "subdivision": "ENG", "time_zone": "Europe/London"}
MON_FRI = frozenset(range(5))
# A wall-clock time without a zone: every function refuses it.
NAIVE = datetime(2026, 1, 1, 10)  # noqa: DTZ001
OFFICE = WorkCalendar(
    time_zone="Europe/London",
    country="GB",
    subdivision="ENG",
    opens=time(9),
    closes=time(17),
    weekdays=MON_FRI,
)


def london(*args):
    return datetime(*args, tzinfo=LONDON)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


# --- Business days ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "subdivision", "expected"),
    [
        (date(2026, 12, 24), "ENG", True),  # Thursday
        (date(2026, 12, 25), "ENG", False),  # Christmas Day
        (date(2026, 12, 26), "ENG", False),  # Saturday (Boxing Day)
        (date(2026, 12, 28), "ENG", False),  # Boxing Day observed on the Monday
        (date(2026, 12, 29), "ENG", True),
        (date(2026, 4, 3), "ENG", False),  # Good Friday
        (date(2026, 4, 6), "ENG", False),  # Easter Monday in England...
        (date(2026, 4, 6), "SCT", True),  # ...is a working day in Scotland
        (date(2026, 1, 2), "SCT", False),  # 2 January: Scotland only
        (date(2026, 1, 2), "ENG", True),
        (date(2026, 8, 31), "ENG", False),  # Late Summer bank holiday
        (date(2026, 8, 3), "SCT", False),  # Scotland's summer holiday is in August's first week
    ],
)
def test_business_days_follow_the_uk_bank_holidays_of_the_subdivision(day, subdivision, expected):
    assert is_business_day(day, country="GB", subdivision=subdivision) is expected


def test_an_observed_holiday_in_the_year_before_counts():
    # New Year's Day 2022 was a Saturday: the US observed it on Friday 31 December 2021.
    assert not is_business_day(date(2021, 12, 31), country="US")
    assert not is_business_day(date(2026, 11, 26), country="US")  # Thanksgiving
    assert is_business_day(date(2026, 11, 27), country="US")


def test_without_a_country_every_weekday_is_a_business_day():
    assert is_business_day(date(2026, 12, 25), country="")
    assert not is_business_day(date(2026, 12, 26), country="")


def test_a_datetime_is_not_a_day():
    with pytest.raises(TypeError):
        is_business_day(london(2026, 12, 24, 10), country="GB")


@pytest.mark.parametrize(
    ("received", "n", "expected"),
    [
        # Wednesday 23 December + 3 business days in England: 24th, (25th, weekend, 28th
        # observed Boxing Day), 29th, 30th. The deadline is the end of the 30th.
        (london(2026, 12, 23, 10), 3, utc(2026, 12, 31)),
        # Received on a Saturday: the first business day is Tuesday 29th.
        (london(2026, 12, 26, 15), 1, utc(2026, 12, 30)),
        # Thursday before Easter: Good Friday and Easter Monday are skipped (BST: 23:00 UTC).
        (london(2026, 4, 2, 9), 1, utc(2026, 4, 7, 23)),
        # Late on 30 June UTC is 1 July in London: the local day of receipt is the 1st.
        (utc(2026, 6, 30, 23, 30), 1, utc(2026, 7, 2, 23)),
        # A Friday in GMT + 1 ends on the Monday after the clocks went forward (BST).
        (london(2026, 3, 27, 12), 1, utc(2026, 3, 30, 23)),
        # A Friday in BST + 1 ends on the Monday after the clocks went back (GMT).
        (london(2026, 10, 23, 12), 1, utc(2026, 10, 27)),
        # The day of receipt itself (n = 0), even on a Sunday.
        (london(2026, 12, 27, 12), 0, utc(2026, 12, 28)),
        # 15 and 35 business days from Monday 2 March 2026 (Easter in between).
        (london(2026, 3, 2, 10), 15, utc(2026, 3, 24)),
        (london(2026, 3, 2, 10), 35, utc(2026, 4, 22, 23)),
    ],
)
def test_within_n_business_days_ends_at_the_local_midnight_after_the_nth(received, n, expected):
    due = business_days_after(received, n, **ENGLAND)
    assert due == expected
    assert due.tzinfo is UTC
    assert end_of_nth_business_day(received, n, **ENGLAND) == due


def test_us_business_days_skip_thanksgiving_in_new_york_time():
    due = business_days_after(
        datetime(2026, 11, 25, 10, tzinfo=NEW_YORK), 1, country="US", time_zone="America/New_York"
    )
    assert due == utc(2026, 11, 28, 5)  # end of Friday 27th, EST


def test_nth_business_day_is_a_pure_date_count():
    assert nth_business_day_after(date(2026, 12, 23), 3, country="GB", subdivision="ENG") == date(
        2026, 12, 30
    )
    assert nth_business_day_after(date(2026, 12, 26), 0, country="GB") == date(2026, 12, 26)


@pytest.mark.parametrize(
    "call",
    [
        lambda: business_days_after(NAIVE, 1, **ENGLAND),
        lambda: business_days_after(london(2026, 1, 1), -1, **ENGLAND),
        lambda: business_days_after(london(2026, 1, 1), 1, country="XX", time_zone="UTC"),
        lambda: business_days_after(
            london(2026, 1, 1), 1, country="GB", subdivision="XYZ", time_zone="UTC"
        ),
        lambda: business_days_after(london(2026, 1, 1), 1, country="GB", time_zone="Mars/Base"),
        lambda: calendar_days_after(NAIVE, 1, time_zone="UTC"),
        lambda: calendar_days_after(london(2026, 1, 1), -1, time_zone="UTC"),
        lambda: calendar_months_after(london(2026, 1, 1), -1, time_zone="UTC"),
        lambda: add_working_time(NAIVE, timedelta(hours=1), OFFICE),
        lambda: add_working_time(london(2026, 1, 1), timedelta(hours=-1), OFFICE),
        lambda: working_time_between(london(2026, 1, 1), NAIVE, OFFICE),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call):
    with pytest.raises(ValueError, match=r"aware|zero or more|negative|country|subdivision|zone"):
        call()


def test_holiday_tables_are_built_once_per_country_subdivision_and_year():
    business_time._holidays_of.cache_clear()
    for _ in range(3):
        business_days_after(london(2026, 12, 23), 3, **ENGLAND)
        business_days_after(london(2026, 12, 30), 3, **ENGLAND)
    info = business_time._holidays_of.cache_info()
    assert info.misses == 2  # 2026 and 2027 for GB/ENG, each built once
    assert info.hits > 0


# --- Calendar days and months -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "days", "zone", "expected"),
    [
        # FCA: 8 weeks from Monday 2 March 2026 is the end of Monday 27 April (BST).
        (london(2026, 3, 2, 10), 56, "Europe/London", utc(2026, 4, 27, 23)),
        # CFPB: 15 days across New York's spring change (8 March 2026).
        (datetime(2026, 3, 1, 12, tzinfo=NEW_YORK), 7, "America/New_York", utc(2026, 3, 9, 4)),
        (datetime(2026, 10, 30, 12, tzinfo=NEW_YORK), 2, "America/New_York", utc(2026, 11, 2, 5)),
        # Weekends and holidays count like any day: Christmas Eve + 2 is the end of Boxing Day.
        (london(2026, 12, 24, 10), 2, "Europe/London", utc(2026, 12, 27)),
        # Year end.
        (london(2026, 12, 20, 10), 15, "Europe/London", utc(2027, 1, 5)),
    ],
)
def test_calendar_days_end_at_a_local_midnight(received, days, zone, expected):
    assert calendar_days_after(received, days, time_zone=zone) == expected


@pytest.mark.parametrize(
    ("received", "months", "expected_day"),
    [
        (london(2026, 1, 31, 10), 1, date(2026, 2, 28)),
        (london(2028, 1, 31, 10), 1, date(2028, 2, 29)),  # leap year
        (london(2026, 8, 31, 10), 6, date(2027, 2, 28)),
        (london(2025, 12, 31, 23, 30), 2, date(2026, 2, 28)),
        (london(2026, 3, 15, 10), 2, date(2026, 5, 15)),
    ],
)
def test_calendar_months_keep_the_date_or_take_the_months_last_day(received, months, expected_day):
    due = calendar_months_after(received, months, time_zone="Europe/London")
    assert due.tzinfo is UTC
    assert due.astimezone(LONDON) == datetime.combine(
        expected_day + timedelta(days=1), time(0), tzinfo=LONDON
    )


def test_calendar_months_count_the_local_day_of_receipt():
    # 31 December 23:30 UTC is already 1 January in Berlin: + 2 months is the end of 1 March.
    due = calendar_months_after(utc(2025, 12, 31, 23, 30), 2, time_zone="Europe/Berlin")
    assert due == utc(2026, 3, 1, 23)


def test_wall_clock_days_before_keeps_local_midnight_across_dst():
    # Local midnight starting 2 April (BST) minus 5 days is local midnight of 28 March (GMT).
    assert wall_clock_days_before(utc(2026, 4, 1, 23), 5, time_zone="Europe/London") == utc(
        2026, 3, 28
    )


# --- Working time -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        # Friday 16:30 + 1 h: 30 min on Friday, 30 on Monday (after the clocks went forward).
        (london(2026, 3, 27, 16, 30), timedelta(hours=1), london(2026, 3, 30, 9, 30)),
        # Across Easter: Thursday 16:30 + 1 h is Tuesday 09:30.
        (london(2026, 4, 2, 16, 30), timedelta(hours=1), london(2026, 4, 7, 9, 30)),
        # Christmas Eve 16:00 + 2 h: Christmas, the weekend and Boxing Day observed are off.
        (london(2026, 12, 24, 16), timedelta(hours=2), london(2026, 12, 29, 10)),
        # Before opening the clock waits for 09:00.
        (london(2026, 6, 1, 7), timedelta(minutes=30), london(2026, 6, 1, 9, 30)),
        # Used up exactly at closing time: that moment, not the next opening.
        (london(2026, 6, 5, 16), timedelta(hours=1), london(2026, 6, 5, 17)),
        # Two working weeks (80 h) from Monday 09:00 end on the second Friday at 17:00.
        (london(2026, 6, 1, 9), timedelta(hours=80), london(2026, 6, 12, 17)),
        # A start on a Sunday evening counts from Monday's opening.
        (london(2026, 6, 7, 20), timedelta(hours=8, minutes=1), london(2026, 6, 9, 9, 1)),
    ],
)
def test_working_hours_skip_nights_weekends_and_holidays(start, duration, expected):
    due = add_working_time(start, duration, OFFICE)
    assert due == expected
    assert due.tzinfo is UTC
    assert working_time_between(start, due, OFFICE) == duration


def test_around_the_clock_is_elapsed_time():
    calendar = WorkCalendar.around_the_clock()
    start = london(2026, 3, 28, 22)
    due = add_working_time(start, timedelta(hours=5), calendar)
    assert due.tzinfo is UTC
    # Five real hours across the spring change: 03:00 UTC, which London calls 04:00 (Python's
    # wall-clock arithmetic on the aware London time would say 03:00 BST, an hour short).
    assert due == utc(2026, 3, 29, 3)
    assert due.astimezone(LONDON).hour == 4
    end = start.astimezone(UTC) + timedelta(days=3)
    assert working_time_between(start, end, calendar) == timedelta(days=3)


def test_a_working_day_spanning_a_dst_change_has_its_real_length():
    every_day = WorkCalendar(time_zone="Europe/London", country="GB", subdivision="ENG")
    assert not every_day.continuous
    assert working_time_between(london(2026, 3, 29), london(2026, 3, 30), every_day) == timedelta(
        hours=23
    )
    assert working_time_between(london(2026, 10, 25), london(2026, 10, 26), every_day) == timedelta(
        hours=25
    )
    # Hours 00:30-03:00 on the night the clocks change: 1.5 h in March, 3.5 h in October.
    night = WorkCalendar(time_zone="Europe/London", opens=time(0, 30), closes=time(3))
    assert working_time_between(london(2026, 3, 29), london(2026, 3, 30), night) == timedelta(
        hours=1, minutes=30
    )
    assert working_time_between(london(2026, 10, 25), london(2026, 10, 26), night) == timedelta(
        hours=3, minutes=30
    )
    # New York: 24 h of working time from Saturday noon before the spring change.
    ny = WorkCalendar(time_zone="America/New_York", country="US")
    start = datetime(2026, 3, 7, 12, tzinfo=NEW_YORK)
    assert add_working_time(start, timedelta(hours=24), ny) == datetime(
        2026, 3, 8, 13, tzinfo=NEW_YORK
    )


def test_closing_at_midnight_counts_until_the_end_of_the_day():
    late = WorkCalendar(time_zone="Europe/London", opens=time(18), closes=time(0))
    assert add_working_time(london(2026, 6, 1, 23), timedelta(hours=2), late) == london(
        2026, 6, 2, 19
    )


def test_working_time_between_is_negative_when_overdue():
    assert working_time_between(
        london(2026, 6, 2, 10), london(2026, 6, 1, 10), OFFICE
    ) == -timedelta(hours=8)


def test_long_durations_walk_days_not_minutes(monkeypatch):
    calls = []
    original = WorkCalendar.period

    def counting(self, day):
        calls.append(day)
        return original(self, day)

    monkeypatch.setattr(WorkCalendar, "period", counting)
    due = add_working_time(london(2026, 1, 5, 9), timedelta(hours=8 * 300), OFFICE)
    assert due.year == 2027
    assert len(calls) < 500  # about 14 months of days, each once


@pytest.mark.parametrize(
    "kwargs",
    [
        {"weekdays": frozenset()},
        {"weekdays": frozenset({7})},
        {"opens": time(9)},
        {"opens": time(17), "closes": time(9)},
        {"time_zone": "Nowhere/Here"},
        {"country": "XX"},
        {"subdivision": "ENG"},
    ],
)
def test_a_calendar_that_cannot_work_is_refused(kwargs):
    with pytest.raises(ValueError, match=r"."):
        WorkCalendar(**kwargs)


def test_a_calendar_from_a_teams_business_hours():
    duck = SimpleNamespace(
        time_zone="Europe/London",
        country="gb",
        subdivision="ENG",
        opens=time(9),
        closes=time(17),
        weekdays=[0, 1, 2, 3, 4],
    )
    assert WorkCalendar.from_business_hours(duck) == OFFICE
    # An unsaved model instance holds its defaults (opening hours as text): the same calendar.
    model = BusinessHours(name="London office", subdivision="ENG")
    assert WorkCalendar.from_business_hours(model) == OFFICE


# --- Properties -------------------------------------------------------------------------------

CALENDARS = [
    OFFICE,
    WorkCalendar(
        time_zone="America/New_York",
        country="US",
        opens=time(8, 30),
        closes=time(18),
        weekdays=MON_FRI,
    ),
    WorkCalendar(time_zone="Europe/Berlin", country="DE", weekdays=frozenset(range(6))),
    WorkCalendar(time_zone="Europe/London", opens=time(20), closes=time(0)),
    WorkCalendar.around_the_clock(),
]
JURISDICTIONS = [
    {"country": "GB", "subdivision": "ENG", "time_zone": "Europe/London"},
    {"country": "US", "subdivision": "", "time_zone": "America/New_York"},
    {"country": "DE", "subdivision": "", "time_zone": "Europe/Berlin"},
]
# Hypothesis takes naive bounds and attaches the zone itself.
moments = st.datetimes(
    min_value=datetime(2024, 1, 1),  # noqa: DTZ001
    max_value=datetime(2031, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
durations = st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=40))
PROPERTY = settings(max_examples=150, deadline=None)


def _inside_a_working_period(moment, calendar):
    """True when `moment` lies in (begin, end] of one of the calendar's working periods."""
    day = local_date(moment - timedelta(microseconds=1), calendar.time_zone)
    span = calendar.period(day)
    return span is not None and span[0] < moment <= span[1]


@PROPERTY
@given(start=moments, duration=durations, calendar=st.sampled_from(CALENDARS))
def test_adding_then_measuring_working_time_is_the_identity(start, duration, calendar):
    due = add_working_time(start, duration, calendar)
    assert due.tzinfo is UTC
    assert due >= start + duration  # never sooner than the same elapsed time
    assert working_time_between(start, due, calendar) == duration
    assert _inside_a_working_period(due, calendar)


@PROPERTY
@given(start=moments, duration=durations)
def test_office_deadlines_never_fall_on_a_weekend_or_holiday(start, duration):
    due = add_working_time(start, duration, OFFICE).astimezone(LONDON)
    assert is_business_day(due.date(), country="GB", subdivision="ENG")
    assert time(9) < due.time() <= time(17)


@PROPERTY
@given(
    start=moments,
    a=durations,
    b=durations,
    calendar=st.sampled_from(CALENDARS),
)
def test_more_working_time_ends_later(start, a, b, calendar):
    assume(a != b)
    shorter, longer = sorted((a, b))
    assert add_working_time(start, shorter, calendar) < add_working_time(start, longer, calendar)


@PROPERTY
@given(
    points=st.lists(moments, min_size=3, max_size=3).map(sorted),
    calendar=st.sampled_from(CALENDARS),
)
def test_working_time_adds_up_over_consecutive_spans(points, calendar):
    a, b, c = points
    assert working_time_between(a, b, calendar) + working_time_between(
        b, c, calendar
    ) == working_time_between(a, c, calendar)


@PROPERTY
@given(
    received=moments,
    n=st.integers(min_value=0, max_value=60),
    where=st.sampled_from(JURISDICTIONS),
)
def test_each_further_business_day_ends_later_at_a_local_midnight(received, n, where):
    zone = ZoneInfo(where["time_zone"])
    due = business_days_after(received, n, **where)
    later = business_days_after(received, n + 1, **where)
    assert later > due > received
    for moment in (due, later):
        assert moment.tzinfo is UTC
        assert moment.astimezone(zone).time() == time(0)
    # The last day counted is a business day, and exactly n business days follow the day of
    # receipt up to it.
    last = (due.astimezone(zone) - timedelta(hours=12)).date()
    first = received.astimezone(zone).date()
    if n:
        assert is_business_day(last, country=where["country"], subdivision=where["subdivision"])
    counted = sum(
        is_business_day(
            first + timedelta(days=i), country=where["country"], subdivision=where["subdivision"]
        )
        for i in range(1, (last - first).days + 1)
    )
    assert counted == n


@PROPERTY
@given(
    received=moments,
    days=st.integers(min_value=0, max_value=120),
    months=st.integers(min_value=0, max_value=24),
    zone=st.sampled_from(["Europe/London", "America/New_York", "Europe/Berlin"]),
)
def test_calendar_deadlines_are_local_midnights(received, days, months, zone):
    local = ZoneInfo(zone)
    first = received.astimezone(local).date()
    by_days = calendar_days_after(received, days, time_zone=zone)
    by_months = calendar_months_after(received, months, time_zone=zone)
    for moment in (by_days, by_months):
        assert moment.tzinfo is UTC
        assert moment.astimezone(local).time() == time(0)
    assert by_days.astimezone(local).date() == first + timedelta(days=days + 1)
    last = by_months.astimezone(local).date() - timedelta(days=1)
    assert (last.year * 12 + last.month) - (first.year * 12 + first.month) == months
    assert last.day == first.day or (last.day < first.day and (last + timedelta(days=1)).day == 1)
