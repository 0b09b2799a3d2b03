"""Recurrence rules of meeting series: pure Python over python-dateutil, no Django.

A series is described by a :class:`Rule`: a local start (wall-clock date and time in an IANA
time zone) and an RFC 5545 style recurrence (weekly or monthly, an interval, weekdays, the
nth weekday of the month or a day of the month, an end by date or by count) minus skipped
dates. Occurrences are computed on local wall-clock time and only then turned into UTC, so a
meeting at 10:00 in Europe/Warsaw stays at 10:00 local time across the changes to and from
summer time (its UTC time moves by an hour).

Decisions
---------
- **Days 29, 30 and 31 of the month**: as RFC 5545 says, a month without that day has no
  meeting (the rule "monthly on the 31st" meets in January, March, May, July, August, October
  and December). Choose "last day of the month" (``month_day=-1``) to meet at the end of
  every month instead.
- **5th weekday**: "the fifth Monday" only exists in some months; the others have no meeting.
  "Last Monday" (``week_of_month=-1``) exists every month.
- **COUNT and skipped dates**: as with RFC 5545's EXDATE, a skipped date still counts towards
  ``count`` (a series of 10 with one skipped date has 9 meetings).
- **A local time that does not exist** (02:30 on the night clocks go forward) is read with the
  offset before the change, i.e. it becomes 03:30 summer time; a local time that exists twice
  (02:30 when clocks go back) is the first of the two.
- The start date opens the series; the first meeting is the first date on or after it that
  matches the rule (a start date that does not match is not a meeting by itself).

Examples
--------
>>> from datetime import date, datetime, time
>>> rule = Rule(start=datetime(2026, 3, 23, 10, 0), tz="Europe/Warsaw", frequency="weekly",
...             count=2)
>>> [s.isoformat() for s in all_starts(rule)]
['2026-03-23T09:00:00+00:00', '2026-03-30T08:00:00+00:00']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil import rrule

WEEKLY = "weekly"
MONTHLY = "monthly"
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WEEKDAYS = dict(zip(WEEKDAY_CODES, rrule.weekdays, strict=True))
WEEKDAYS_PATTERN = re.compile(r"^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$")
#: How far ``first_start`` looks for a meeting that is not skipped before giving up.
SEARCH_LIMIT = 5000


class RuleError(ValueError):
    """The rule's fields contradict each other; ``field`` names the one to correct."""

    def __init__(self, field_name: str, code: str):
        super().__init__(code)
        self.field = field_name
        self.code = code


@dataclass(frozen=True)
class Rule:
    """A recurrence: local start, time zone, frequency and its refinements.

    Parameters
    ----------
    start
        Naive local date and time of the series' start (wall-clock time in ``tz``).
    tz
        IANA time zone name, e.g. ``"Europe/Warsaw"``.
    frequency
        ``"weekly"`` or ``"monthly"``.
    interval
        Every ``interval`` weeks or months.
    weekdays
        Codes ``"MO"`` … ``"SU"``; weekly: the days of the week (default: the start's day);
        monthly: the weekday(s) of ``week_of_month``.
    week_of_month
        Monthly only: 1 … 5 for the first … fifth of ``weekdays`` in the month, -1 the last.
    month_day
        Monthly only: 1 … 31 (months without that day are skipped), -1 the last day.
    until
        Last local date on which a meeting may take place (inclusive).
    count
        Number of meetings (skipped dates included, as RFC 5545 counts them).
    skipped
        Local dates without a meeting.
    """

    start: datetime
    tz: str = "Europe/Warsaw"
    frequency: str = WEEKLY
    interval: int = 1
    weekdays: tuple[str, ...] = ()
    week_of_month: int | None = None
    month_day: int | None = None
    until: date | None = None
    count: int | None = None
    skipped: frozenset[date] = field(default_factory=frozenset)


