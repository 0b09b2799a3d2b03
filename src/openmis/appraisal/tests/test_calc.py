"""The appraisal calculations against hand-checked and published figures.

Every figure is either worked out by hand in a comment next to it or taken from a cited
publication; the tolerance is the precision the figure is given to.
"""

import ast
import dataclasses
import math
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from openmis.appraisal import calc
from openmis.appraisal.calc import CalcError

# Runs alike on every database engine: the PostgreSQL pass leaves it out.
pytestmark = pytest.mark.engine_neutral

# --------------------------------------------------------------------------- the module itself


def test_calc_imports_no_django():
    # Given the calculation package's sources
    sources = sorted(Path(calc.__file__).parent.glob("*.py"))
    assert [p.name for p in sources] == [
        "__init__.py",
        "_base.py",
        "cashflow.py",
        "mcda.py",
        "risk.py",
        "saaty.py",
        "sensitivity.py",
        "tornado.py",
    ]
    # When their imports are listed
    modules = set()
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                modules.add(node.module or "")
    # Then none of them is Django
    assert not [m for m in modules if m.split(".")[0] == "django"]


@pytest.mark.parametrize(
    "module",
    ["_base", "cashflow", "risk", "tornado", "mcda", "sensitivity", "saaty", "__init__"],
)
def test_docstring_examples(module):
    # The numpy-style Examples sections are executable documentation: they must hold.
    import doctest
    import importlib

    name = "openmis.appraisal.calc" + ("" if module == "__init__" else f".{module}")
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0 or module == "__init__"  # the package only re-exports


# --------------------------------------------------------------------------- cash-flow metrics

TEXTBOOK = [-1000, 300, 400, 500]  # invest 1000 today, get 300, 400, 500 back over 3 years


def test_npv_of_the_textbook_flows():
    # Given 1000 invested and 300, 400, 500 back, discounted at 10 %
    # When the NPV is computed
    value = calc.npv(0.10, TEXTBOOK)
    # Then it is -1000 + 300/1.1 + 400/1.21 + 500/1.331
    #        = -1000 + 272.727273 + 330.578512 + 375.657400 = -21.036814
    assert value == pytest.approx(-21.036814, abs=1e-6)


def test_npv_discounts_year_zero_not_at_all():
    # Given a single amount in year 0
    # When its NPV is computed at any rate
    # Then it is the amount itself (Excel's NPV() would divide it by 1.1)
    assert calc.npv(0.10, [-1000, 0]) == -1000.0
    assert calc.npv(0.10, [0, 1100]) == pytest.approx(1000.0, abs=1e-9)


def test_npv_matches_numpy_financial_convention():
    # Given numpy-financial's own npv of the textbook flows
    import numpy_financial as npf

    # Then it also leaves year 0 undiscounted: the same -21.036814
    assert float(npf.npv(0.10, TEXTBOOK)) == pytest.approx(calc.npv(0.10, TEXTBOOK), rel=1e-12)


def test_irr_of_the_textbook_flows():
    # Given the textbook flows
    # When the IRR is computed
    result = calc.irr(TEXTBOOK)
    # Then by hand: NPV at 8 % = -1000 + 277.778 + 342.936 + 396.917 = +17.63 and at 9 %
    # = -1000 + 275.229 + 336.672 + 386.092 = -2.01, so the IRR is a little under 9 %
    # (linear interpolation: 8 + 17.63/19.64 = 8.898 %); exactly 8.8963 %
    assert result.value == pytest.approx(0.088963, abs=1e-6)
    assert result.warning is None
    assert calc.npv(result.value, TEXTBOOK) == pytest.approx(0.0, abs=1e-9)


def test_payback_of_the_textbook_flows():
    # Given cumulative flows -1000, -700, -300, +200 at the end of years 0..3
    # When the payback is computed
    # Then it falls in year 3: 2 years + 300 still owed / 500 received in year 3 = 2.6 years
    assert calc.payback_years(TEXTBOOK) == pytest.approx(2.6, abs=1e-12)


def test_discounted_payback_is_none_when_the_npv_is_negative():
    # Given the textbook flows, whose NPV at 10 % is -21.04
    # Then the discounted cumulative flow never reaches zero within the horizon
    assert calc.discounted_payback_years(0.10, TEXTBOOK) is None


def test_roi_bcr_and_tco_of_the_textbook_flows():
    # Given benefits 300 + 400 + 500 = 1200 and costs 1000
    # Then ROI = (1200 - 1000) / 1000 = 0.2
    assert calc.roi(TEXTBOOK) == pytest.approx(0.2, abs=1e-15)
    # and BCR = PV(inflows) / PV(outflows) = (272.727273 + 330.578512 + 375.657400) / 1000
    assert calc.benefit_cost_ratio(0.10, TEXTBOOK) == pytest.approx(0.978963, abs=1e-6)
    # and the only cost is the 1000 of year 0, nominal or discounted
    assert calc.tco(TEXTBOOK) == 1000.0
    assert calc.discounted_tco(0.10, TEXTBOOK) == 1000.0


def test_mirr_of_the_textbook_flows():
    # Given inflows compounded to year 3 at 10 %: 300 * 1.21 + 400 * 1.1 + 500 = 1303
    # When the MIRR is computed with the outflow (1000, in year 0) financed at 10 %
    # Then MIRR = (1303 / 1000) ** (1/3) - 1 = 9.2232 %
    assert calc.mirr(TEXTBOOK, 0.10, 0.10) == pytest.approx(1.303 ** (1 / 3) - 1, rel=1e-12)
    assert calc.mirr(TEXTBOOK, 0.10, 0.10) == pytest.approx(0.092232, abs=1e-6)


# Brigham & Houston, "Fundamentals of Financial Management", chapter "The Basics of Capital
# Budgeting": Projects S and L at a 10 % cost of capital, with their published NPV, IRR, MIRR,
# payback and discounted payback. The arithmetic is redone in the comments.
PROJECT_S = [-1000, 500, 400, 300, 100]
PROJECT_L = [-1000, 100, 300, 400, 600]


