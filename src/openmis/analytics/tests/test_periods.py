"""Like-for-like periods: a period to date against the same part of the previous period."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmis.analytics.periods import BUCKETS, like_for_like, period_start

pytestmark = pytest.mark.engine_neutral


@pytest.mark.parametrize(
    ("bucket", "as_of", "previous", "complete"),
    [
        # month to date: the 15th of November against the 1st-15th of October
        ("month", "2026-11-15", ("2026-10-01", "2026-10-15"), False),
        # quarter to date on the demo's last day: 61 days of Q4 against 61 days of Q3
        ("quarter", "2026-11-30", ("2026-07-01", "2026-08-30"), False),
        # a Wednesday against Monday-Wednesday of the week before
        ("week", "2026-12-09", ("2026-11-30", "2026-12-02"), False),
        # 60 days of a leap year against the first 60 days of the year before
        ("year", "2024-02-29", ("2023-01-01", "2023-03-01"), False),
        # the 30th of March: February has only 28 days, the whole of it is compared
        ("month", "2026-03-30", ("2026-02-01", "2026-02-28"), False),
        # a complete month against the complete month before
        ("month", "2026-03-31", ("2026-02-01", "2026-02-28"), True),
        ("day", "2026-01-01", ("2025-12-31", "2025-12-31"), True),
    ],
)
def test_like_for_like_windows(bucket, as_of, previous, complete):
    windows = like_for_like(bucket, dt.date.fromisoformat(as_of))
    assert (windows.previous_start.isoformat(), windows.previous_end.isoformat()) == previous
    assert windows.complete is complete
    assert windows.current_end.isoformat() == as_of


@given(
    bucket=st.sampled_from(BUCKETS),
    as_of=st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2199, 12, 31)),
)
def test_the_compared_windows_have_equal_length(bucket, as_of):
    windows = like_for_like(bucket, as_of)
    previous_period_days = (windows.current_start - windows.previous_start).days
    # the current window runs from its period's first day to the day given
    assert windows.current_start == period_start(bucket, as_of) <= as_of == windows.current_end
    # the previous window starts on the previous period's first day and stays in it
    assert windows.previous_start == period_start(bucket, windows.current_start - dt.timedelta(1))
    assert windows.previous_start <= windows.previous_end < windows.current_start
    if windows.complete:
        # whole periods: the previous one is compared whole
        assert windows.previous_days == previous_period_days
    else:
        # equal length, unless the previous period is shorter than the days elapsed
        assert windows.previous_days == min(windows.days, previous_period_days)
    if windows.days <= previous_period_days and not windows.complete:
        assert windows.previous_days == windows.days


def test_an_unknown_bucket_is_refused():
    with pytest.raises(ValueError, match="unknown time bucket"):
        period_start("fortnight", dt.date(2026, 1, 1))
