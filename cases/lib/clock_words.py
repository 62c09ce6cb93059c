"""Clocks in words: durations ("4 hours", "2 days 3 hours"), moments and dates as people in
each language write them, and the last day of a deadline that ends at a local midnight.

Pure helpers over Django's translation and date formatting, for the staff lists and case page,
the service-target admin and the portal. Call them under the reader's language (and, for
moments, time zone).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import dateformat, timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

MINUTE, HOUR, DAY = 60, 3600, 86400

# How each language writes a date and a moment (the letters' date format: services.letters).
_DATE = {"zh-hans": "Y年n月j日"}
_DATE_DEFAULT = "j F Y"
_MOMENT = {"zh-hans": "Y年n月j日 H:i"}
_MOMENT_DEFAULT = "j F Y, H:i"


def _is_chinese() -> bool:
    return (get_language() or "").lower().startswith("zh")


def _unit(n: int, unit: str) -> str:
    if unit == "day":
        return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}
    if unit == "hour":
        return ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}
    return ngettext("%(n)d minute", "%(n)d minutes", n) % {"n": n}


def duration_words(value: timedelta, *, parts: int = 2) -> str:
    """A length of time in words, the largest units first, at most `parts` of them, rounded
    down to the minute: "15 days", "4 hours", "2 days 3 hours", "45 minutes"; "less than a
    minute" below one. The sign is ignored (callers say "overdue by" or "due in")."""
    seconds = int(abs(value).total_seconds())
    if seconds < MINUTE:
        return _("less than a minute")
    pieces = []
    for size, unit in ((DAY, "day"), (HOUR, "hour"), (MINUTE, "minute")):
        n, seconds = divmod(seconds, size)
        if n:
            pieces.append(_unit(n, unit))
        elif pieces:
            # "2 days 5 minutes" reads as a typo: stop at the first empty unit after a value.
            break
        if len(pieces) == parts:
            break
    return " ".join(pieces)


def date_words(value: date) -> str:
    """A date as the active language writes it: "28 January 2027", "2027年1月28日"."""
    return dateformat.format(value, _DATE.get("zh-hans" if _is_chinese() else "", _DATE_DEFAULT))


def moment_words(value: datetime, *, time_zone: str | ZoneInfo | None = None) -> str:
    """An instant on the wall clock of `time_zone` (default: the active time zone) with the
    zone's abbreviation: "3 December 2026, 14:00 GMT", "2026年12月3日 14:00 GMT"."""
    zone = ZoneInfo(time_zone) if isinstance(time_zone, str) else time_zone
    local = timezone.localtime(value, zone or timezone.get_current_timezone())
    pattern = _MOMENT.get("zh-hans" if _is_chinese() else "", _MOMENT_DEFAULT)
    return f"{dateformat.format(local, pattern)} {dateformat.format(local, 'T')}"


def last_day(due_at: datetime, time_zone: str) -> date:
    """The last day of a deadline on the wall calendar of `time_zone`: a deadline at a local
    midnight (the end of a day, as the regulators' deadlines are) ends the day before it."""
    local = timezone.localtime(due_at, ZoneInfo(time_zone))
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return local.date() - timedelta(days=1)
    return local.date()