@pytest.mark.parametrize(
    ("flows", "npv", "irr", "mirr", "payback", "discounted_payback"),
    [
        # S: NPV = -1000 + 454.545 + 330.579 + 225.394 + 68.301 = 78.82
        #    MIRR: FV = 500*1.331 + 400*1.21 + 300*1.1 + 100 = 1579.5; 1.5795**0.25 - 1
        #    payback: cumulative -1000, -500, -100, +200: 2 + 100/300 = 2.33
        #    discounted: -1000, -545.45, -214.88, +10.52: 2 + 214.88/225.39 = 2.95
        (PROJECT_S, 78.82, 0.1449, 0.1211, 2.33, 2.95),
        # L: NPV = -1000 + 90.909 + 247.934 + 300.526 + 409.808 = 49.18
        #    MIRR: FV = 100*1.331 + 300*1.21 + 400*1.1 + 600 = 1536.1; 1.5361**0.25 - 1
        #    payback: -1000, -900, -600, -200, +400: 3 + 200/600 = 3.33
        #    discounted: ..., -360.63, +49.18: 3 + 360.63/409.81 = 3.88
        (PROJECT_L, 49.18, 0.1179, 0.1133, 3.33, 3.88),
    ],
    ids=["project S", "project L"],
)
def test_brigham_projects_s_and_l(flows, npv, irr, mirr, payback, discounted_payback):
    # Given the published project at a 10 % cost of capital
    # When each metric is computed
    # Then it matches the textbook to the precision it is printed with
    assert calc.npv(0.10, flows) == pytest.approx(npv, abs=0.005)
    assert calc.irr(flows).value == pytest.approx(irr, abs=0.00005)
    assert calc.mirr(flows, 0.10, 0.10) == pytest.approx(mirr, abs=0.00005)
    assert calc.payback_years(flows) == pytest.approx(payback, abs=0.005)
    assert calc.discounted_payback_years(0.10, flows) == pytest.approx(
        discounted_payback, abs=0.005
    )


def test_tco_counts_costs_only():
    # Given 1000 + 100 of costs in years 0 and 1, and 600 + 700 of benefits
    flows = [-1000, -100, 600, 700]
    # Then the nominal TCO is 1100 and the discounted TCO 1000 + 100/1.1 = 1090.909091
    assert calc.tco(flows) == 1100.0
    assert calc.discounted_tco(0.10, flows) == pytest.approx(1090.909091, abs=1e-6)
    # and flows without costs have a TCO of 0
    assert calc.tco([0, 500]) == 0.0
    assert calc.discounted_tco(0.10, [0, 500]) == 0.0


def test_equivalent_annual_cost():
    # Given a 1000 machine that costs 100 a year to run for 3 years, at 10 %
    flows = [-1000, -100, -100, -100]
    # When its equivalent annual cost is computed
    value = calc.equivalent_annual_cost(0.10, flows)
    # Then the capital spread over 3 years is 1000 * 0.1 / (1 - 1.1**-3) = 1000 * 0.402115
    #      = 402.115, plus the 100 running cost = 502.115
    assert value == pytest.approx(502.114804, abs=1e-6)
    # and at 0 % the NPV is simply divided by the years: 900 / 2 = 450, or / 3 = 300
    assert calc.equivalent_annual_cost(0.0, [-900, 0, 0]) == 450.0
    assert calc.equivalent_annual_cost(0.0, [-900, 0, 0], years=3) == 300.0


def test_ratios_without_costs_are_none():
    # Given flows with no outflow at all
    flows = [0, 300, 400]
    # Then ROI and BCR do not exist, and there is nothing to pay back
    assert calc.roi(flows) is None
    assert calc.benefit_cost_ratio(0.10, flows) is None
    assert calc.payback_years(flows) == 0.0
    assert calc.mirr(flows, 0.1, 0.1) is None


def test_payback_not_within_the_horizon_is_none():
    # Given 1000 invested and only 300 + 400 back
    # Then the investment is not paid back within the horizon
    assert calc.payback_years([-1000, 300, 400]) is None


def test_payback_waits_for_a_later_dip_to_be_recovered():
    # Given cumulative flows -100, +50, -50, +150 (a cost in year 2 undoes the payback)
    # Then the payback is the last crossing: 2 years + 50 owed / 200 received = 2.25
    assert calc.payback_years([-100, 150, -100, 200]) == pytest.approx(2.25, abs=1e-12)


def test_irr_does_not_exist_when_the_flows_never_change_sign():
    # Given flows that are all inflows, all outflows, or all zero
    # Then there is no IRR, and the warning says why
    for flows, word in (([100, 200], "inflows"), ([-1, -2], "outflows"), ([0, 0, 0], "zero")):
        result = calc.irr(flows)
        assert result.value is None
        assert word in result.warning
        assert "sign" in result.warning or "zero" in result.warning


def test_irr_warns_when_the_flows_change_sign_twice():
    # Given -100, +230, -132: with x = 1 + r, 100x**2 - 230x + 132 = 0 has the roots
    # x = (230 +- sqrt(230**2 - 4*100*132)) / 200 = (230 +- 10) / 200 = 1.1 or 1.2
    result = calc.irr([-100, 230, -132])
    # Then the IRR is one of 10 % and 20 % (the one closest to zero), with a warning
    assert result.value == pytest.approx(0.10, abs=1e-9)
    assert "2 times" in result.warning
    assert "more than one IRR" in result.warning


def test_irr_finds_a_double_root():
    # Given -100, +200, -100 = -100 (1 - x)**2 with x = 1 / (1 + r): a double root at r = 0
    result = calc.irr([-100, 200, -100])
    # Then the IRR is 0 %, with the warning of the two sign changes
    assert result.value == pytest.approx(0.0, abs=1e-6)
    assert result.warning is not None


def test_irr_ignores_zero_flows_at_either_end():
    # Given -100 then +110 a year later, preceded or followed by a year of nothing
    # Then the IRR is 10 % either way
    assert calc.irr([0, -100, 110]).value == pytest.approx(0.10, abs=1e-12)
    assert calc.irr([-100, 110, 0]).value == pytest.approx(0.10, abs=1e-12)


