"""Like-for-like periods: a period to date and the same part of the period before it.

A KPI card grouped by month shows the current month's value, and until the month ends that
value covers only part of it; set against the whole previous month it always looks like a
fall. Comparing like with like means setting the days elapsed so far (month to date) against
the same days of the previous month. Pure Python (no Django), as every calculator here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

BUCKETS = ("day", "week", "month", "quarter", "year")


@dataclass(frozen=True)
class Windows:
    """The current period to date and the matching part of the previous period.

    Both windows include their first and last day (``current_start`` to ``current_end``,
    ``previous_start`` to ``previous_end``).
    ``complete`` is true when ``current_end`` is the last day of its period: the two whole
    periods are then compared as they are.
    """

    current_start: dt.date
    current_end: dt.date
    previous_start: dt.date
    previous_end: dt.date
    complete: bool

    @property
    def days(self) -> int:
        """Days in the current window."""
        return (self.current_end - self.current_start).days + 1

    @property
    def previous_days(self) -> int:
        """Days in the previous window."""
        return (self.previous_end - self.previous_start).days + 1


def period_start(bucket: str, day: dt.date) -> dt.date:
    """The first day of the ``bucket`` (day, ISO week, month, quarter, year) holding ``day``."""
    if bucket == "day":
        return day
    if bucket == "week":
        return day - dt.timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    if bucket == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if bucket == "year":
        return dt.date(day.year, 1, 1)
    raise ValueError(f"unknown time bucket {bucket!r}; choose among {', '.join(BUCKETS)}")


def _shift(start: dt.date, bucket: str, periods: int) -> dt.date:
    """The start of the period ``periods`` buckets after the one starting on ``start``."""
    if bucket == "day":
        return start + dt.timedelta(days=periods)
    if bucket == "week":
        return start + dt.timedelta(weeks=periods)
    months = {"month": 1, "quarter": 3, "year": 12}[bucket] * periods
    index = start.year * 12 + start.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def like_for_like(bucket: str, as_of: dt.date) -> Windows:
    """The ``bucket`` period to date as of ``as_of`` and the same part of the previous one.

    The previous window starts on the previous period's first day and lasts as many days as
    the current window, so the two have equal length; only when the previous period is
    shorter than the days elapsed (the 31st of March against February) is the previous
    window the whole previous period.
    """
    start = period_start(bucket, as_of)
    following = _shift(start, bucket, 1)
    previous_start = _shift(start, bucket, -1)
    elapsed = (as_of - start).days
    previous_end = min(previous_start + dt.timedelta(days=elapsed), start - dt.timedelta(days=1))
    complete = as_of == following - dt.timedelta(days=1)
    if complete:
        previous_end = start - dt.timedelta(days=1)
    return Windows(start, as_of, previous_start, previous_end, complete)
