"""Recurrence rules without a database: DST changes, the 31st, the fifth weekday, skipped
dates, other time zones and contradictory rules. Expected dates are worked out by hand from
the 2026 calendar (1 January 2026 is a Thursday; summer time in Europe/Warsaw runs from
Sunday 29 March to Sunday 25 October, in America/New_York from 8 March)."""

from datetime import UTC, date, datetime

import pytest

from openmis.meetings.recurrence import (
    Rule,
    RuleError,
    all_starts,
    check,
    first_start,
    starts_between,
)

# Runs alike on every database engine: the PostgreSQL pass leaves it out.
pytestmark = pytest.mark.engine_neutral


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local_dates(rule: Rule) -> list[date]:
    from zoneinfo import ZoneInfo

    return [s.astimezone(ZoneInfo(rule.tz)).date() for s in all_starts(rule)]


def test_weekly_meeting_keeps_its_local_time_when_summer_time_starts():
    # given a Monday 10:00 meeting in Warsaw around the last Sunday of March (29 March 2026)
    rule = Rule(start=datetime(2026, 3, 16, 10, 0), tz="Europe/Warsaw", count=3)
    # when its occurrences are computed
    starts = all_starts(rule)
    # then 10:00 CET is 09:00 UTC before the change and 10:00 CEST is 08:00 UTC after it
    assert starts == [utc(2026, 3, 16, 9, 0), utc(2026, 3, 23, 9, 0), utc(2026, 3, 30, 8, 0)]


def test_weekly_meeting_keeps_its_local_time_when_summer_time_ends():
    # given the same meeting around the last Sunday of October (25 October 2026)
    rule = Rule(start=datetime(2026, 10, 19, 10, 0), tz="Europe/Warsaw", count=2)
    # then it moves from 08:00 UTC back to 09:00 UTC
    assert all_starts(rule) == [utc(2026, 10, 19, 8, 0), utc(2026, 10, 26, 9, 0)]


def test_a_meeting_in_new_york_follows_the_american_change_date():
    # given a Monday 09:00 meeting in New York; the US changes on 8 March, Europe on 29 March
    rule = Rule(start=datetime(2026, 3, 2, 9, 0), tz="America/New_York", count=2)
    # then 09:00 EST is 14:00 UTC and 09:00 EDT is 13:00 UTC
    assert all_starts(rule) == [utc(2026, 3, 2, 14, 0), utc(2026, 3, 9, 13, 0)]


def test_a_local_time_that_does_not_exist_is_read_before_the_change():
    # given a Sunday 02:30 meeting on the night the clocks go from 02:00 to 03:00
    rule = Rule(start=datetime(2026, 3, 29, 2, 30), tz="Europe/Warsaw", count=1)
    # then it is 02:30 at the winter offset, i.e. 01:30 UTC (03:30 summer time)
    assert all_starts(rule) == [utc(2026, 3, 29, 1, 30)]


def test_every_other_week_on_two_weekdays():
    rule = Rule(
        start=datetime(2026, 1, 5, 9, 0),
        tz="Europe/Warsaw",
        interval=2,
        weekdays=("MO", "TH"),
        count=5,
    )
    assert local_dates(rule) == [
        date(2026, 1, 5),
        date(2026, 1, 8),
        date(2026, 1, 19),
        date(2026, 1, 22),
        date(2026, 2, 2),
    ]


def test_the_31st_skips_months_without_it():
    # given "monthly on day 31" for 2026
    rule = Rule(
        start=datetime(2026, 1, 1, 9, 0),
        frequency="monthly",
        month_day=31,
        until=date(2026, 12, 31),
    )
    # then only the seven months with 31 days have a meeting (RFC 5545 behaviour)
    assert local_dates(rule) == [
        date(2026, 1, 31),
        date(2026, 3, 31),
        date(2026, 5, 31),
        date(2026, 7, 31),
        date(2026, 8, 31),
        date(2026, 10, 31),
        date(2026, 12, 31),
    ]


def test_a_start_on_the_31st_without_a_day_follows_the_same_rule():
    rule = Rule(start=datetime(2026, 1, 31, 9, 0), frequency="monthly", count=3)
    assert local_dates(rule) == [date(2026, 1, 31), date(2026, 3, 31), date(2026, 5, 31)]


def test_the_last_day_of_the_month_exists_every_month():
    rule = Rule(start=datetime(2026, 1, 1, 9, 0), frequency="monthly", month_day=-1, count=4)
    assert local_dates(rule) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]