def test_metrics_accept_decimals_and_numpy_numbers():
    # Given amounts as the Django models hold them (Decimal) and as numpy gives them
    import numpy as np

    flows = [Decimal("-1000.00"), Decimal("300"), np.float64(400), np.int64(500)]
    # Then they compute like floats
    assert calc.npv(Decimal("0.10"), flows) == pytest.approx(-21.036814, abs=1e-6)


# --------------------------------------------------------------------------- flow specs

SPEC = [
    (0, -1000, (-1100, -1000, -950)),
    (1, 300, (250, 300, 400)),
    (2, 400, (300, 400, 450)),
    (3, 500, (350, 500, 700)),
]


def test_spec_forms_are_equivalent():
    # Given the same flows as tuples, Flow objects, mappings and with (min, max) ranges
    as_flows = [calc.Flow(y, m, r) for y, m, r in SPEC]
    as_maps = [{"year": y, "most_likely": m, "range": r} for y, m, r in SPEC]
    two_point = [(y, m, (r[0], r[2])) for y, m, r in SPEC]  # the mode is the most likely
    # Then they describe the same simulation
    results = [
        calc.simulate(spec, 0.1, draws=2000, seed=3)
        for spec in (SPEC, as_flows, as_maps, two_point)
    ]
    assert all(result == results[0] for result in results)


def test_flows_from_spec_adds_flows_of_the_same_year():
    # Given two flows in year 1 and a horizon of 3 years
    series = calc.flows_from_spec([(0, -1000), (1, 300), (1, 50, (40, 60))], horizon=3)
    # Then year 1 holds 350 and years 2 and 3 hold nothing
    assert series == [-1000.0, 350.0, 0.0, 0.0]


def test_spec_npv_is_the_npv_of_the_most_likely_series():
    # Given the textbook flows written as a spec with ranges
    # Then its deterministic NPV is the textbook NPV
    assert calc.spec_npv(SPEC, 0.10) == pytest.approx(calc.npv(0.10, TEXTBOOK), rel=1e-13)


# --------------------------------------------------------------------------- Monte Carlo


@pytest.mark.parametrize("distribution", ["pert", "triangular"])
def test_zero_width_ranges_give_exactly_the_deterministic_npv(distribution):
    # Given flows whose ranges have no width (and one without a range)
    spec = [(0, -1000.1, (-1000.1, -1000.1, -1000.1)), (1, 333.3, (333.3, 333.3, 333.3))]
    spec += [(2, 444.4), (3, 555.5, (555.5, 555.5, 555.5))]
    # When they are simulated
    result = calc.simulate(spec, 0.07, draws=10_000, seed=5, distribution=distribution)
    # Then every draw is the deterministic NPV, bit for bit
    expected = calc.spec_npv(spec, 0.07)
    assert result.deterministic_npv == expected
    assert result.minimum == result.maximum == expected
    assert result.mean == result.p10 == result.p50 == result.p90 == expected
    assert result.std == 0.0
    assert result.histogram == calc.Histogram(edges=(expected, expected), counts=(10_000,))


def test_the_same_seed_gives_identical_results():
    # Given one flow spec simulated twice with seed 42 and once with seed 43
    first = calc.simulate(SPEC, 0.08, draws=20_000, seed=42)
    second = calc.simulate(SPEC, 0.08, draws=20_000, seed=42)
    other = calc.simulate(SPEC, 0.08, draws=20_000, seed=43)
    # Then the seeded runs are identical to the last bit, and another seed differs
    assert dataclasses.asdict(first) == dataclasses.asdict(second)
    assert other.mean != first.mean


@pytest.mark.parametrize(
    ("distribution", "mean_of"),
    [
        ("pert", lambda low, mode, high: (low + 4 * mode + high) / 6),
        ("triangular", lambda low, mode, high: (low + mode + high) / 3),
    ],
)
def test_simulated_mean_matches_the_distribution(distribution, mean_of):
    # Given the spec's flows with their expected values: PERT (min + 4 mode + max) / 6,
    # triangular (min + mode + max) / 3
    expected = sum(mean_of(*r) / 1.08**year for year, _, r in SPEC)
    # When 100,000 draws are simulated
    result = calc.simulate(SPEC, 0.08, draws=100_000, seed=7, distribution=distribution)
    # Then the mean NPV is the discounted expected flows within 4 standard errors
    assert abs(result.mean - expected) < 4 * result.std / math.sqrt(result.draws)
    # and the summary is ordered and within bounds
    assert result.minimum <= result.p10 <= result.p50 <= result.p90 <= result.maximum
    assert 0.0 <= result.prob_npv_positive <= 1.0
    assert len(result.histogram.counts) == 30
    assert len(result.histogram.edges) == 31
    assert sum(result.histogram.counts) == 100_000


def test_probability_of_a_positive_npv():
    # Given an investment of 1000 that returns 1000 to 1200 uniformly-ish a year later, at 0 %
    spec = [(0, -1000), (1, 1100, (1000, 1100, 1200))]
    result = calc.simulate(spec, 0.0, draws=10_000, seed=1, distribution="triangular")
    # Then practically every draw has a positive NPV (all but the exact minimum)
    assert result.prob_npv_positive == pytest.approx(1.0, abs=1e-3)
    # and when the return is 800 to 1200, symmetric around 1000, about half do
    spec = [(0, -1000), (1, 1000, (800, 1000, 1200))]
    result = calc.simulate(spec, 0.0, draws=100_000, seed=1, distribution="triangular")
    assert result.prob_npv_positive == pytest.approx(0.5, abs=0.01)


