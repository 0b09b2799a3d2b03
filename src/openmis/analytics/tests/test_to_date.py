"""A "period to date" is compared with the same part of the previous period, not all of it."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from openmis.analytics.compile import relative_range, to_date_windows

UNITS = st.sampled_from(["day", "week", "month", "quarter", "year"])
DAYS = st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2199, 12, 31))


def test_month_to_date_is_compared_with_the_same_days_of_the_previous_month():
    # Given 7 December: 1-7 December against 1-7 November, not all of November
    assert to_date_windows("month", dt.date(2026, 12, 7)) == (
        (dt.date(2026, 12, 1), dt.date(2026, 12, 8)),
        (dt.date(2026, 11, 1), dt.date(2026, 11, 8)),
    )
    # Year to date on 7 December against 1 January - 7 December of last year (341 days each)
    assert to_date_windows("year", dt.date(2026, 12, 7)) == (
        (dt.date(2026, 1, 1), dt.date(2026, 12, 8)),
        (dt.date(2025, 1, 1), dt.date(2025, 12, 8)),
    )
    # On 30 March, February (28 days) is compared whole: the window stops at its end
    assert to_date_windows("month", dt.date(2026, 3, 30))[1] == (
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    )


@given(unit=UNITS, today=DAYS)
def test_both_windows_have_the_same_length_when_the_previous_period_is_long_enough(unit, today):
    (start, end), (previous_start, previous_end) = to_date_windows(unit, today)
    whole_previous = relative_range("previous", None, unit, today)
    # The current window is the period up to and including today
    assert (start, end) == (relative_range("this", None, unit, today)[0], today + dt.timedelta(1))
    # The previous one starts with the previous period and stays inside it
    assert previous_start == whole_previous[0]
    assert whole_previous[0] < previous_end <= whole_previous[1] == start
    # and it is as long as the current one, unless the previous period is shorter, then whole
    assert previous_end - previous_start == min(end - start, whole_previous[1] - whole_previous[0])


@given(unit=st.sampled_from(["day", "week"]), today=DAYS)
def test_days_and_weeks_always_compare_windows_of_equal_length(unit, today):
    (start, end), (previous_start, previous_end) = to_date_windows(unit, today)
    assert end - start == previous_end - previous_start
