"""Clocks in words: durations, dates and moments as each language writes them, and the last day
of a deadline that ends at a local midnight."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import translation

from cases.lib.clock_words import date_words, duration_words, last_day, moment_words


@pytest.mark.parametrize(
    ("value", "parts", "words"),
    [
        (timedelta(seconds=20), 2, "less than a minute"),
        (timedelta(minutes=1), 2, "1 minute"),
        (timedelta(minutes=45), 2, "45 minutes"),
        (timedelta(hours=4), 2, "4 hours"),
        (timedelta(hours=1, minutes=30), 2, "1 hour 30 minutes"),
        (timedelta(days=15), 2, "15 days"),
        (timedelta(days=2, hours=3, minutes=59), 2, "2 days 3 hours"),
        (timedelta(days=2, hours=3, minutes=59), 1, "2 days"),
        # "2 days 5 minutes" would read as a typo: the empty unit in between ends it.
        (timedelta(days=2, minutes=5), 2, "2 days"),
        (timedelta(hours=-6, minutes=-10), 1, "6 hours"),
    ],
)
def test_durations_in_english(value, parts, words):
    assert duration_words(value, parts=parts) == words


def test_durations_dates_and_moments_in_chinese():
    moment = datetime(2027, 1, 28, 14, 5, tzinfo=UTC)
    with translation.override("zh-hans"):
        assert duration_words(timedelta(days=2, hours=3)) == "2 天 3 小时"
        assert duration_words(timedelta(minutes=45)) == "45 分钟"
        assert date_words(date(2027, 1, 28)) == "2027年1月28日"
        assert moment_words(moment, time_zone="Europe/London") == "2027年1月28日 14:05 GMT"
    with translation.override("en"):
        assert date_words(date(2027, 1, 28)) == "28 January 2027"
        assert moment_words(moment, time_zone="Europe/London") == "28 January 2027, 14:05 GMT"
        assert moment_words(moment, time_zone="America/New_York") == "28 January 2027, 09:05 EST"
        # Summer time: the zone's abbreviation follows the date.
        summer = datetime(2027, 7, 1, 14, 5, tzinfo=UTC)
        assert moment_words(summer, time_zone="Europe/London") == "1 July 2027, 15:05 BST"


def test_a_deadline_at_local_midnight_ends_the_day_before():
    # The end of 28 January in London is 29 January 00:00 GMT; in summer, 23:00 UTC.
    assert last_day(datetime(2027, 1, 29, 0, 0, tzinfo=UTC), "Europe/London") == date(2027, 1, 28)
    assert last_day(datetime(2027, 7, 1, 23, 0, tzinfo=UTC), "Europe/London") == date(2027, 7, 1)
    # A service target at 15:00 is due that day.
    assert last_day(datetime(2027, 1, 28, 15, 0, tzinfo=UTC), "Europe/London") == date(2027, 1, 28)