def test_simulation_of_100000_draws_of_15_flows_is_fast():
    # Given 15 uncertain flows (an investment, ten years of savings, four upgrades)
    spec = [(0, -50_000, (-60_000, -50_000, -45_000))]
    spec += [(t, 12_000, (8_000, 12_000, 20_000)) for t in range(1, 11)]
    spec += [(t, -2_000, (-3_000, -2_000, -1_500)) for t in (2, 4, 6, 8)]
    calc.simulate(spec, 0.08, draws=1000, seed=1)  # warm up
    # When 100,000 draws are simulated (best of three, to discount a busy machine)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        calc.simulate(spec, 0.08, draws=100_000, seed=1)
        timings.append(time.perf_counter() - start)
    # Then it takes well under a second (about 0.15 s on the 2-core CI machine)
    assert min(timings) < 1.0, timings


# --------------------------------------------------------------------------- tornado, break-even


def test_tornado_sorts_by_swing():
    # Given an investment of 1000 (900..1200) and a return of 1100 (1000..1500) a year later
    spec = [(0, -1000, (-1200, -1000, -900)), (1, 1100, (1000, 1100, 1500)), (1, 5)]
    result = calc.tornado(spec, 0.10)
    # Then the base NPV is -1000 + 1105/1.1 = 4.545455
    assert result.base_npv == pytest.approx(4.545455, abs=1e-6)
    # and the return swings the NPV by 500/1.1 = 454.55, more than the investment's 300;
    # the flow without a range gets no bar
    assert [bar.index for bar in result.bars] == [1, 0]
    top, second = result.bars
    assert top.npv_at_min == pytest.approx(-1000 + 1005 / 1.1, abs=1e-9)
    assert top.npv_at_max == pytest.approx(-1000 + 1505 / 1.1, abs=1e-9)
    assert top.swing == pytest.approx(454.545455, abs=1e-6)
    assert (second.npv_at_min, second.npv_at_max) == pytest.approx((-195.454545, 104.545455))
    assert second.swing == pytest.approx(300.0, abs=1e-9)


def test_break_even_of_the_last_year():
    # Given the textbook flows, whose other years sum to -1000 + 272.727 + 330.579 = -396.694
    spec = [(0, -1000), (1, 300), (2, 400), (3, 500)]
    value = calc.break_even(spec, 0.10, 3)
    # Then year 3 must bring 396.694 * 1.331 = 528.0 for an NPV of 0
    assert value == pytest.approx(528.0, abs=1e-9)
    spec[3] = (3, value)
    assert calc.spec_npv(spec, 0.10) == pytest.approx(0.0, abs=1e-9)


def test_break_even_is_none_when_the_flow_cannot_move_the_npv():
    # Given a rate so high that a year-100 amount is worth exactly 0 today
    # Then no amount in year 100 can bring the NPV to zero
    assert calc.break_even([(0, -1000), (100, 10)], 1e9, 1) is None


# --------------------------------------------------------------------------- AHP

# Saaty, T. L. (1990). How to make a decision: The Analytic Hierarchy Process. European Journal
# of Operational Research 48, 9-26: the house example, criteria of level 1 (size of house,
# transportation, neighbourhood, age, yard, modern facilities, general condition, financing).
# Published: priorities .173 .054 .188 .018 .031 .036 .167 .333, lambda_max 9.669,
# C.I. 0.238, C.R. 0.169.
SAATY_HOUSE = """\
1   5   3   7   6   6   1/3 1/4
1/5 1   1/3 5   3   3   1/5 1/7
1/3 3   1   6   3   4   6   1/5
1/7 1/5 1/6 1   1/3 1/4 1/7 1/8
1/6 1/3 1/3 3   1   1/2 1/5 1/6
1/6 1/3 1/4 4   2   1   1/5 1/6
3   5   1/6 7   5   5   1   1/2
4   7   5   8   6   6   2   1"""


def _matrix(text):
    return [[float(Fraction(cell)) for cell in line.split()] for line in text.splitlines()]


def test_ahp_reproduces_saatys_house_example():
    # Given Saaty's (1990) comparison of the eight house-buying criteria
    # When the weights are derived
    result = calc.ahp(_matrix(SAATY_HOUSE))
    # Then they, lambda_max, CI and CR are the published ones
    assert [round(w, 3) for w in result.weights] == [
        0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333
    ]  # fmt: skip
    assert result.lambda_max == pytest.approx(9.669, abs=0.0005)
    assert result.consistency_index == pytest.approx(0.238, abs=0.0005)
    assert result.random_index == 1.41
    assert result.consistency_ratio == pytest.approx(0.169, abs=0.0005)


def test_ahp_names_the_most_inconsistent_judgement():
    # Given Saaty's house example, whose CR of 0.169 is above 0.10
    labels = ["size", "transport", "neighbourhood", "age"]
    labels += ["yard", "facilities", "condition", "financing"]
    result = calc.ahp(_matrix(SAATY_HOUSE), labels=labels)
    # Then the warning names the judgement furthest from the ratio of the weights:
    # neighbourhood is 6 times as important as the general condition, while the weights
    # give 0.188 / 0.167 = 1.13
    assert result.most_inconsistent == (2, 6)
    assert "0.169" in result.warning
    assert "neighbourhood vs condition" in result.warning
    assert "matrix[2][6] = 6" in result.warning


# Wikipedia, "Analytic hierarchy process - leader example": the board's comparison of the
# criteria Experience, Education, Charisma, Age (the same matrix as in the R package ahp's
# tom_dick_harry.ahp). Published priorities: .547, .127, .270, .056. Those are rounded to sum
# to 1: the eigenvector is 0.5476, 0.1266, 0.2699, 0.0559, and plain rounding of the first
# gives .548 (and a sum of 1.001), so the first is checked to within 0.001.
LEADER = [[1, 4, 3, 7], [1 / 4, 1, 1 / 3, 3], [1 / 3, 3, 1, 5], [1 / 7, 1 / 3, 1 / 5, 1]]


def test_ahp_reproduces_the_wikipedia_leader_example():
    # Given the board's judgements of the four criteria
    result = calc.ahp(LEADER)
    # Then the weights are the published ones
    assert result.weights[0] == pytest.approx(0.547, abs=0.001)
    assert [round(w, 3) for w in result.weights[1:]] == [0.127, 0.270, 0.056]
    # and the judgements are consistent enough: lambda_max 4.1184, so
    # CI = 0.1184 / 3 = 0.0395 and CR = 0.0395 / 0.90 = 0.044, below 0.10
    assert result.consistency_ratio == pytest.approx(0.044, abs=0.0005)
    assert result.warning is None


