"""Working days: Monday to Friday, less the public holidays of a country.

Pure: no database and no settings (the callers pass the country, e.g.
``settings.OPENMIS_HOLIDAY_COUNTRY``; empty counts weekends only). The holidays come from the
``holidays`` package (python-holidays: Poland's 11 November, Easter Monday, Corpus Christi...
and those of some 200 other countries), computed for any year asked.

Every count of working days in OpenMIS goes through here: the feedback service level (the
cockpit's tile and the lists' "older than N working days" filter) and whatever comes later.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import holidays


@functools.cache
def _calendar(country: str):
    """The public holidays of ``country`` (an ISO 3166 code), expanded to a year when a day of
    it is first asked. Raises ``NotImplementedError`` for a code the package does not know."""
    return holidays.country_holidays(country.upper())


def known_country(country: str) -> bool:
    """Whether the ``holidays`` package has the public holidays of ``country``."""
    return country.upper() in holidays.list_supported_countries()


def is_holiday(day: date, country: str | None) -> bool:
    """Whether ``day`` is a public holiday in ``country`` (never, for an empty country)."""
    return bool(country) and day in _calendar(country)


def is_working_day(day: date, country: str | None = None) -> bool:
    """Monday to Friday, and not a public holiday of ``country``."""
    return day.weekday() < 5 and not is_holiday(day, country)


def add_working_days(start: date, days: int, country: str | None = None) -> date:
    """The first day by which ``days`` working days have passed after ``start`` (``start``
    itself for 0): a Friday's item plus one working day is the Monday, and so is a Saturday's;
    in Poland 10 November 2026 plus one is the 12th (the 11th is a holiday)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day, left = start, days
    while left:
        day += timedelta(days=1)
        if is_working_day(day, country):
            left -= 1
    return day


def working_days_between(start: date, end: date, country: str | None = None) -> int:
    """How many working days lie after ``start`` up to and including ``end`` (0 if
    ``end`` ≤ ``start``)."""
    if end <= start:
        return 0
    total = (end - start).days
    weeks, rest = divmod(total, 7)
    count = weeks * 5  # any seven days in a row hold five weekdays
    day = start + timedelta(weeks=weeks)
    for _step in range(rest):
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    if country:
        calendar = _calendar(country)
        for year in range(start.year, end.year + 1):
            calendar.get(date(year, 1, 1))  # fills in the year
        count -= sum(1 for holiday in calendar if start < holiday <= end and holiday.weekday() < 5)
    return count


def overdue_on_or_before(today: date, days: int, country: str | None = None) -> date:
    """The latest day on which an item must have been given to be past its ``days`` working
    days by ``today`` (more than ``days`` working days after it have begun): lists filtered
    by age and service-level tiles ask for items dated on or before it."""
    if days < 0:
        raise ValueError("days must not be negative")
    day, counted = today, 0
    while True:
        counted += is_working_day(day, country)
        day -= timedelta(days=1)
        if counted > days:
            return day