def check(rule: Rule) -> None:
    """Raise :class:`RuleError` if the fields contradict each other."""
    if not is_time_zone(rule.tz):
        raise RuleError("timezone", "unknown_time_zone")
    if rule.frequency not in (WEEKLY, MONTHLY):
        raise RuleError("frequency", "unknown_frequency")
    if rule.interval < 1:
        raise RuleError("interval", "interval_too_small")
    unknown = [d for d in rule.weekdays if d not in _WEEKDAYS]
    if unknown:
        raise RuleError("weekdays", "unknown_weekday")
    if rule.until is not None and rule.count is not None:
        raise RuleError("count", "until_and_count")
    if rule.until is not None and rule.until < rule.start.date():
        raise RuleError("until", "until_before_start")
    if rule.frequency == WEEKLY and (rule.week_of_month is not None or rule.month_day):
        field_name = "week_of_month" if rule.week_of_month is not None else "month_day"
        raise RuleError(field_name, "monthly_only")
    if rule.frequency == MONTHLY:
        if rule.week_of_month is not None and rule.month_day is not None:
            raise RuleError("month_day", "week_and_day")
        if rule.week_of_month is not None and rule.week_of_month not in (1, 2, 3, 4, 5, -1):
            raise RuleError("week_of_month", "bad_week_of_month")
        if rule.month_day is not None and not (1 <= rule.month_day <= 31 or rule.month_day == -1):
            raise RuleError("month_day", "bad_month_day")
        if rule.weekdays and rule.week_of_month is None:
            raise RuleError("week_of_month", "weekdays_need_week")


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone known to this system."""
    if not name or name not in _zone_names():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@cache
def _zone_names() -> frozenset[str]:
    """The names of the time zone database (read once: reading it is slow)."""
    return frozenset(available_timezones())


def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA time zone as ``(name, name)``, sorted."""
    return [(name, name) for name in sorted(_zone_names())]


def to_rrule(rule: Rule) -> rrule.rrule:
    """The dateutil rule over naive local datetimes."""
    check(rule)
    kwargs: dict = {"dtstart": rule.start, "interval": rule.interval}
    weekdays = tuple(_WEEKDAYS[d] for d in rule.weekdays)
    if rule.frequency == WEEKLY:
        freq = rrule.WEEKLY
        if weekdays:
            kwargs["byweekday"] = weekdays
    else:
        freq = rrule.MONTHLY
        if rule.week_of_month is not None:
            kwargs["byweekday"] = weekdays or (rrule.weekdays[rule.start.weekday()],)
            kwargs["bysetpos"] = rule.week_of_month
        elif rule.month_day is not None:
            kwargs["bymonthday"] = rule.month_day
    if rule.until is not None:
        kwargs["until"] = datetime.combine(rule.until, time.max)
    if rule.count is not None:
        kwargs["count"] = rule.count
    return rrule.rrule(freq, **kwargs)


def to_utc(local: datetime, tz: str) -> datetime:
    """A naive wall-clock time in ``tz`` as an aware UTC datetime."""
    return local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


def starts_between(rule: Rule, after: datetime, before: datetime) -> list[datetime]:
    """UTC starts of the meetings with ``after <= start < before`` (aware datetimes)."""
    zone = ZoneInfo(rule.tz)
    # Local bounds with a day of margin either side; the exact cut is made in UTC.
    low = after.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
    high = before.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
    result = []
    for local in to_rrule(rule).between(low, high, inc=True):
        if local.date() in rule.skipped:
            continue
        start = to_utc(local, rule.tz)
        if after <= start < before:
            result.append(start)
    return result


def all_starts(rule: Rule, limit: int = 1000) -> list[datetime]:
    """UTC starts of the first ``limit`` meetings (for bounded rules: all of them)."""
    result = []
    for local in to_rrule(rule):
        if local.date() not in rule.skipped:
            result.append(to_utc(local, rule.tz))
            if len(result) >= limit:
                break
    return result


def first_start(rule: Rule) -> datetime | None:
    """UTC start of the first meeting, or None if the rule produces none."""
    for n, local in enumerate(to_rrule(rule)):
        if local.date() not in rule.skipped:
            return to_utc(local, rule.tz)
        if n >= SEARCH_LIMIT:
            break
    return None


def parse_dates(text: str) -> list[date]:
    """ISO dates separated by commas, semicolons or white space; raises ValueError."""
    dates = []
    for token in re.split(r"[\s,;]+", text or ""):
        if token:
            dates.append(date.fromisoformat(token))
    return dates