def test_ahp_accepts_rounded_reciprocals():
    # Given 1/3 typed as 0.3333 (relative error 1e-4)
    result = calc.ahp([[1, 3], [0.3333, 1]])
    # Then the matrix is accepted and the weights are 3:1
    assert result.weights == pytest.approx((0.75, 0.25), abs=1e-4)


def test_ahp_of_one_and_two_items_is_always_consistent():
    assert calc.ahp([[1]]).weights == (1.0,)
    result = calc.ahp([[1, 9], [1 / 9, 1]])
    assert result.weights == pytest.approx((0.9, 0.1))
    assert result.consistency_ratio == 0.0
    assert result.most_inconsistent is None


def test_aggregate_judgements_is_the_geometric_mean():
    # Given three people judging A against B as 2, 8 and 4
    matrices = [[[1, r], [1 / r, 1]] for r in (2, 8, 4)]
    # When their judgements are aggregated
    result = calc.aggregate_judgements(matrices)
    # Then A vs B is (2 * 8 * 4) ** (1/3) = 4, and B vs A exactly its reciprocal
    assert result[0][1] == pytest.approx(4.0, rel=1e-12)
    assert result[1][0] == 1 / result[0][1]
    assert result[0][0] == result[1][1] == 1.0


# --------------------------------------------------------------------------- MCDA

# Tzeng, G.-H. & Huang, J.-J. (2011). Multiple Attribute Decision Making: Methods and
# Applications. CRC Press: TOPSIS example with 4 alternatives, 3 benefit criteria, weights
# 0.3, 0.4, 0.3; published closeness 0.5037, 0.6581, 0.7482, 0.3340 (also the reference data of
# scikit-criteria's test_TOPSIS_tzeng2011multiple).
TZENG = [[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]]

# Hwang, C.-L. & Yoon, K. (1981). Multiple Attribute Decision Making. Springer, the fighter
# aircraft example: max speed (Mach), ferry range (NM), max payload (lb), acquisition cost
# ($10^6, a cost), reliability and manoeuvrability (average 5, low 3, high 7, very high 9),
# weights 0.2, 0.1, 0.1, 0.1, 0.2, 0.3. Published closeness: 0.643, 0.268, 0.614, 0.312.
AIRCRAFT = [
    [2.0, 1500, 20000, 5.5, 5, 9],
    [2.5, 2700, 18000, 6.5, 3, 5],
    [1.8, 2000, 21000, 4.5, 7, 7],
    [2.2, 1800, 20000, 5.0, 5, 5],
]
AIRCRAFT_WEIGHTS = [0.2, 0.1, 0.1, 0.1, 0.2, 0.3]
AIRCRAFT_TYPES = ["benefit", "benefit", "benefit", "cost", "benefit", "benefit"]


def test_topsis_reproduces_tzeng_and_huang():
    # Given the published decision matrix and weights
    result = calc.topsis(TZENG, [0.3, 0.4, 0.3], ["benefit"] * 3)
    # Then the closeness coefficients are the published ones, A3 first and A4 last
    assert result.scores == pytest.approx((0.5037, 0.6581, 0.7482, 0.3340), abs=0.00005)
    assert result.ranking == (2, 1, 0, 3)
    assert result.ranks == (3, 2, 1, 4)


def test_topsis_reproduces_hwang_and_yoons_fighter_aircraft():
    # Given the published aircraft, with the acquisition cost as a cost criterion
    result = calc.topsis(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_TYPES)
    # Then the closeness coefficients are the published ones: A1 > A3 > A4 > A2
    assert result.scores == pytest.approx((0.643, 0.268, 0.614, 0.312), abs=0.0005)
    assert result.ranking == (0, 2, 3, 1)
    # and each is d- / (d+ + d-)
    for c, plus, minus in zip(
        result.scores, result.ideal_distances, result.anti_ideal_distances, strict=True
    ):
        assert c == pytest.approx(minus / (plus + minus), rel=1e-12)


def test_topsis_of_identical_alternatives_is_a_tie():
    result = calc.topsis([[3, 4], [3, 4]], [0.5, 0.5], ["benefit", "cost"])
    assert result.scores == (0.5, 0.5)
    assert result.ranks == (1, 1)


def test_weighted_sum_with_min_max_normalisation():
    # Given quality 7, 9, 5 (benefit) and price 300, 400, 250 (cost), weighted 0.6 / 0.4
    result = calc.weighted_sum([[7, 300], [9, 400], [5, 250]], [0.6, 0.4], ["benefit", "cost"])
    # Then quality normalises to (7-5)/4, (9-5)/4, 0 = 0.5, 1, 0 and price to
    # (400-300)/150, 0, (400-250)/150 = 0.667, 0, 1; the scores are
    # 0.6*0.5 + 0.4*0.667 = 0.567, 0.6*1 = 0.6 and 0.4*1 = 0.4
    assert result.scores == pytest.approx((0.3 + 0.4 * 2 / 3, 0.6, 0.4), rel=1e-12)
    assert result.ranking == (1, 0, 2)
    assert result.method == "weighted_sum"


def test_weighted_sum_with_max_normalisation():
    # Given the same data normalised by the best value: quality x/9, price 250/x
    result = calc.weighted_sum(
        [[7, 300], [9, 400], [5, 250]], [0.6, 0.4], ["benefit", "cost"], normalisation="max"
    )
    # Then the scores are 0.6*7/9 + 0.4*250/300, 0.6 + 0.4*250/400, 0.6*5/9 + 0.4
    expected = (0.6 * 7 / 9 + 0.4 * 250 / 300, 0.6 + 0.4 * 250 / 400, 0.6 * 5 / 9 + 0.4)
    assert result.scores == pytest.approx(expected, rel=1e-12)
    assert result.ranking == (1, 0, 2)