def test_the_fifth_thursday_only_exists_in_some_months():
    # given "the fifth Thursday" for 2026
    rule = Rule(
        start=datetime(2026, 1, 1, 9, 0),
        frequency="monthly",
        weekdays=("TH",),
        week_of_month=5,
        until=date(2026, 12, 31),
    )
    # then the months with five Thursdays: January, April, July, October, December
    assert local_dates(rule) == [
        date(2026, 1, 29),
        date(2026, 4, 30),
        date(2026, 7, 30),
        date(2026, 10, 29),
        date(2026, 12, 31),
    ]


def test_the_second_wednesday_and_the_last_friday():
    second_wednesday = Rule(
        start=datetime(2026, 1, 1, 14, 0),
        frequency="monthly",
        weekdays=("WE",),
        week_of_month=2,
        count=3,
    )
    assert local_dates(second_wednesday) == [
        date(2026, 1, 14),
        date(2026, 2, 11),
        date(2026, 3, 11),
    ]
    last_friday = Rule(
        start=datetime(2026, 1, 1, 14, 0),
        frequency="monthly",
        weekdays=("FR",),
        week_of_month=-1,
        count=3,
    )
    assert local_dates(last_friday) == [date(2026, 1, 30), date(2026, 2, 27), date(2026, 3, 27)]


def test_the_week_of_the_month_without_a_weekday_uses_the_start_date_s_day():
    # 6 January 2026 is a Tuesday: "every month on the first Tuesday"
    rule = Rule(start=datetime(2026, 1, 6, 9, 0), frequency="monthly", week_of_month=1, count=2)
    assert local_dates(rule) == [date(2026, 1, 6), date(2026, 2, 3)]


def test_skipped_dates_have_no_meeting_but_count_towards_count():
    rule = Rule(
        start=datetime(2026, 1, 5, 9, 0),
        count=4,
        skipped=frozenset({date(2026, 1, 12)}),
    )
    assert local_dates(rule) == [date(2026, 1, 5), date(2026, 1, 19), date(2026, 1, 26)]


def test_starts_between_cuts_the_window_in_utc():
    rule = Rule(start=datetime(2026, 1, 5, 10, 0), tz="Europe/Warsaw")
    starts = starts_between(rule, utc(2026, 1, 12, 9, 0), utc(2026, 1, 26, 9, 0))
    assert starts == [utc(2026, 1, 12, 9, 0), utc(2026, 1, 19, 9, 0)]


def test_a_rule_that_produces_nothing_has_no_first_start():
    # the only meeting is skipped
    only_one = Rule(
        start=datetime(2026, 1, 5, 9, 0), count=1, skipped=frozenset({date(2026, 1, 5)})
    )
    assert first_start(only_one) is None
    # no fifth Monday between 1 and 28 February 2026
    no_fifth_monday = Rule(
        start=datetime(2026, 2, 1, 9, 0),
        frequency="monthly",
        weekdays=("MO",),
        week_of_month=5,
        until=date(2026, 2, 28),
    )
    assert first_start(no_fifth_monday) is None
    # the 31st within April
    no_31st = Rule(
        start=datetime(2026, 4, 1, 9, 0),
        frequency="monthly",
        month_day=31,
        until=date(2026, 4, 30),
    )
    assert first_start(no_31st) is None


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"until": date(2026, 2, 1), "count": 3}, "count", "until_and_count"),
        ({"until": date(2025, 12, 31)}, "until", "until_before_start"),
        ({"month_day": 15}, "month_day", "monthly_only"),
        ({"week_of_month": 2}, "week_of_month", "monthly_only"),
        (
            {"frequency": "monthly", "month_day": 3, "week_of_month": 1},
            "month_day",
            "week_and_day",
        ),
        ({"frequency": "monthly", "weekdays": ("MO",)}, "week_of_month", "weekdays_need_week"),
        ({"tz": "Mars/Olympus"}, "timezone", "unknown_time_zone"),
        ({"interval": 0}, "interval", "interval_too_small"),
    ],
)
def test_contradictory_rules_name_the_field_to_correct(changes, field, code):
    rule = Rule(start=datetime(2026, 1, 5, 9, 0), **changes)
    with pytest.raises(RuleError) as error:
        check(rule)
    assert (error.value.field, error.value.code) == (field, code)
