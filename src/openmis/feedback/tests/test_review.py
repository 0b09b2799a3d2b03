"""The post-implementation review as a pure computation (openmis.feedback.review): equal
windows, not before enough days and feedback, figures per week and per user."""

# ruff: noqa: RUF003  (the arithmetic is written with × and −)

import doctest
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openmis.feedback import review
from openmis.feedback.review import compare

pytestmark = pytest.mark.engine_neutral

GO_LIVE = date(2026, 10, 1)


def test_the_module_examples_hold():
    result = doctest.testmod(review)
    assert result.attempted > 0
    assert result.failed == 0


def test_hand_computed_full_windows():
    # Given a go-live on 1 October and a review made on 1 February (123 days later), so both
    # windows are the full 90 days: 3 Jul … 30 Sep and 1 Oct … 29 Dec
    rows = [
        (GO_LIVE - timedelta(91), 1, 50),  # 1 Jul: before the window, left out
        (GO_LIVE - timedelta(90), 2, 3),  # 3 Jul: the window's first day
        (GO_LIVE - timedelta(45), 2, Decimal("2.5")),
        (GO_LIVE - timedelta(20), 3, 0),
        (GO_LIVE - timedelta(1), None, 4),  # 30 Sep: the last day before
        (GO_LIVE, 4, 1),
        (GO_LIVE + timedelta(30), 5, 0),
        (GO_LIVE + timedelta(89), 4, Decimal("0.5")),  # 29 Dec: the window's last day
        (GO_LIVE + timedelta(90), 1, 40),  # 30 Dec: after the window, left out
    ]
    result = compare(rows, GO_LIVE, date(2027, 2, 1), users=25, min_feedback=3)
    assert result.ready and result.complete and result.days == 90
    before, after = result.before, result.after
    assert (before.start, before.end, after.start, after.end) == (
        date(2026, 7, 3),
        date(2026, 9, 30),
        date(2026, 10, 1),
        date(2026, 12, 29),
    )
    # before: 4 items, ratings 2, 2, 3 → 7/3; hours 3 + 2.5 + 0 + 4 = 9.5
    assert (before.count, before.ratings, before.hours) == (4, 3, Decimal("9.5"))
    assert before.average_rating == pytest.approx(7 / 3)
    # after: 3 items, ratings 4, 5, 4 → 13/3; hours 1 + 0 + 0.5 = 1.5
    assert (after.count, after.ratings, after.hours) == (3, 3, Decimal("1.5"))
    assert after.average_rating == pytest.approx(13 / 3)
    # per week: 4 × 7 / 90 = 28/90 and 3 × 7 / 90 = 21/90; change 21/28 − 1 = −25 %
    assert (before.per_week, after.per_week) == (pytest.approx(28 / 90), pytest.approx(21 / 90))
    assert result.per_week_change == pytest.approx(-0.25)
    # per user per week (25 users): 28/2250 and 21/2250; change −7/2250
    assert before.per_user_per_week == pytest.approx(28 / 2250)
    assert result.per_user_per_week_change == pytest.approx(-7 / 2250)
    # rating +2 (13/3 − 7/3), hours −8 (1.5 − 9.5); per user 9.5/25 = 0.38, 1.5/25 = 0.06
    assert result.rating_change == pytest.approx(2)
    assert result.hours_change == Decimal("-8")
    assert (before.hours_per_user, after.hours_per_user) == (Decimal("0.38"), Decimal("0.06"))


def test_without_a_number_of_users_there_are_no_per_user_figures():
    rows = [(GO_LIVE - timedelta(3), 2, 1), (GO_LIVE + timedelta(3), 4, 1)]
    result = compare(rows, GO_LIVE, GO_LIVE + timedelta(40), users=0, min_feedback=1)
    assert result.ready
    # 1 item in 40 days each side: 7/40 a week
    assert result.after.per_week == pytest.approx(7 / 40)
    assert result.after.per_user_per_week is None
    assert result.after.hours_per_user is None
    assert result.per_user_per_week_change is None


@pytest.mark.parametrize("passed", [0, 1, 29])
def test_not_enough_data_before_30_days_have_passed(passed):
    # Given plenty of feedback on both sides
    rows = [(GO_LIVE + timedelta(d), 3, 1) for d in range(-60, passed)]
    # When the review is made on the go-live day, the day after, or 29 days after
    result = compare(rows, GO_LIVE, GO_LIVE + timedelta(passed))
    # Then it shows no figure and says it will be ready 30 days after the go-live
    assert (result.ready, result.reason) == (False, review.TOO_EARLY)
    assert result.ready_on == date(2026, 10, 31)
    assert (result.before, result.after, result.rating_change, result.per_week_change) == (
        None,
        None,
        None,
        None,
    )


def test_after_30_days_it_compares_the_same_number_of_days_on_both_sides():
    rows = [(GO_LIVE + timedelta(d), 3, 1) for d in range(-90, 90)]  # one item a day
    result = compare(rows, GO_LIVE, GO_LIVE + timedelta(30))
    assert result.ready and not result.complete
    # 30 whole days after (1 … 30 Oct) and the 30 days before (1 … 30 Sep): 30 items each
    assert (result.before.start, result.after.end) == (date(2026, 9, 1), date(2026, 10, 30))
    assert (result.before.count, result.after.count) == (30, 30)
    assert result.per_week_change == 0
    assert result.complete_on == date(2026, 12, 30)


