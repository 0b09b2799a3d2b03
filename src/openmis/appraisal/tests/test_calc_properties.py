"""Properties of the appraisal calculations over generated inputs (hypothesis)."""

import dataclasses
import itertools
import math

import numpy_financial as npf
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from openmis.appraisal import calc

# Runs alike on every database engine: the PostgreSQL pass leaves it out.
pytestmark = pytest.mark.engine_neutral

# A generated case builds numpy arrays and runs numpy's root finder: no per-example deadline.
PROFILE = settings(deadline=None, max_examples=150)

rates = st.floats(min_value=-0.5, max_value=1.0, allow_nan=False)
amounts = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
flows = st.lists(amounts, min_size=2, max_size=41)


def _reference_npv(rate, values):
    """An independent NPV: each term by hand, summed exactly."""
    return math.fsum(v / (1 + rate) ** t for t, v in enumerate(values))


def _residual_ok(rate, values, tolerance=1e-6):
    """NPV at ``rate`` is ~0 relative to the size of its terms."""
    terms = [v / (1 + rate) ** t for t, v in enumerate(values)]
    return abs(math.fsum(terms)) <= tolerance * max(math.fsum(abs(x) for x in terms), 1e-300)


# --------------------------------------------------------------------------- NPV


@PROFILE
@given(rate=rates, values=flows)
def test_npv_agrees_with_numpy_financial_and_a_hand_sum(rate, values):
    # Given any rate above -50 % and any flows
    # When the NPV is computed
    value = calc.npv(rate, values)
    # Then it is numpy-financial's (which leaves year 0 undiscounted too) and the hand sum
    scale = math.fsum(abs(v) / (1 + rate) ** t for t, v in enumerate(values)) + 1.0
    assert value == pytest.approx(float(npf.npv(rate, values)), abs=1e-12 * scale)
    assert value == pytest.approx(_reference_npv(rate, values), abs=1e-12 * scale)


@PROFILE
@given(rate=rates, first=amounts, horizon=st.integers(1, 100))
def test_year_zero_is_not_discounted(rate, first, horizon):
    # Given an amount in year 0 and nothing after it
    # Then its NPV is the amount, at any rate
    assert calc.npv(rate, [first] + [0.0] * horizon) == first


# --------------------------------------------------------------------------- IRR

positive = st.floats(min_value=1.0, max_value=1e6, allow_nan=False)


@st.composite
def conventional_flows(draw):
    """Outflows then inflows: exactly one sign change, so exactly one IRR."""
    costs = draw(st.lists(positive, min_size=1, max_size=5))
    gains = draw(st.lists(positive, min_size=1, max_size=25))
    return [-c for c in costs] + gains


@PROFILE
@given(values=conventional_flows())
def test_irr_of_conventional_flows_is_a_root_and_numpy_financials(values):
    # Given flows with exactly one sign change
    result = calc.irr(values)
    # Then the IRR exists, has no warning, makes the NPV zero and is numpy-financial's
    assert result.value is not None
    assert result.warning is None
    assert _residual_ok(result.value, values)
    assert result.value == pytest.approx(float(npf.irr(values)), rel=1e-9, abs=1e-12)


@PROFILE
@given(values=st.lists(positive, min_size=2, max_size=30), sign=st.sampled_from([1, -1]))
def test_irr_of_flows_that_never_change_sign_is_none(values, sign):
    # Given flows that are all inflows or all outflows
    result = calc.irr([sign * v for v in values])
    # Then no IRR exists, and the warning says the sign never changes
    assert result.value is None
    assert "never change sign" in result.warning


@st.composite
def flows_with_several_sign_changes(draw):
    magnitudes = draw(st.lists(positive, min_size=3, max_size=20))
    signs = draw(
        st.lists(st.sampled_from([1, -1]), min_size=len(magnitudes), max_size=len(magnitudes))
    )
    values = [s * m for s, m in zip(signs, magnitudes, strict=True)]
    changes = sum(1 for a, b in itertools.pairwise(values) if (a < 0) != (b < 0))
    assume(changes >= 2)
    return values


@PROFILE
@given(values=flows_with_several_sign_changes())
def test_irr_warns_when_flows_change_sign_several_times(values):
    # Given flows that change sign twice or more
    result = calc.irr(values)
    # Then there is always a warning, and any IRR returned is a root of the NPV
    assert result.warning is not None
    if result.value is not None:
        assert math.isfinite(result.value) and result.value > -1
        assert _residual_ok(result.value, values, tolerance=1e-5)


# --------------------------------------------------------------------------- other metrics


@PROFILE
@given(values=conventional_flows(), rate=st.floats(min_value=0.0, max_value=0.5))
def test_discounting_never_shortens_the_payback(values, rate):
    # Given conventional flows and a non-negative rate
    plain = calc.payback_years(values)
    discounted = calc.discounted_payback_years(rate, values)
    # Then the discounted payback, if any, is no shorter than the plain one
    if discounted is not None:
        assert plain is not None
        assert discounted >= plain - 1e-9
    # and each lies within the horizon
    for years in (plain, discounted):
        assert years is None or 0 <= years <= len(values) - 1