def test_weighted_sum_ignores_a_criterion_that_does_not_discriminate():
    # Given a criterion on which every alternative scores 5
    result = calc.weighted_sum([[5, 1], [5, 3]], [0.5, 0.5], ["benefit", "benefit"])
    # Then it adds the same 0.5 to every alternative
    assert result.scores == (0.5, 1.0)


def test_normalise_weights():
    assert calc.normalise_weights([2, 1, 1]) == [0.5, 0.25, 0.25]
    assert calc.normalise_weights([Decimal("0.3"), 0.3, 0.4]) == pytest.approx([0.3, 0.3, 0.4])


def test_weight_sensitivity_of_a_weighted_sum():
    # Given two alternatives each best on one criterion, weighted 0.6 / 0.4 (A0 leads 0.6 : 0.4)
    result = calc.weight_sensitivity(
        [[1, 0], [0, 1]], [0.6, 0.4], ["benefit", "benefit"], method="weighted_sum"
    )
    # Then lowering the first weight by 0.1 (or raising the second by 0.1) puts A1 first
    assert [(s.criterion, s.new_top) for s in result] == [(0, 1), (1, 1)]
    assert result[0].delta == pytest.approx(-0.1, abs=1e-9)
    assert result[1].delta == pytest.approx(0.1, abs=1e-9)
    assert result[0].threshold_weight == pytest.approx(0.5, abs=1e-9)


def test_weight_sensitivity_of_topsis_finds_the_threshold():
    # Given the fighter aircraft, where A1 leads A3 by 0.643 to 0.614
    result = calc.weight_sensitivity(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_TYPES)
    for s in result:
        # Then just short of each threshold A1 still leads, and just past it another does
        assert s.delta is not None
        for step, leads in ((-1e-6, 0), (1e-6, s.new_top)):
            weight = s.threshold_weight + step * math.copysign(1.0, s.delta)
            others = [w for k, w in enumerate(AIRCRAFT_WEIGHTS) if k != s.criterion]
            weights = [w * (1 - weight) / sum(others) for w in others]
            weights.insert(s.criterion, weight)
            assert calc.topsis(AIRCRAFT, weights, AIRCRAFT_TYPES).ranking[0] == leads
    # and the reliability weight is the most sensitive: +0.0195 makes A3 the best
    most = min(result, key=lambda s: abs(s.delta))
    assert (most.criterion, most.new_top) == (4, 2)
    assert most.delta == pytest.approx(0.0195, abs=0.0001)


def test_weight_sensitivity_when_one_alternative_dominates():
    # Given an alternative that is best on every criterion
    result = calc.weight_sensitivity([[9, 9], [1, 1]], [0.5, 0.5], ["benefit", "benefit"])
    # Then no weight makes another alternative first
    assert [s.delta for s in result] == [None, None]


# --------------------------------------------------------------------------- validation