def test_too_little_feedback_on_one_side_is_not_enough_data():
    # 4 items before, 6 after: the review needs 5 on each side
    rows = [(GO_LIVE - timedelta(d), 2, 0) for d in (1, 2, 3, 4)]
    rows += [(GO_LIVE + timedelta(d), 4, 0) for d in range(6)]
    result = compare(rows, GO_LIVE, GO_LIVE + timedelta(35))
    assert (result.ready, result.reason) == (False, review.TOO_LITTLE_FEEDBACK)
    assert (result.before.count, result.after.count, result.min_feedback) == (4, 6, 5)
    assert result.rating_change is None and result.ready_on is None
    # one more item before makes it enough
    result = compare([*rows, (GO_LIVE - timedelta(30), 2, 0)], GO_LIVE, GO_LIVE + timedelta(35))
    assert result.ready and result.rating_change == pytest.approx(2)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        compare([], GO_LIVE, GO_LIVE, window_days=0)


# --- properties -------------------------------------------------------------------------------

# Pure and quick, but the machine is shared: no per-example deadline, so no flaky failures.
PROFILE = settings(deadline=None, max_examples=200)

offsets = st.integers(min_value=-200, max_value=200)
rows_strategy = st.lists(
    st.tuples(
        offsets,
        st.one_of(st.none(), st.integers(min_value=1, max_value=5)),
        st.integers(min_value=0, max_value=40),
    ),
    max_size=60,
)


def _rows(raw, go_live):
    return [(go_live + timedelta(days=d), rating, hours) for d, rating, hours in raw]


@PROFILE
@given(
    raw=rows_strategy,
    passed=st.integers(min_value=0, max_value=400),
    window=st.integers(min_value=1, max_value=200),
    min_days=st.integers(min_value=1, max_value=60),
    min_feedback=st.integers(min_value=0, max_value=5),
)
def test_windows_are_always_of_equal_length_and_meet_at_the_go_live(
    raw, passed, window, min_days, min_feedback
):
    today = GO_LIVE + timedelta(days=passed)
    result = compare(
        _rows(raw, GO_LIVE),
        GO_LIVE,
        today,
        window_days=window,
        min_days=min_days,
        min_feedback=min_feedback,
    )
    if passed < min(min_days, window):
        assert not result.ready and result.before is None
        assert result.ready_on == GO_LIVE + timedelta(days=min(min_days, window))
        return
    before, after = result.before, result.after
    assert before.days == after.days == result.days == min(passed, window)
    assert before.end + timedelta(days=1) == GO_LIVE == after.start
    assert after.end < today  # today is not over
    inside = [d for d, _r, _h in raw if -result.days <= d < result.days]
    assert before.count + after.count == len(inside)
    assert result.ready == (before.count >= min_feedback and after.count >= min_feedback)


@PROFILE
@given(
    raw=rows_strategy,
    passed=st.integers(min_value=0, max_value=200),
    shift=st.integers(min_value=-5000, max_value=5000),
    users=st.integers(min_value=0, max_value=500),
)
def test_shifting_every_date_by_a_constant_changes_no_figure(raw, passed, shift, users):
    def figures(delta):
        go_live = GO_LIVE + timedelta(days=delta)
        result = compare(
            _rows(raw, go_live),
            go_live,
            go_live + timedelta(days=passed),
            users=users,
            min_feedback=2,
        )
        windows = [
            (w.days, w.count, w.ratings, w.average_rating, w.hours, w.per_user_per_week)
            for w in (result.before, result.after)
            if w is not None
        ]
        starts = [w.start - go_live for w in (result.before, result.after) if w is not None]
        ready_on = result.ready_on - go_live if result.ready_on else None
        return (result.ready, result.reason, result.days, ready_on, windows, starts)

    assert figures(shift) == figures(0)


@PROFILE
@given(
    raw=st.lists(
        st.tuples(
            st.integers(min_value=-30, max_value=29),
            st.one_of(st.none(), st.integers(min_value=1, max_value=5)),
            st.integers(min_value=0, max_value=40),
        ),
        max_size=40,
    ),
    factor=st.integers(min_value=2, max_value=6),
)
def test_per_week_figures_scale_with_the_window_length(raw, factor):
    # The same feedback, all within 30 days of the go-live, compared over 30-day windows and
    # over windows ``factor`` times as long: as many items, spread over ``factor`` × the weeks.
    rows = _rows(raw, GO_LIVE)
    today = GO_LIVE + timedelta(days=400)
    short = compare(rows, GO_LIVE, today, users=10, window_days=30, min_feedback=0)
    long = compare(rows, GO_LIVE, today, users=10, window_days=30 * factor, min_feedback=0)
    for a, b in ((short.before, long.before), (short.after, long.after)):
        assert a.count == b.count
        assert a.per_week == pytest.approx(a.count * 7 / 30)
        assert b.per_week == pytest.approx(a.per_week / factor)
        assert b.per_user_per_week == pytest.approx(a.per_user_per_week / factor)
        assert (a.hours, a.average_rating) == (b.hours, b.average_rating)
