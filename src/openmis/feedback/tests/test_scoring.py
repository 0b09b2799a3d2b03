"""The priority formula: hand-computed cases and its properties (no database)."""

# ruff: noqa: RUF001, RUF003  (the priority formula is written with × and ÷)

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmis.feedback.scoring import IMPACT_SCALE, explain, priority_score

# Runs alike on every database engine: the PostgreSQL pass leaves it out.
pytestmark = pytest.mark.engine_neutral

reach = st.integers(min_value=0, max_value=1_000_000)
impact = st.sampled_from(sorted(IMPACT_SCALE))
confidence = st.integers(min_value=0, max_value=100)
effort = st.decimals(min_value="0.1", max_value="10000", places=1).map(float)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((200, 2, 80, 4), 80.0),  # 200 × 2 × 0.8 ÷ 4
        ((10, 0.5, 50, 3), 0.83),  # 10 × 0.5 × 0.5 ÷ 3 = 0.8333…
        ((1500, 3, 100, 0.5), 9000.0),  # 1500 × 3 × 1 ÷ 0.5
        ((40, 0.25, 80, 8), 1.0),  # 40 × 0.25 × 0.8 ÷ 8
        ((0, 3, 100, 1), 0.0),
    ],
)
def test_hand_computed_scores(args, expected):
    assert priority_score(*args) == expected


def test_the_formula_is_written_out_with_its_figures():
    assert explain(200, 2, 80, 4) == "200 × 2 × 80 % ÷ 4 = 80"
    assert explain(10, 0.5, 50, 3) == "10 × 0.5 × 50 % ÷ 3 = 0.83"


@pytest.mark.parametrize("bad_effort", [0, 0.0, -1, -0.5])
def test_zero_or_negative_effort_is_refused(bad_effort):
    with pytest.raises(ValueError, match="effort must be more than zero"):
        priority_score(100, 1, 80, bad_effort)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1, 1, 80, 1), "reach cannot be negative"),
        ((1, -1, 80, 1), "impact cannot be negative"),
        ((1, 1, -5, 1), "confidence cannot be negative"),
        ((1, 1, 101, 1), "confidence cannot be above 100"),
        ((math.nan, 1, 80, 1), "reach must be a finite number"),
        ((1, 1, 80, math.inf), "effort must be a finite number"),
    ],
)
def test_other_bad_inputs_are_refused(args, message):
    with pytest.raises(ValueError, match=message):
        priority_score(*args)


@given(st.integers(min_value=0, max_value=1_000_000), reach, impact, confidence, effort)
def test_more_reach_never_lowers_the_score(extra, r, i, c, e):
    assert priority_score(r + extra, i, c, e) >= priority_score(r, i, c, e)


@given(reach, st.sampled_from(sorted(IMPACT_SCALE)), impact, confidence, effort)
def test_more_impact_never_lowers_the_score(r, i1, i2, c, e):
    low, high = sorted((i1, i2))
    assert priority_score(r, high, c, e) >= priority_score(r, low, c, e)


@given(reach, impact, confidence, confidence, effort)
def test_more_confidence_never_lowers_the_score(r, i, c1, c2, e):
    low, high = sorted((c1, c2))
    assert priority_score(r, i, high, e) >= priority_score(r, i, low, e)


@given(reach, impact, confidence, effort, effort)
def test_more_effort_never_raises_the_score(r, i, c, e1, e2):
    low, high = sorted((e1, e2))
    assert priority_score(r, i, c, high) <= priority_score(r, i, c, low)


@given(reach, impact, confidence, effort)
def test_the_score_is_the_rounded_product(r, i, c, e):
    score = priority_score(r, i, c, e)
    assert score >= 0
    assert score == round(r * i * (c / 100) / e, 2)


@given(reach, impact, confidence, st.floats(max_value=0, allow_nan=False))
def test_any_non_positive_effort_is_refused(r, i, c, e):
    with pytest.raises(ValueError):
        priority_score(r, i, c, e)