HOUSE = _matrix(SAATY_HOUSE)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        # cash flows: horizon, numbers, rates
        (lambda: calc.npv(0.1, [-100]), "flows"),
        (lambda: calc.npv(0.1, [0.0] * 102), "flows"),
        (lambda: calc.npv(0.1, 100), "flows"),
        (lambda: calc.npv(0.1, [-100, math.nan]), "flows[1]"),
        (lambda: calc.npv(0.1, [-100, 5, math.inf]), "flows[2]"),
        (lambda: calc.npv(0.1, [-100, "5"]), "flows[1]"),
        (lambda: calc.npv(0.1, [-100, True]), "flows[1]"),
        (lambda: calc.npv(0.1, [Decimal("NaN"), 5]), "flows[0]"),
        (lambda: calc.npv(-1, [-100, 110]), "rate"),
        (lambda: calc.npv(-1.5, [-100, 110]), "rate"),
        (lambda: calc.npv(math.nan, [-100, 110]), "rate"),
        (lambda: calc.npv(math.inf, [-100, 110]), "rate"),
        (lambda: calc.npv(-0.9999999, [0.0] * 100 + [1.0]), "rate"),
        (lambda: calc.irr([-100, math.nan]), "flows[1]"),
        (lambda: calc.mirr([-100, 110], -1, 0.1), "finance_rate"),
        (lambda: calc.mirr([-100, 110], 0.1, math.nan), "reinvest_rate"),
        (lambda: calc.discounted_payback_years(-2, [-100, 110]), "rate"),
        (lambda: calc.benefit_cost_ratio(0.1, [-100]), "flows"),
        (lambda: calc.equivalent_annual_cost(0.1, [-100, 110], years=0), "years"),
        (lambda: calc.equivalent_annual_cost(0.1, [-100, 110], years=101), "years"),
        (lambda: calc.equivalent_annual_cost(0.1, [-100, 110], years=2.5), "years"),
        # flow specs
        (lambda: calc.simulate([(0, -100), (1, 50, (60, 55, 70))], 0.1), "flows_spec[1].range"),
        (lambda: calc.simulate([(0, -100), (1, 50, (40, 75, 70))], 0.1), "flows_spec[1].range"),
        (
            lambda: calc.simulate([(0, -100), (1, 80, (40, 50, 70))], 0.1),
            "flows_spec[1].most_likely",
        ),
        (
            lambda: calc.simulate([(0, -100), (1, 50, (math.nan, 50, 70))], 0.1),
            "flows_spec[1].range.min",
        ),
        (
            lambda: calc.simulate([(0, -100), (1, 50, (40, 50, math.inf))], 0.1),
            "flows_spec[1].range.max",
        ),
        (lambda: calc.simulate([(0, -100), (1, 50, (40, 45, 50, 70))], 0.1), "flows_spec[1].range"),
        (lambda: calc.simulate([(0, -100), (101, 50)], 0.1), "flows_spec[1].year"),
        (lambda: calc.simulate([(0, -100), (1.5, 50)], 0.1), "flows_spec[1].year"),
        (lambda: calc.simulate([(0, -100), (-1, 50)], 0.1), "flows_spec[1].year"),
        (lambda: calc.simulate([(0, -100), (1, math.nan)], 0.1), "flows_spec[1].most_likely"),
        (lambda: calc.simulate([(0, -100), (1,)], 0.1), "flows_spec[1]"),
        (lambda: calc.simulate([(0, -100), {"year": 1, "amount": 5}], 0.1), "flows_spec[1]"),
        (lambda: calc.simulate([(0, -100)], 0.1), "flows_spec"),
        (lambda: calc.simulate([], 0.1), "flows_spec"),
        (lambda: calc.simulate(SPEC, -1), "rate"),
        (lambda: calc.simulate(SPEC, 0.1, draws=0), "draws"),
        (lambda: calc.simulate(SPEC, 0.1, draws=2_000_000), "draws"),
        (lambda: calc.simulate(SPEC, 0.1, seed=-1), "seed"),
        (lambda: calc.simulate(SPEC, 0.1, distribution="normal"), "distribution"),
        (lambda: calc.tornado([(0, -100), (1, 50, (60, 55, 70))], 0.1), "flows_spec[1].range"),
        (lambda: calc.break_even(SPEC, 0.1, 4), "index"),
        (lambda: calc.break_even(SPEC, 0.1, 1.0), "index"),
        (lambda: calc.flows_from_spec([(0, -100), (5, 50)], horizon=3), "flows_spec[1].year"),
        # AHP
        (lambda: calc.ahp([[1, 2], [0.5]]), "matrix[1]"),
        (lambda: calc.ahp([]), "matrix"),
        (lambda: calc.ahp([[1, -2], [-0.5, 1]]), "matrix[0][1]"),
        (lambda: calc.ahp([[1, 0], [0, 1]]), "matrix[0][1]"),
        (lambda: calc.ahp([[1, 3], [1 / 3, 2]]), "matrix[1][1]"),
        (lambda: calc.ahp([[1, 3], [0.33, 1]]), "matrix[1][0]"),
        (lambda: calc.ahp([[1, 3, math.nan], [1 / 3, 1, 1], [1, 1, 1]]), "matrix[0][2]"),
        (lambda: calc.ahp([[1.0] * 16 for _ in range(16)]), "matrix"),
        (lambda: calc.ahp(LEADER, labels=["a", "b"]), "labels"),
        (lambda: calc.aggregate_judgements([HOUSE, LEADER]), "matrices[1]"),
        (lambda: calc.aggregate_judgements([LEADER, [[1, 2], [2, 1]]]), "matrices[1][1][0]"),
        (lambda: calc.aggregate_judgements([]), "matrices"),
        # MCDA
        (lambda: calc.weighted_sum([[1, 2]], [0.5, 0.4], ["benefit", "cost"]), "weights"),
        (lambda: calc.weighted_sum([[1, 2]], [1.5, -0.5], ["benefit", "cost"]), "weights[1]"),
        (lambda: calc.weighted_sum([[1, 2]], [1.0], ["benefit", "cost"]), "weights"),
        (lambda: calc.weighted_sum([[1, 2]], [0.5, math.nan], ["benefit", "cost"]), "weights[1]"),
        (lambda: calc.weighted_sum([[1, 2]], [0.5, 0.5], ["benefit", "good"]), "types[1]"),
        (lambda: calc.weighted_sum([[1, 2]], [0.5, 0.5], ["benefit"]), "types"),
        (lambda: calc.weighted_sum([[1, 2], [3]], [0.5, 0.5], ["benefit", "cost"]), "scores[1]"),
        (
            lambda: calc.weighted_sum([[1, 2], [math.nan, 1]], [0.5, 0.5], ["benefit"] * 2),
            "scores[1][0]",
        ),
        (lambda: calc.weighted_sum([], [0.5, 0.5], ["benefit"] * 2), "scores"),
        (
            lambda: calc.weighted_sum([[1, 0]], [0.5, 0.5], ["benefit"] * 2, normalisation="max"),
            "scores[0][1]",
        ),
        (
            lambda: calc.weighted_sum([[1, 1]], [0.5, 0.5], ["benefit"] * 2, normalisation="z"),
            "normalisation",
        ),
        (lambda: calc.topsis([[1, 2]], [0.5, 0.6], ["benefit", "cost"]), "weights"),
        (lambda: calc.weight_sensitivity([[1, 2]], [0.5, 0.5], ["benefit"] * 2, "vikor"), "method"),
        (lambda: calc.normalise_weights([0, 0]), "weights"),
        (lambda: calc.normalise_weights([1, -1]), "weights[1]"),
    ],
)
def test_every_validation_error_names_its_field(call, field):
    # Given invalid input
    # When the calculation is asked for
    with pytest.raises(CalcError) as caught:
        call()
    # Then the error names the offending field, and is a ValueError with a message
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)
    assert caught.value.message
    assert str(caught.value).startswith(f"{field}: ")


def test_weights_that_do_not_sum_to_one_suggest_normalising():
    with pytest.raises(CalcError, match="normalise_weights"):
        calc.topsis(TZENG, [3, 4, 3], ["benefit"] * 3)


def test_weights_within_the_tolerance_pass():
    # Given weights that sum to 1 within 1e-6 (as decimals rounded to 4 places can)
    result = calc.topsis(TZENG, [0.3333, 0.3333, 0.3334 + 5e-7], ["benefit"] * 3)
    assert len(result.scores) == 4


def test_a_caller_rebases_the_field_under_its_own_names():
    # Given an error about the fourth flow of a spec
    with pytest.raises(CalcError) as caught:
        calc.simulate([(0, -1), (1, 1), (2, 1), (3, 50, (60, 55, 70))], 0.1)
    # When the Django layer reports it for the second alternative's cash flows
    error = caught.value.rebase("flows_spec", "alternatives[1].cash_flows")
    # Then the path is the API's, and the message unchanged
    assert error.field == "alternatives[1].cash_flows[3].range"
    assert error.message == caught.value.message
    # and an error about another argument is left alone
    assert caught.value.rebase("rate", "discount_rate") is caught.value


