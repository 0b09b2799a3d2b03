"""Working days (openmis.core.workdays): weekends and a country's public holidays are days
off; adding, counting and the "overdue on or before" day agree with the day-by-day
definition, for Poland and for weekends only."""

import functools
from datetime import date, timedelta

import holidays
import pytest
from django.core import checks
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from openmis.core import workdays
from openmis.core.apps import check_holiday_country

DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))
COUNTRIES = st.sampled_from(["", "PL", "DE"])


@functools.cache
def _days_off(country, year):
    """The public holidays of ``country`` in ``year``, straight from the ``holidays`` package."""
    return frozenset(holidays.country_holidays(country, years=year)) if country else frozenset()


def _working(day, country):
    """The definition: Monday to Friday, not a public holiday of ``country``."""
    return day.weekday() < 5 and day not in _days_off(country, day.year)


def _count(start, end, country):
    """Working days after ``start`` up to ``end``, day by day."""
    return sum(
        1 for n in range(1, (end - start).days + 1) if _working(start + timedelta(n), country)
    )


@hypothesis_settings(deadline=None)
@given(DATES, st.integers(min_value=0, max_value=400), COUNTRIES)
def test_working_days_between_counts_the_working_days(start, span, country):
    end = start + timedelta(days=span)
    assert workdays.working_days_between(start, end, country) == _count(start, end, country)


@hypothesis_settings(deadline=None)
@given(DATES, st.integers(min_value=1, max_value=300), COUNTRIES)
def test_adding_working_days_never_lands_on_a_day_off(start, days, country):
    day = workdays.add_working_days(start, days, country)
    assert day.weekday() < 5
    assert not workdays.is_holiday(day, country)
    assert _working(day, country)
    assert _count(start, day, country) == days
    assert _count(start, day - timedelta(days=1), country) == days - 1


@hypothesis_settings(deadline=None)
@given(DATES, st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=200))
def test_adding_working_days_is_monotonic(start, days, more):
    first = workdays.add_working_days(start, days, "PL")
    later = workdays.add_working_days(start, days + more, "PL")
    assert first <= later
    assert (first < later) == (more > 0)
    assert workdays.add_working_days(start + timedelta(days=1), days, "PL") >= first


@hypothesis_settings(deadline=None)
@given(DATES, st.integers(min_value=0, max_value=30), COUNTRIES)
def test_the_overdue_day_splits_items_past_their_deadline(today, days, country):
    last = workdays.overdue_on_or_before(today, days, country)
    assert _count(last, today, country) > days
    assert _count(last + timedelta(days=1), today, country) <= days


def test_11_november_is_a_day_off_in_poland():
    # Tuesday 10 November 2026 + 1 working day: Wednesday the 11th is Independence Day.
    assert workdays.add_working_days(date(2026, 11, 10), 1, "PL") == date(2026, 11, 12)
    assert workdays.add_working_days(date(2026, 11, 10), 1, "") == date(2026, 11, 11)
    assert workdays.working_days_between(date(2026, 11, 9), date(2026, 11, 13), "PL") == 3


def test_easter_monday_and_christmas_are_days_off_in_poland():
    # Good Friday is a working day in Poland; Easter Monday 6 April 2026 is not.
    assert workdays.add_working_days(date(2026, 4, 2), 2, "PL") == date(2026, 4, 7)
    # Wednesday 23 December 2026 + 1: 24, 25 December (Thu, Fri) off, then the weekend.
    assert workdays.add_working_days(date(2026, 12, 23), 1, "PL") == date(2026, 12, 28)
    assert workdays.add_working_days(date(2026, 12, 23), 1, "") == date(2026, 12, 24)


def test_weekends_are_skipped_whatever_the_country():
    friday = date(2026, 12, 4)
    assert workdays.add_working_days(friday, 5, "PL") == date(2026, 12, 11)
    assert workdays.add_working_days(date(2026, 12, 5), 1, "PL") == date(2026, 12, 7)
    assert workdays.add_working_days(friday, 0, "PL") == friday


def test_the_overdue_day_skips_a_holiday():
    # By Friday 13 November 2026, more than 3 working days (9, 10, 12, 13: the 11th is off)
    # have begun after items of Sunday the 8th, not yet after Monday the 9th's.
    assert workdays.overdue_on_or_before(date(2026, 11, 13), 3, "PL") == date(2026, 11, 8)
    assert workdays.overdue_on_or_before(date(2026, 11, 13), 3, "") == date(2026, 11, 9)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        workdays.add_working_days(date(2026, 1, 1), -1, "PL")


@pytest.mark.parametrize(
    ("country", "errors"), [("PL", []), ("", []), ("de", []), ("XX", ["openmis.E101"])]
)
def test_the_holiday_country_setting_is_checked(settings, country, errors):
    settings.OPENMIS_HOLIDAY_COUNTRY = country
    found = check_holiday_country()
    assert [e.id for e in found] == errors
    assert all(isinstance(e, checks.Error) for e in found)