@PROFILE
@given(rate=st.floats(min_value=-0.5, max_value=0.5), values=flows, years=st.integers(1, 100))
def test_equivalent_annual_cost_is_an_annuity_of_the_npv(rate, values, years):
    # Given the EAC of some flows spread over ``years``
    eac = calc.equivalent_annual_cost(rate, values, years)
    # Then paying it at the end of each of those years costs the same as the flows
    annuity = _reference_npv(rate, [0.0] + [-eac] * years)
    assert annuity == pytest.approx(calc.npv(rate, values), rel=1e-9, abs=1e-6)


@PROFILE
@given(rate=rates, values=flows)
def test_cost_and_benefit_measures_are_consistent(rate, values):
    # Then discounted TCO and BCR agree with the NPV: PV(in) - PV(out) = NPV
    costs = calc.discounted_tco(rate, values)
    ratio = calc.benefit_cost_ratio(rate, values)
    assert costs >= 0
    assert calc.tco(values) >= 0
    if ratio is not None:
        benefits = ratio * costs
        assert benefits - costs == pytest.approx(calc.npv(rate, values), rel=1e-9, abs=1e-6)


# --------------------------------------------------------------------------- Monte Carlo


@st.composite
def flow_specs(draw, zero_width=False):
    count = draw(st.integers(1, 8))
    spec = [(0, -draw(positive))]
    for _ in range(count):
        year = draw(st.integers(1, 30))
        low = draw(st.floats(-1e5, 1e5))
        if zero_width:
            spec.append((year, low, (low, low, low)))
            continue
        high = low + draw(st.floats(0.0, 1e5))
        mode = draw(st.floats(low, high))
        spec.append((year, mode, (low, mode, high)))
    return spec


@PROFILE
@given(
    spec=flow_specs(),
    rate=st.floats(-0.2, 0.3),
    seed=st.integers(0, 2**32),
    distribution=st.sampled_from(["pert", "triangular"]),
)
def test_simulation_summary_is_ordered_and_reproducible(spec, rate, seed, distribution):
    # Given any flow spec simulated with a seed
    result = calc.simulate(spec, rate, draws=500, seed=seed, distribution=distribution)
    # Then the probability is a probability and the percentiles are ordered
    assert 0.0 <= result.prob_npv_positive <= 1.0
    assert result.minimum <= result.p10 <= result.p50 <= result.p90 <= result.maximum
    assert result.minimum <= result.mean <= result.maximum
    assert sum(result.histogram.counts) == 500
    assert len(result.histogram.edges) == len(result.histogram.counts) + 1
    # and the same seed gives the identical result
    again = calc.simulate(spec, rate, draws=500, seed=seed, distribution=distribution)
    assert dataclasses.asdict(again) == dataclasses.asdict(result)


@PROFILE
@given(spec=flow_specs(zero_width=True), rate=st.floats(-0.2, 0.3), seed=st.integers(0, 2**32))
def test_zero_width_ranges_are_exactly_deterministic(spec, rate, seed):
    # Given flows whose ranges all have zero width
    result = calc.simulate(spec, rate, draws=300, seed=seed)
    # Then every draw is the deterministic NPV, bit for bit
    expected = calc.spec_npv(spec, rate)
    assert result.minimum == result.maximum == result.deterministic_npv == expected


@PROFILE
@given(spec=flow_specs(), rate=st.floats(-0.2, 0.3), data=st.data())
def test_break_even_zeroes_the_npv(spec, rate, data):
    # Given any flow of a spec
    index = data.draw(st.integers(0, len(spec) - 1))
    value = calc.break_even(spec, rate, index)
    # Then setting it to its break-even amount brings the NPV to zero
    assert value is not None
    changed = list(spec)
    changed[index] = (spec[index][0], value)
    scale = sum(abs(f[1]) for f in changed) + 1.0
    assert calc.spec_npv(changed, rate) == pytest.approx(0.0, abs=1e-9 * scale)


# --------------------------------------------------------------------------- AHP and MCDA

weights_strategy = st.lists(st.floats(0.01, 100.0), min_size=1, max_size=15)


@PROFILE
@given(raw=weights_strategy)
def test_ahp_recovers_the_weights_of_consistent_judgements(raw):
    # Given judgements a[i][j] = w[i] / w[j] (perfectly consistent)
    w = calc.normalise_weights(raw)
    matrix = [[wi / wj for wj in w] for wi in w]
    result = calc.ahp(matrix)
    # Then the weights come back, lambda_max is n and the CR is 0
    assert result.weights == pytest.approx(w, rel=1e-9, abs=1e-12)
    assert result.lambda_max == pytest.approx(len(w), rel=1e-9)
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-9)
    assert result.warning is None