def test_no_result_is_nan_or_infinite():
    # Given awkward but valid inputs: a rate near -100 %, huge rates, tiny flows
    cases = [
        calc.npv(-0.99, [-1e-300, 1e-300]),
        calc.npv(1e12, [-1, 0, 0, 5]),
        calc.equivalent_annual_cost(1e-15, [-100, 0, 0]),
        calc.equivalent_annual_cost(-0.5, [-100, 0, 0]),
        calc.irr([-1e-300, 2e-300]).value,
    ]
    # Then every result is a finite number
    assert all(math.isfinite(value) for value in cases)
    # and an EAC at a near-zero rate is the zero-rate one: 100 / 2 = 50
    assert cases[2] == pytest.approx(50.0, rel=1e-9)


# Issue #11, item 12: the worked example of the issue. Costs and benefits are lines, each by its
# own sign, before a year is netted.
NETTED_EXAMPLE = [-200_000] + [[-100_000, 160_000]] * 5


def test_tco_roi_and_bcr_count_lines_before_netting():
    """-200,000 in year 0, -100,000 opex and +160,000 savings in years 1-5, at 9 %.

    The annuity factor of 5 years at 9 % is (1 - 1.09**-5) / 0.09 = 3.889651 (any annuity
    table, e.g. Brealey, Myers & Allen, "Principles of Corporate Finance", appendix table 3:
    3.890). So:
    TCO = 200,000 + 5 x 100,000 = 700,000; discounted 200,000 + 100,000 x 3.889651 = 588,965;
    ROI = (5 x 160,000 - 700,000) / 700,000 = 14.29 %;
    BCR = 160,000 x 3.889651 / 588,965 = 622,344 / 588,965 = 1.0567.
    """
    assert calc.tco(NETTED_EXAMPLE) == 700_000.0
    assert calc.discounted_tco(0.09, NETTED_EXAMPLE) == pytest.approx(588_965.1, abs=0.1)
    assert calc.roi(NETTED_EXAMPLE) == pytest.approx(1 / 7, abs=1e-12)
    assert calc.benefit_cost_ratio(0.09, NETTED_EXAMPLE) == pytest.approx(1.0567, abs=5e-5)
    # The NPV is the same whether the lines are netted first or not.
    netted = [-200_000] + [60_000] * 5
    assert calc.npv(0.09, NETTED_EXAMPLE) == calc.npv(0.09, netted)
    # The netted series alone would give the figures of the bug: TCO 200,000, ROI 50 %.
    assert calc.tco(netted) == 200_000.0
    assert calc.roi(netted) == pytest.approx(0.5)


def test_the_amounts_of_a_line_share_one_draw_and_lines_correlate_as_asked():
    """Issue #11, item 13: one draw per line across its years; an optional rank correlation
    between lines (a Gaussian copula, scipy's multivariate normal)."""
    from scipy.stats import spearmanr

    from openmis.appraisal.calc.risk import _amounts, _spec

    spec = [
        (0, -500, (-700, -500, -450), "Implementation"),
        *[(t, 200, (100, 200, 260), "Hours saved") for t in (1, 2, 3)],
    ]
    flows = _spec(spec)
    amounts = _amounts(flows, 20_000, 3, "pert", 0.0)
    # The three years of "Hours saved" are at the same quantile in every draw: rank corr 1
    assert spearmanr(amounts[:, 1], amounts[:, 3]).statistic == pytest.approx(1.0)
    # and independent of the implementation line
    assert abs(spearmanr(amounts[:, 0], amounts[:, 1]).statistic) < 0.03
    # With a rank correlation of 0.7 between the lines, the draws have it (seeded)
    correlated = _amounts(flows, 20_000, 3, "pert", 0.7)
    assert spearmanr(correlated[:, 0], correlated[:, 2]).statistic == pytest.approx(0.7, abs=0.02)
    # and the NPV band of lines moving together is wider than of independent ones
    independent = calc.simulate(spec, 0.08, draws=20_000, seed=3)
    together = calc.simulate(spec, 0.08, draws=20_000, seed=3, correlation=0.7)
    assert together.p90 - together.p10 > 1.1 * (independent.p90 - independent.p10)
    # A common correlation of three lines cannot be -0.9: the error says so
    three = [*spec, (1, 10, (5, 10, 20), "Licences")]
    with pytest.raises(calc.CalcError) as error:
        calc.simulate(three, 0.08, draws=1000, seed=1, correlation=-0.9)
    assert error.value.field == "correlation"


def test_the_tornado_ranks_lines_over_all_their_years():
    """Issue #11, item 14, by hand at 10 %: "Hours saved" 100 (80..130) in years 1 and 2,
    "Licences" -150 (-170..-140) in year 0.

    Hours saved at min: both years -20: swing part -20/1.1 - 20/1.21 = -34.7107;
    at max: +30 each year: 30/1.1 + 30/1.21 = 52.0661; swing 86.7769.
    Licences: -170..-140 in year 0 (undiscounted): swing 30.
    Base NPV: -150 + 100/1.1 + 100/1.21 = 23.5537.
    Year by year, each "Hours saved" cell alone would swing 45.45 and 39.67, hiding the line.
    """
    spec = [
        (0, -150, (-170, -150, -140), "Licences"),
        (1, 100, (80, 100, 130), "Hours saved"),
        (2, 100, (80, 100, 130), "Hours saved"),
    ]
    result = calc.tornado(spec, 0.10)
    assert result.base_npv == pytest.approx(23.5537, abs=1e-4)
    hours, licences = result.bars
    assert (hours.line, hours.years, hours.indices) == ("Hours saved", (1, 2), (1, 2))
    assert hours.swing == pytest.approx(86.7769, abs=1e-4)
    assert hours.npv_at_min == pytest.approx(23.5537 - 34.7107, abs=1e-4)
    assert hours.npv_at_max == pytest.approx(23.5537 + 52.0661, abs=1e-4)
    assert (hours.minimum, hours.maximum) == (160, 260)
    assert licences.line == "Licences" and licences.swing == pytest.approx(30.0)