@PROFILE
@given(first=weights_strategy, data=st.data())
def test_aggregated_judgements_are_reciprocal(first, data):
    # Given several people's consistent judgements of the same items
    n = len(first)
    others = st.lists(st.floats(0.01, 100.0), min_size=n, max_size=n)
    people = [first, *data.draw(st.lists(others, min_size=1, max_size=4))]
    matrices = [[[wi / wj for wj in w] for wi in w] for w in people]
    result = calc.aggregate_judgements(matrices)
    # Then the aggregate is reciprocal with a unit diagonal, and accepted by ahp
    for i in range(n):
        assert result[i][i] == 1.0
        for j in range(n):
            assert result[i][j] * result[j][i] == pytest.approx(1.0, rel=1e-12)
    assert len(calc.ahp(result).weights) == n


scores_strategy = st.integers(1, 6).flatmap(
    lambda n: st.lists(
        st.lists(st.floats(0.1, 1000.0), min_size=n, max_size=n), min_size=1, max_size=8
    )
)


@PROFILE
@given(scores=scores_strategy, data=st.data())
def test_mcda_scores_are_bounded_and_rankings_are_permutations(scores, data):
    n = len(scores[0])
    weights = calc.normalise_weights(
        data.draw(st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n))
    )
    types = data.draw(st.lists(st.sampled_from(["benefit", "cost"]), min_size=n, max_size=n))
    for result in (
        calc.weighted_sum(scores, weights, types),
        calc.weighted_sum(scores, weights, types, normalisation="max"),
        calc.topsis(scores, weights, types),
    ):
        # Then every score is in [0, 1] and the ranking orders all alternatives by score
        assert all(-1e-12 <= s <= 1 + 1e-12 for s in result.scores)
        assert sorted(result.ranking) == list(range(len(scores)))
        ordered = [result.scores[i] for i in result.ranking]
        assert ordered == sorted(ordered, reverse=True)
        assert min(result.ranks) == 1


@PROFILE
@given(scores=scores_strategy, data=st.data())
def test_topsis_ignores_the_unit_of_a_criterion(scores, data):
    # Given the same scores with one criterion in other units (times a positive factor)
    n = len(scores[0])
    j = data.draw(st.integers(0, n - 1))
    factor = data.draw(st.floats(0.01, 100.0))
    rescaled = [[x * factor if k == j else x for k, x in enumerate(row)] for row in scores]
    weights = [1 / n] * n
    types = ["benefit"] * n
    # Then vector normalisation gives the same closeness coefficients
    assert calc.topsis(rescaled, weights, types).scores == pytest.approx(
        calc.topsis(scores, weights, types).scores, abs=1e-9
    )


@PROFILE
@given(raw=st.lists(st.floats(0.0, 1e6), min_size=1, max_size=20).filter(lambda w: sum(w) > 0))
def test_normalised_weights_sum_to_one(raw):
    assert math.fsum(calc.normalise_weights(raw)) == pytest.approx(1.0, abs=1e-12)


# --------------------------------------------------------------------------- lines (issue #11)

year_lines = st.lists(st.lists(amounts, max_size=4), min_size=2, max_size=21)


@PROFILE
@given(rate=rates, lines=year_lines)
def test_tco_is_the_sum_of_the_cost_lines_and_netting_keeps_the_npv(rate, lines):
    # Given any lines, several per year, costs and benefits mixed
    # When the TCO is computed on the lines
    # Then it is the sum of the cost lines (absolute), whatever the benefits of the same year
    costs = math.fsum(-a for year in lines for a in year if a < 0)
    assert calc.tco(lines) == pytest.approx(costs, rel=1e-12, abs=1e-9)
    # and the ROI's benefits are the sum of the benefit lines
    benefits = math.fsum(a for year in lines for a in year if a > 0)
    if costs >= 1:  # (tiny costs make the ROI beyond a float: None)
        assert calc.roi(lines) == pytest.approx((benefits - costs) / costs, rel=1e-9, abs=1e-9)
    # and netting the lines of each year first never changes the NPV
    netted = [math.fsum(year) for year in lines]
    assert calc.npv(rate, lines) == calc.npv(rate, netted)


# --------------------------------------------------------------------------- lines in the risk


def _band(spec, seed):
    result = calc.simulate(spec, 0.08, draws=20_000, seed=seed)
    return result.p90 - result.p10


@settings(deadline=None, max_examples=25)
@given(
    years=st.integers(2, 8),
    low=st.floats(10, 90),
    high=st.floats(110, 400),
    seed=st.integers(0, 2**32),
)
def test_a_line_drawn_once_for_all_its_years_widens_the_band(years, low, high, seed):
    # Given a line of savings, 100 most likely in each of its years, with the same range
    cells = [(t, 100.0, (low, 100.0, high)) for t in range(1, years + 1)]
    shared = [(0, -300.0)] + [(*cell, "Savings") for cell in cells]
    independent = [(0, -300.0), *cells]
    # When the line is drawn once per draw (all years at the same quantile) or year by year
    # Then the 10-90 % band is wider when shared: the years cannot cancel each other out
    # (the sum of n comonotonic cells spreads n times one cell; of independent ones sqrt(n))
    assert _band(shared, seed=seed) > 1.2 * _band(independent, seed=seed)
