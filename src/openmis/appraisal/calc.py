"""Investment-appraisal calculations: plain data in, plain data out.

This module imports no Django: it takes numbers, lists and tuples and returns floats, ``None``
and frozen dataclasses (turn one into a dict with :func:`dataclasses.asdict`). The Django app
builds on it; keep the public names and signatures stable.

Conventions
-----------
* Amounts are signed: money out (costs, investments) is negative, money in (savings, revenue)
  positive.
* A cash-flow series ``flows`` is indexed by year: ``flows[0]`` is year 0 (today, not
  discounted), ``flows[t]`` is the end of year ``t``. Its horizon is ``len(flows) - 1`` and
  must be 1 to 100 years.
* Rates are fractions per year (0.08 is 8 %) and must be above -1 (-100 %).
* A *flow spec* describes uncertain amounts for the risk analysis: a sequence of flows, each
  ``(year, most_likely)`` or ``(year, most_likely, range)`` where ``range`` is ``None``,
  ``(min, max)`` (the mode is then ``most_likely``) or ``(min, mode, max)``. A :class:`Flow`
  or a mapping with the keys ``year``, ``most_likely`` and optionally ``range`` works too.
  Several flows may fall in the same year.
* "Does not exist" is ``None`` (an IRR of flows that never change sign, a payback that does not
  happen within the horizon, a ratio without costs); no function returns NaN or infinity.
* Invalid input raises :class:`CalcError`, a ``ValueError`` whose ``field`` is the path of the
  offending value relative to the function's arguments (``flows[3]``,
  ``flows_spec[3].range``, ``matrix[0][2]``, ``weights``). :meth:`CalcError.rebase` moves that
  path under the caller's own names, e.g. ``alternatives[1].cash_flows[3].range``. Messages are
  plain English: this module cannot use Django's translation machinery.

Public functions
----------------
Cash-flow metrics: :func:`npv`, :func:`tco`, :func:`discounted_tco`, :func:`irr`,
:func:`mirr`, :func:`roi`, :func:`payback_years`, :func:`discounted_payback_years`,
:func:`benefit_cost_ratio`, :func:`equivalent_annual_cost`.
Risk: :func:`flows_from_spec`, :func:`spec_npv`, :func:`simulate`, :func:`tornado`,
:func:`break_even`.
Criteria weights: :func:`ahp`, :func:`aggregate_judgements`.
Ranking: :func:`normalise_weights`, :func:`weighted_sum`, :func:`topsis`,
:func:`weight_sensitivity`.
"""

# Libraries. numpy-financial provides npv, irr and mirr and is used for them. pymcdm was
# evaluated for AHP and TOPSIS and is NOT used:
# * its AHP computes the consistency ratio with the random indices of Tummala & Ling (1998)
#   (n=8: 1.3952), not Saaty's (n=8: 1.41), so it cannot reproduce published CRs: for Saaty's
#   1990 house example it gives CR 0.171 where the paper (and this module) give 0.169;
# * its AHP rejects any matrix entry outside Saaty's 1-9 scale (to 2 decimals), so the
#   geometric mean of several stakeholders' judgements cannot be weighted at all;
# * its TOPSIS defaults to min-max normalisation (Hwang & Yoon use vector normalisation); with
#   vector normalisation it does reproduce the published closeness coefficients, but a
#   dependency for ten lines of numpy is not worth it when AHP has to be written here anyway.
# AHP and TOPSIS are therefore implemented below in numpy and tested against the published
# worked examples (see tests/test_calc.py).

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy_financial as npf

__all__ = [
    "CONSISTENCY_THRESHOLD",
    "MAX_HORIZON",
    "SAATY_RANDOM_INDEX",
    "AhpResult",
    "CalcError",
    "Flow",
    "Histogram",
    "IrrResult",
    "McdaResult",
    "SimulationResult",
    "TornadoBar",
    "TornadoResult",
    "WeightSensitivity",
    "aggregate_judgements",
    "ahp",
    "benefit_cost_ratio",
    "break_even",
    "discounted_payback_years",
    "discounted_tco",
    "equivalent_annual_cost",
    "flows_from_spec",
    "irr",
    "mirr",
    "normalise_weights",
    "npv",
    "payback_years",
    "roi",
    "simulate",
    "spec_npv",
    "tco",
    "topsis",
    "tornado",
    "weight_sensitivity",
    "weighted_sum",
]

MAX_HORIZON = 100
"""The longest horizon accepted, in years."""

MAX_DRAWS = 1_000_000
"""The most Monte Carlo draws accepted."""

MAX_SAMPLES = 50_000_000
"""The most simulated amounts (draws x flows) accepted: bounds the memory to ~400 MB."""

PERT_LAMBDA = 4.0
"""The weight of the mode in the PERT distribution (the classic value)."""

HISTOGRAM_BINS = 30

# fmt: off
SAATY_RANDOM_INDEX = (
    #  n = 1    2     3     4     5     6     7     8     9    10    11    12    13    14    15
    0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
)
# fmt: on
"""Saaty's random consistency index RI for n = 1..15 (``SAATY_RANDOM_INDEX[n - 1]``)."""

CONSISTENCY_THRESHOLD = 0.10
"""Saaty's limit on the consistency ratio; above it the judgements should be revised."""

RECIPROCAL_TOLERANCE = 1e-3
"""Relative tolerance of ``a[i][j] * a[j][i] == 1`` and of ``a[i][i] == 1`` (0.3333 vs 3 pass)."""

WEIGHT_SUM_TOLERANCE = 1e-6

SENSITIVITY_STEP = 1e-3
"""Grid step of :func:`weight_sensitivity` before the threshold is refined by bisection."""


# --------------------------------------------------------------------------- errors


class CalcError(ValueError):
    """Invalid input, naming the offending value.

    Parameters
    ----------
    field : str
        Path of the offending value relative to the function's arguments, e.g. ``rate``,
        ``flows[3]``, ``flows_spec[3].range``, ``matrix[0][2]``.
    message : str
        What is wrong and, where possible, how to fix it.

    Examples
    --------
    >>> try:
    ...     npv(0.1, [-100, float("nan")])
    ... except CalcError as error:
    ...     print(error.field)
    flows[1]
    """

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    def rebase(self, argument: str, path: str) -> CalcError:
        """Return the error with the leading ``argument`` of its field replaced by ``path``.

        Lets a caller report the error under its own names. An error about another argument
        is returned unchanged, so calls can be chained.

        Examples
        --------
        >>> error = CalcError("flows_spec[3].range", "min > mode")
        >>> error.rebase("flows_spec", "alternatives[1].cash_flows").field
        'alternatives[1].cash_flows[3].range'
        >>> error.rebase("rate", "discount_rate").field
        'flows_spec[3].range'
        """
        if self.field == argument or self.field.startswith((f"{argument}[", f"{argument}.")):
            return CalcError(path + self.field[len(argument) :], self.message)
        return self


# --------------------------------------------------------------------------- input checks


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real | Decimal) and not isinstance(value, bool)


def _number(value: Any, path: str) -> float:
    """``value`` as a finite float, or CalcError naming ``path``."""
    if not _is_number(value):
        raise CalcError(path, f"must be a number, not {type(value).__name__}")
    try:
        number = float(value)
    except (ArithmeticError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise CalcError(path, "must be a finite number (got NaN or infinity)")
    return number


def _integer(value: Any, path: str, low: int, high: int) -> int:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        number = int(value)
    else:
        as_float = _number(value, path)
        if not as_float.is_integer():
            raise CalcError(path, f"must be a whole number, got {as_float:g}")
        number = int(as_float)
    if not low <= number <= high:
        raise CalcError(path, f"must be between {low} and {high}, got {number}")
    return number


def _sequence(value: Any, path: str, what: str) -> list:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise CalcError(path, f"must be a list of {what}")
    return list(value)


def _rate(value: Any, path: str = "rate") -> float:
    rate = _number(value, path)
    if rate <= -1:
        raise CalcError(path, f"must be above -1 (-100 %), got {rate:g}")
    return rate


def _flows(value: Any, path: str = "flows") -> np.ndarray:
    items = _sequence(value, path, "amounts by year (year 0 first)")
    horizon = len(items) - 1
    if not 1 <= horizon <= MAX_HORIZON:
        raise CalcError(
            path,
            f"needs one amount per year from year 0 to the horizon, and the horizon must be "
            f"1 to {MAX_HORIZON} years; got {len(items)} amount(s), a horizon of {horizon}",
        )
    return np.array([_number(x, f"{path}[{t}]") for t, x in enumerate(items)], dtype=float)


def _finite(value: float, path: str, message: str) -> float:
    if not math.isfinite(value):
        raise CalcError(path, message)
    return float(value)


_OVERFLOW = "discounting overflows at this rate over this horizon; use a rate further from -1"


def _discount_factors(rate: float, years: np.ndarray, path: str = "rate") -> np.ndarray:
    """``(1 + rate) ** -year`` for each year; CalcError if one overflows (a rate near -1).
    A huge rate may make a factor 0 (underflow), which is its correct rounded value."""
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        factors = np.power(1.0 + rate, -years.astype(float))
    if not np.all(np.isfinite(factors)):
        raise CalcError(path, _OVERFLOW)
    return factors


def _npf_npv(rate: float, flows: np.ndarray) -> float:
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        value = float(npf.npv(rate, flows))
    return _finite(value, "rate", _OVERFLOW)


# --------------------------------------------------------------------------- cash-flow metrics


def npv(rate: float, flows: Sequence[float]) -> float:
    """Net present value of a series of yearly cash flows.

    Year 0 is not discounted; the amount of year ``t`` is divided by ``(1 + rate) ** t``.
    Computed by ``numpy_financial.npv``, which follows the same convention.

    Note that Excel's ``NPV(rate, v1, v2, ...)`` discounts its *first* value too (it treats it
    as the end of year 1): the Excel equivalent of ``npv(rate, flows)`` is
    ``= flows[0] + NPV(rate, flows[1], ..., flows[n])``.

    Parameters
    ----------
    rate : float
        Discount rate per year, above -1.
    flows : sequence of float
        Signed amounts of years 0..horizon (outflows negative); horizon 1 to 100.

    Returns
    -------
    float
        The net present value, in the currency of the flows.

    Raises
    ------
    CalcError
        On an invalid rate or flows (field ``rate`` or ``flows[t]``).

    Examples
    --------
    >>> round(npv(0.10, [-1000, 300, 400, 500]), 2)
    -21.04
    >>> npv(0.0, [-1000, 300, 400, 500])
    200.0
    """
    return _npf_npv(_rate(rate), _flows(flows))


def tco(flows: Sequence[float]) -> float:
    """Nominal total cost of ownership: the sum of the outflows, as a positive amount.

    Benefits (positive amounts) are ignored.

    Parameters
    ----------
    flows : sequence of float
        Signed amounts of years 0..horizon.

    Returns
    -------
    float
        ``-(sum of the negative amounts)``; 0.0 when there are no costs.

    Examples
    --------
    >>> tco([-1000, -100, 600, 700])
    1100.0
    """
    values = _flows(flows)
    return float(-values[values < 0].sum()) + 0.0


def discounted_tco(rate: float, flows: Sequence[float]) -> float:
    """Total cost of ownership in present value: the outflows discounted like :func:`npv`.

    Parameters
    ----------
    rate : float
        Discount rate per year, above -1.
    flows : sequence of float
        Signed amounts of years 0..horizon.

    Returns
    -------
    float
        The present value of the costs, as a positive amount; 0.0 when there are none.

    Examples
    --------
    >>> round(discounted_tco(0.10, [-1000, -110, 600, 700]), 2)
    1100.0
    """
    r = _rate(rate)
    values = _flows(flows)
    return -_npf_npv(r, np.minimum(values, 0.0)) + 0.0


@dataclass(frozen=True)
class IrrResult:
    """The internal rate of return and what to beware of.

    Attributes
    ----------
    value : float or None
        The IRR as a fraction per year; ``None`` when no IRR exists (``warning`` says why).
    warning : str or None
        Why there is no value, or why the value may mislead (several sign changes).
    """

    value: float | None
    warning: str | None = None


def _sign_changes(values: np.ndarray) -> int:
    nonzero = values[values != 0]
    return int(np.count_nonzero(np.signbit(nonzero[1:]) != np.signbit(nonzero[:-1])))


def _npv_residual(rate: float, values: np.ndarray) -> tuple[float, float]:
    """NPV at ``rate`` and the scale of its rounding error (sum of the absolute terms)."""
    with np.errstate(all="ignore"):
        terms = values * np.power(1.0 + rate, -np.arange(values.size, dtype=float))
    return float(terms.sum()), float(np.abs(terms).sum())


def _real_irrs(values: np.ndarray) -> list[float]:
    """Every real IRR above -1, found as the real positive roots of the NPV polynomial in
    ``x = 1 / (1 + r)`` with a tolerance on their imaginary part (for double roots, which
    numpy-financial misses), each kept only if the NPV there is ~0."""
    with np.errstate(all="ignore"):
        roots = np.roots(values[::-1])
    found = []
    for root in roots:
        if root.real <= 0 or abs(root.imag) > 1e-7 * max(1.0, abs(root.real)):
            continue
        rate = 1.0 / root.real - 1.0
        value, scale = _npv_residual(rate, values)
        if math.isfinite(rate) and math.isfinite(value) and abs(value) <= 1e-6 * scale:
            found.append(rate)
    return sorted(found)


def irr(flows: Sequence[float]) -> IrrResult:
    """Internal rate of return: the rate at which the NPV of the flows is zero.

    Computed by ``numpy_financial.irr`` (the roots of the NPV polynomial). When the flows
    never change sign no rate makes the NPV zero and the value is ``None``; when they change
    sign more than once several IRRs may exist (Descartes' rule of signs) and the warning says
    so: the value returned is then the one numpy-financial selects (the one closest to zero)
    and NPV or :func:`mirr` should be preferred for the decision.

    Parameters
    ----------
    flows : sequence of float
        Signed amounts of years 0..horizon.

    Returns
    -------
    IrrResult
        ``value`` (fraction per year, or None) and ``warning`` (or None).

    Examples
    --------
    >>> result = irr([-1000, 300, 400, 500])
    >>> round(result.value, 4), result.warning
    (0.089, None)
    >>> irr([100, 200]).value is None
    True
    >>> irr([-100, 230, -132]).warning is not None
    True
    """
    values = _flows(flows)
    changes = _sign_changes(values)
    if changes == 0:
        if not values.any():
            reason = "all cash flows are zero: the NPV is zero at every rate, so no IRR is defined"
        elif (values >= 0).all():
            reason = "the cash flows are all inflows (they never change sign): no IRR exists"
        else:
            reason = "the cash flows are all outflows (they never change sign): no IRR exists"
        return IrrResult(None, reason)
    # Zero flows at either end do not change the roots; numpy-financial versions treat them
    # differently (a trailing zero is a root at -100 % for one of them), so drop them.
    nonzero = np.flatnonzero(values)
    trimmed = values[nonzero[0] : nonzero[-1] + 1]
    with np.errstate(all="ignore"):
        value = float(npf.irr(trimmed))
    if not math.isfinite(value) or value <= -1:
        candidates = _real_irrs(trimmed)
        value = min(candidates, key=abs) if candidates else math.nan
    if not math.isfinite(value):
        return IrrResult(None, "no rate above -100 % makes the NPV of these cash flows zero")
    warning = None
    if changes > 1:
        warning = (
            f"the cash flows change sign {changes} times, so more than one IRR may exist and "
            f"this one ({value:.2%}) can mislead: judge the alternative by NPV or MIRR instead"
        )
    return IrrResult(value, warning)


def mirr(flows: Sequence[float], finance_rate: float, reinvest_rate: float) -> float | None:
    """Modified internal rate of return (as Excel's ``MIRR``), by ``numpy_financial.mirr``.

    The outflows are discounted to year 0 at ``finance_rate``, the inflows compounded to the
    horizon at ``reinvest_rate``, and MIRR = (FV(inflows) / PV(outflows)) ** (1 / horizon) - 1.

    Parameters
    ----------
    flows : sequence of float
        Signed amounts of years 0..horizon.
    finance_rate : float
        Rate paid on the money invested, above -1.
    reinvest_rate : float
        Rate earned on the money returned, above -1.

    Returns
    -------
    float or None
        The MIRR as a fraction per year; ``None`` unless there is at least one inflow and one
        outflow (or when the outflows are so small that the MIRR is beyond a float).

    Examples
    --------
    >>> round(mirr([-1000, 500, 400, 300, 100], 0.10, 0.10), 4)
    0.1211
    >>> mirr([-1000, -500], 0.1, 0.1) is None
    True
    """
    values = _flows(flows)
    finance = _rate(finance_rate, "finance_rate")
    reinvest = _rate(reinvest_rate, "reinvest_rate")
    if not ((values > 0).any() and (values < 0).any()):
        return None
    _discount_factors(finance, np.arange(values.size), "finance_rate")
    _discount_factors(reinvest, np.arange(values.size), "reinvest_rate")
    with np.errstate(all="ignore"):
        value = float(npf.mirr(values, finance, reinvest))
    return value if math.isfinite(value) else None  # beyond a float: costs next to nothing


def roi(flows: Sequence[float]) -> float | None:
    """Nominal return on investment: (total benefits - total costs) / total costs.

    Undiscounted; totals over all years. Costs are the outflows, benefits the inflows.

    Parameters
    ----------
    flows : sequence of float
        Signed amounts of years 0..horizon.

    Returns
    -------
    float or None
        The ROI as a fraction (0.2 is 20 %); ``None`` when there are no costs (or so small
        ones that the ROI is beyond a float).

    Examples
    --------
    >>> roi([-1000, 300, 400, 500])
    0.2
    >>> roi([0, 300]) is None
    True
    """
    values = _flows(flows)
    costs = float(-values[values < 0].sum())
    if costs == 0:
        return None
    benefits = float(values[values > 0].sum())
    value = (benefits - costs) / costs
    return value if math.isfinite(value) else None  # beyond a float: costs next to nothing


def _payback(values: np.ndarray) -> float | None:
    cumulative = np.cumsum(values)
    if not np.all(np.isfinite(cumulative)):
        raise CalcError("flows", "the cumulative cash flow overflows")
    negative = np.flatnonzero(cumulative < 0)
    if negative.size == 0:
        return 0.0
    last = int(negative[-1])
    if last == values.size - 1:
        return None
    fraction = -cumulative[last] / values[last + 1]
    return last + min(max(float(fraction), 0.0), 1.0)


def payback_years(flows: Sequence[float]) -> float | None:
    """Payback period in years, interpolated linearly within the year it happens.

    The payback is when the cumulative cash flow turns non-negative *for good*: if a later
    outflow (say a decommissioning cost) makes it negative again, the payback is the last
    such crossing. For conventional flows (costs first, then benefits) this is the textbook
    payback. Within the crossing year the flow is assumed to arrive evenly:
    ``payback = t - 1 + (-cumulative[t - 1]) / flows[t]``.

    Parameters
    ----------
    flows : sequence of float
        Signed amounts of years 0..horizon.

    Returns
    -------
    float or None
        Years (0.0 when the cumulative flow is never negative); ``None`` when the investment
        is not paid back within the horizon.

    Examples
    --------
    >>> round(payback_years([-1000, 300, 400, 500]), 6)
    2.6
    >>> payback_years([-1000, 300, 400]) is None
    True
    """
    return _payback(_flows(flows))


def discounted_payback_years(rate: float, flows: Sequence[float]) -> float | None:
    """Payback period of the discounted cash flows, as :func:`payback_years`.

    Parameters
    ----------
    rate : float
        Discount rate per year, above -1.
    flows : sequence of float
        Signed amounts of years 0..horizon.

    Returns
    -------
    float or None
        Years; ``None`` when not paid back within the horizon (always so when the NPV is
        negative).

    Examples
    --------
    >>> round(discounted_payback_years(0.10, [-1000, 500, 400, 300, 100]), 2)
    2.95
    """
    r = _rate(rate)
    values = _flows(flows)
    return _payback(values * _discount_factors(r, np.arange(values.size)))


def benefit_cost_ratio(rate: float, flows: Sequence[float]) -> float | None:
    """Benefit-cost ratio: present value of the inflows / present value of the outflows.

    Parameters
    ----------
    rate : float
        Discount rate per year, above -1.
    flows : sequence of float
        Signed amounts of years 0..horizon.

    Returns
    -------
    float or None
        The ratio (above 1 when the NPV is positive); ``None`` when there are no outflows (or
        so small ones that the ratio is beyond a float).

    Examples
    --------
    >>> round(benefit_cost_ratio(0.10, [-1000, 300, 400, 500]), 4)
    0.979
    """
    r = _rate(rate)
    values = _flows(flows)
    costs = -_npf_npv(r, np.minimum(values, 0.0))
    if costs == 0:
        return None
    benefits = _npf_npv(r, np.maximum(values, 0.0))
    value = benefits / costs
    return value if math.isfinite(value) else None  # beyond a float: costs next to nothing


def equivalent_annual_cost(rate: float, flows: Sequence[float], years: int | None = None) -> float:
    """Equivalent annual cost: the level yearly amount with the same present value.

    ``EAC = -NPV * r / (1 - (1 + r) ** -n)``; with ``r = 0`` it is ``-NPV / n``. A cost-only
    alternative has a positive EAC; comparing EACs compares alternatives of unequal lives.

    Parameters
    ----------
    rate : float
        Discount rate per year, above -1.
    flows : sequence of float
        Signed amounts of years 0..horizon.
    years : int, optional
        ``n``, the number of years to spread over (1 to 100); default the horizon.

    Returns
    -------
    float
        The equivalent annual cost (negative when the flows are a net gain).

    Examples
    --------
    >>> round(equivalent_annual_cost(0.10, [-1000, -100, -100, -100]), 2)
    502.11
    >>> equivalent_annual_cost(0.0, [-900, 0, 0])
    450.0
    """
    r = _rate(rate)
    values = _flows(flows)
    n = values.size - 1 if years is None else _integer(years, "years", 1, MAX_HORIZON)
    value = _npf_npv(r, values)
    if r == 0:
        return -value / n + 0.0
    # The annuity factor r / (1 - (1 + r) ** -n), the denominator by expm1/log1p. Below 1e-10
    # the closed form divides two vanishing numbers, and its expansion
    # (1 + (n + 1) r / 2 + O((n r) ** 2)) / n is exact to double precision instead.
    tiny = abs(r) < 1e-10
    factor = (1.0 + (n + 1) * r / 2) / n if tiny else r / -math.expm1(-n * math.log1p(r))
    return _finite(-value * factor, "rate", _OVERFLOW) + 0.0


# --------------------------------------------------------------------------- risk analysis


class Flow(NamedTuple):
    """One uncertain amount of a flow spec.

    Attributes
    ----------
    year : int
        0..100.
    most_likely : float
        The deterministic (base-case) amount.
    range : tuple of float or None
        ``(min, mode, max)`` with ``min <= mode <= max`` and ``min <= most_likely <= max``;
        ``None`` when the amount is certain.
    """

    year: int
    most_likely: float
    range: tuple[float, float, float] | None = None


def _flow(item: Any, path: str) -> Flow:
    if isinstance(item, Mapping):
        unknown = set(item) - {"year", "most_likely", "range"}
        if unknown or "year" not in item or "most_likely" not in item:
            raise CalcError(path, "needs the keys 'year', 'most_likely' and optionally 'range'")
        year, most_likely, spread = item["year"], item["most_likely"], item.get("range")
    else:
        parts = _sequence(item, path, "(year, most_likely[, range])")
        if len(parts) not in (2, 3):
            raise CalcError(path, "must be (year, most_likely) or (year, most_likely, range)")
        year, most_likely, spread = parts[0], parts[1], parts[2] if len(parts) == 3 else None
    year = _integer(year, f"{path}.year", 0, MAX_HORIZON)
    most_likely = _number(most_likely, f"{path}.most_likely")
    if spread is None:
        return Flow(year, most_likely, None)
    bounds = _sequence(spread, f"{path}.range", "numbers: (min, max) or (min, mode, max)")
    if len(bounds) == 2:
        bounds = [bounds[0], most_likely, bounds[1]]
    if len(bounds) != 3:
        raise CalcError(f"{path}.range", "must be (min, max) or (min, mode, max)")
    low, mode, high = (
        _number(x, f"{path}.range.{name}")
        for x, name in zip(bounds, ("min", "mode", "max"), strict=True)
    )
    if low > mode:
        raise CalcError(f"{path}.range", f"the min ({low:g}) is above the mode ({mode:g})")
    if mode > high:
        raise CalcError(f"{path}.range", f"the mode ({mode:g}) is above the max ({high:g})")
    if not low <= most_likely <= high:
        raise CalcError(
            f"{path}.most_likely",
            f"the most likely amount ({most_likely:g}) is outside its range [{low:g}, {high:g}]",
        )
    return Flow(year, most_likely, (low, mode, high))


def _spec(flows_spec: Any, path: str = "flows_spec") -> list[Flow]:
    items = _sequence(flows_spec, path, "flows (year, most_likely[, range])")
    flows = [_flow(item, f"{path}[{i}]") for i, item in enumerate(items)]
    horizon = max((f.year for f in flows), default=0)
    if horizon < 1:
        raise CalcError(
            path, f"needs a flow after year 0: the horizon must be 1 to {MAX_HORIZON} years"
        )
    return flows


def _kernel(values: Sequence[float], factors: Sequence[float]) -> float:
    """NPV of the flows, summed flow by flow in order. :func:`simulate` does exactly the same
    operations column by column, which is what makes a draw of certain flows equal this."""
    total = 0.0
    for value, factor in zip(values, factors, strict=True):
        total += value * factor
    return total


def _spec_inputs(flows_spec: Any, rate: Any) -> tuple[list[Flow], list[float]]:
    flows = _spec(flows_spec)
    r = _rate(rate)
    factors = _discount_factors(r, np.array([f.year for f in flows])).tolist()
    return flows, factors


def _spec_total(values: Sequence[float], factors: Sequence[float]) -> float:
    return _finite(
        _kernel(values, factors), "flows_spec", "the NPV of these amounts overflows a float"
    )


def flows_from_spec(flows_spec: Sequence[Any], horizon: int | None = None) -> list[float]:
    """The most likely amounts of a flow spec as a yearly series for the metric functions.

    Amounts of the same year are added.

    Parameters
    ----------
    flows_spec : sequence
        Flows ``(year, most_likely[, range])``, see the module docstring.
    horizon : int, optional
        Length of the series minus one (1 to 100); default the last year with a flow. A flow
        after the horizon is an error.

    Returns
    -------
    list of float
        ``horizon + 1`` amounts, year 0 first.

    Examples
    --------
    >>> flows_from_spec([(0, -1000), (1, 300), (1, 50, (40, 60))], horizon=3)
    [-1000.0, 350.0, 0.0, 0.0]
    """
    flows = _spec(flows_spec)
    last = max(f.year for f in flows)
    n = last if horizon is None else _integer(horizon, "horizon", 1, MAX_HORIZON)
    series = [0.0] * (n + 1)
    for i, f in enumerate(flows):
        if f.year > n:
            raise CalcError(
                f"flows_spec[{i}].year", f"year {f.year} is after the horizon of {n} years"
            )
        series[f.year] += f.most_likely
    return series


def spec_npv(flows_spec: Sequence[Any], rate: float) -> float:
    """Deterministic NPV of a flow spec: every flow at its most likely amount.

    Equal, up to rounding in the last digits, to ``npv(rate, flows_from_spec(flows_spec))``;
    equal *exactly* to every draw of :func:`simulate` when no flow is uncertain.

    Examples
    --------
    >>> round(spec_npv([(0, -1000), (1, 300), (2, 400), (3, 500, (300, 600))], 0.10), 2)
    -21.04
    """
    flows, factors = _spec_inputs(flows_spec, rate)
    return _spec_total([f.most_likely for f in flows], factors)


@dataclass(frozen=True)
class Histogram:
    """Counts of the simulated NPVs: ``counts[i]`` in ``[edges[i], edges[i + 1])`` (the last
    bin includes its right edge)."""

    edges: tuple[float, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True)
class SimulationResult:
    """Distribution of the NPV over the Monte Carlo draws.

    Attributes
    ----------
    draws, distribution, seed
        The simulation's parameters (``seed`` None: not reproducible).
    deterministic_npv : float
        NPV at the most likely amounts (:func:`spec_npv`).
    mean, std, minimum, maximum : float
        Of the simulated NPVs (``std`` with ddof 1).
    p10, p50, p90 : float
        Percentiles (linear interpolation): 80 % of the draws lie between p10 and p90.
    prob_npv_positive : float
        Share of the draws with NPV > 0, in [0, 1].
    histogram : Histogram
        30 equal bins between the minimum and the maximum (one bin when they are equal or
        too close to be cut into 30).
    """

    draws: int
    distribution: str
    seed: int | None
    deterministic_npv: float
    mean: float
    std: float
    minimum: float
    maximum: float
    p10: float
    p50: float
    p90: float
    prob_npv_positive: float
    histogram: Histogram


def _sample(
    rng: np.random.Generator, ranges: np.ndarray, draws: int, distribution: str
) -> np.ndarray:
    """A (draws x k) matrix of amounts, one column per ``(min, mode, max)`` row of ``ranges``
    (each with max > min)."""
    low, mode, high = ranges[:, 0], ranges[:, 1], ranges[:, 2]
    width = high - low
    if distribution == "pert":
        alpha = 1.0 + PERT_LAMBDA * (mode - low) / width
        beta = 1.0 + PERT_LAMBDA * (high - mode) / width
        samples = low + width * rng.beta(alpha, beta, size=(draws, low.size))
    else:
        samples = rng.triangular(low, mode, high, size=(draws, low.size))
    return np.clip(samples, low, high)


def simulate(
    flows_spec: Sequence[Any],
    rate: float,
    draws: int = 100_000,
    seed: int | None = None,
    distribution: Literal["pert", "triangular"] = "pert",
) -> SimulationResult:
    """Monte Carlo distribution of the NPV of a flow spec.

    Each uncertain flow is drawn independently from its ``(min, mode, max)`` range, by PERT
    (Beta with ``alpha = 1 + 4 (mode - min) / (max - min)``, ``beta = 1 + 4 (max - mode) /
    (max - min)``, scaled to the range) or the triangular distribution; certain flows and
    zero-width ranges stay at their amount. All draws are generated at once as one
    (draws x flows) matrix. A flow with a zero-width range gives exactly :func:`spec_npv` in
    every draw (bit for bit), and the same seed gives identical results.

    Parameters
    ----------
    flows_spec : sequence
        Flows ``(year, most_likely[, range])``, see the module docstring.
    rate : float
        Discount rate per year, above -1.
    draws : int, default 100_000
        Number of draws, 1 to 1,000,000.
    seed : int, optional
        Non-negative seed of numpy's default generator (PCG64).
    distribution : {"pert", "triangular"}, default "pert"

    Returns
    -------
    SimulationResult

    Examples
    --------
    >>> spec = [(0, -1000, (-1100, -1000, -950)), (1, 600, (400, 600, 700)), (2, 600)]
    >>> result = simulate(spec, 0.08, draws=10_000, seed=1)
    >>> result.p10 <= result.p50 <= result.p90, 0.0 <= result.prob_npv_positive <= 1.0
    (True, True)
    >>> len(result.histogram.counts), sum(result.histogram.counts)
    (30, 10000)
    """
    flows, factors = _spec_inputs(flows_spec, rate)
    n_draws = _integer(draws, "draws", 1, MAX_DRAWS)
    if seed is not None:
        seed = _integer(seed, "seed", 0, 2**63 - 1)
    if distribution not in ("pert", "triangular"):
        raise CalcError("distribution", "must be 'pert' or 'triangular'")
    uncertain = [i for i, f in enumerate(flows) if f.range is not None and f.range[2] > f.range[0]]
    if n_draws * len(flows) > MAX_SAMPLES:
        raise CalcError(
            "draws",
            f"{n_draws} draws of {len(flows)} flows is more than {MAX_SAMPLES:,} amounts; "
            f"use fewer draws",
        )
    deterministic = _spec_total([f.most_likely for f in flows], factors)

    # One (draws x flows) matrix of amounts, column-major so each flow's draws are contiguous.
    amounts = np.empty((n_draws, len(flows)), order="F")
    for i, f in enumerate(flows):
        amounts[:, i] = f.most_likely
    if uncertain:
        rng = np.random.default_rng(seed)
        ranges = np.array([flows[i].range for i in uncertain], dtype=float)
        amounts[:, uncertain] = _sample(rng, ranges, n_draws, distribution)
    # The same operations, in the same order, as _kernel: flow by flow.
    npvs = np.zeros(n_draws)
    with np.errstate(over="ignore", invalid="ignore"):
        for i, factor in enumerate(factors):
            npvs += amounts[:, i] * factor
    if not np.all(np.isfinite(npvs)):
        raise CalcError("flows_spec", "the NPV of these amounts overflows a float")

    low, high = float(npvs.min()), float(npvs.max())
    if low == high:
        mean = std = None
        edges, counts = (low, high), (n_draws,)
    else:
        mean = float(npvs.mean())
        std = float(npvs.std(ddof=1)) if n_draws > 1 else 0.0
        try:
            bin_counts, bin_edges = np.histogram(npvs, bins=HISTOGRAM_BINS)
            edges, counts = tuple(bin_edges.tolist()), tuple(bin_counts.tolist())
        except ValueError:  # a spread of a few ulps cannot be cut into 30 distinct bins
            edges, counts = (low, high), (n_draws,)
    p10, p50, p90 = (min(max(float(p), low), high) for p in np.percentile(npvs, [10, 50, 90]))
    return SimulationResult(
        draws=n_draws,
        distribution=distribution,
        seed=seed,
        deterministic_npv=deterministic,
        # The mean of equal values is that value; floating sums could miss it by an ulp.
        mean=low if mean is None else min(max(mean, low), high),
        std=0.0 if std is None else std,
        minimum=low,
        maximum=high,
        p10=p10,
        p50=p50,
        p90=p90,
        prob_npv_positive=float(np.count_nonzero(npvs > 0)) / n_draws,
        histogram=Histogram(edges=edges, counts=counts),
    )


@dataclass(frozen=True)
class TornadoBar:
    """The NPV when one uncertain flow is at its min and at its max, the others most likely.

    ``index`` is the flow's position in the flow spec; ``swing = |npv_at_max - npv_at_min|``.
    """

    index: int
    year: int
    minimum: float
    maximum: float
    npv_at_min: float
    npv_at_max: float
    swing: float


@dataclass(frozen=True)
class TornadoResult:
    """The base NPV (all most likely) and one bar per flow with a range, largest swing first."""

    base_npv: float
    bars: tuple[TornadoBar, ...]


def tornado(flows_spec: Sequence[Any], rate: float) -> TornadoResult:
    """One-at-a-time sensitivity of the NPV to each uncertain flow (a tornado diagram).

    Parameters
    ----------
    flows_spec : sequence
        Flows ``(year, most_likely[, range])``; flows without a range get no bar.
    rate : float
        Discount rate per year, above -1.

    Returns
    -------
    TornadoResult
        Bars sorted by swing, largest first (ties in flow-spec order).

    Examples
    --------
    >>> spec = [(0, -1000, (-1200, -1000, -900)), (1, 1100, (1000, 1100, 1500))]
    >>> [(bar.index, round(bar.swing, 2)) for bar in tornado(spec, 0.10).bars]
    [(1, 454.55), (0, 300.0)]
    """
    flows, factors = _spec_inputs(flows_spec, rate)
    base = [f.most_likely for f in flows]
    bars = []
    for i, f in enumerate(flows):
        if f.range is None:
            continue
        low, _, high = f.range
        at_min = _spec_total([*base[:i], low, *base[i + 1 :]], factors)
        at_max = _spec_total([*base[:i], high, *base[i + 1 :]], factors)
        bars.append(TornadoBar(i, f.year, low, high, at_min, at_max, abs(at_max - at_min)))
    bars.sort(key=lambda bar: -bar.swing)
    return TornadoResult(base_npv=_spec_total(base, factors), bars=tuple(bars))


def break_even(flows_spec: Sequence[Any], rate: float, index: int) -> float | None:
    """The amount of one flow at which the NPV is zero, the others at their most likely.

    NPV is linear in each flow, so the amount is ``-(NPV of the other flows) / discount
    factor of its year``.

    Parameters
    ----------
    flows_spec : sequence
        Flows ``(year, most_likely[, range])``.
    rate : float
        Discount rate per year, above -1.
    index : int
        Position of the flow in ``flows_spec``.

    Returns
    -------
    float or None
        The break-even amount (signed like the flows); ``None`` if the flow cannot move the
        NPV (its discounted weight is zero) or the amount is beyond a float.

    Examples
    --------
    >>> round(break_even([(0, -1000), (1, 300), (2, 400), (3, 500)], 0.10, 3), 2)
    528.0
    """
    flows, factors = _spec_inputs(flows_spec, rate)
    if not _is_number(index) or isinstance(index, float | Decimal):
        raise CalcError("index", "must be the whole-number position of a flow")
    i = _integer(index, "index", 0, len(flows) - 1)
    others = _spec_total([0.0 if k == i else f.most_likely for k, f in enumerate(flows)], factors)
    if factors[i] == 0 or not math.isfinite(factors[i]):
        return None
    value = -others / factors[i]
    return value + 0.0 if math.isfinite(value) else None


# --------------------------------------------------------------------------- AHP


@dataclass(frozen=True)
class AhpResult:
    """Priorities derived from a pairwise comparison matrix.

    Attributes
    ----------
    weights : tuple of float
        The principal eigenvector, normalised to sum to 1.
    lambda_max : float
        The principal eigenvalue (``n`` for perfectly consistent judgements).
    consistency_index : float
        ``(lambda_max - n) / (n - 1)``; 0 for n <= 2.
    random_index : float
        Saaty's RI for ``n``.
    consistency_ratio : float
        ``consistency_index / random_index``; 0 for n <= 2.
    most_inconsistent : tuple of int or None
        ``(i, j)``, ``i < j``: the judgement ``a[i][j]`` furthest (as a ratio) from the
        ``w[i] / w[j]`` the weights imply; None when all judgements agree with the weights.
    warning : str or None
        Set when the consistency ratio is above 0.10; names the most inconsistent judgement.
    """

    weights: tuple[float, ...]
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float
    most_inconsistent: tuple[int, int] | None
    warning: str | None


def _pairwise(matrix: Any, path: str) -> np.ndarray:
    """A validated comparison matrix, with each pair reconciled to exact reciprocals by the
    geometric mean ``a[i][j] <- sqrt(a[i][j] / a[j][i])`` and the diagonal set to 1."""
    rows = _sequence(matrix, path, "rows of a square matrix")
    n = len(rows)
    if n == 0:
        raise CalcError(path, "must have at least one row")
    if n > len(SAATY_RANDOM_INDEX):
        raise CalcError(path, f"compares at most {len(SAATY_RANDOM_INDEX)} items, got {n}")
    a = np.empty((n, n))
    for i, row in enumerate(rows):
        cells = _sequence(row, f"{path}[{i}]", "numbers")
        if len(cells) != n:
            raise CalcError(f"{path}[{i}]", f"must have {n} entries (a square matrix)")
        for j, cell in enumerate(cells):
            a[i, j] = _number(cell, f"{path}[{i}][{j}]")
            if a[i, j] <= 0:
                raise CalcError(f"{path}[{i}][{j}]", f"must be positive, got {a[i, j]:g}")
    for i in range(n):
        if abs(a[i, i] - 1) > RECIPROCAL_TOLERANCE:
            raise CalcError(
                f"{path}[{i}][{i}]", f"must be 1 (an item against itself), got {a[i, i]:g}"
            )
        for j in range(i + 1, n):
            if abs(a[i, j] * a[j, i] - 1) > RECIPROCAL_TOLERANCE:
                raise CalcError(
                    f"{path}[{j}][{i}]",
                    f"must be the reciprocal of {path}[{i}][{j}] = {a[i, j]:g}, i.e. "
                    f"{1 / a[i, j]:.4g}; got {a[j, i]:g}",
                )
    ratio = np.sqrt(a / a.T)
    upper = np.triu(ratio, 1)
    result = upper + np.tril(1.0 / ratio.T, -1)
    np.fill_diagonal(result, 1.0)
    return result


def ahp(matrix: Sequence[Sequence[float]], labels: Sequence[str] | None = None) -> AhpResult:
    """Weights from a pairwise comparison matrix by Saaty's eigenvector method.

    ``matrix[i][j]`` says how much more important item ``i`` is than item ``j`` (Saaty's 1-9
    scale and its reciprocals, though any positive ratio is accepted). The matrix must be
    square (1 to 15 items), positive, with 1 on the diagonal and ``matrix[j][i] ==
    1 / matrix[i][j]`` within a relative 1e-3 (0.3333 for 1/3 passes; 0.33 does not).

    Parameters
    ----------
    matrix : sequence of sequences of float
        The n x n comparison matrix.
    labels : sequence of str, optional
        Names of the items, used in the warning; default ``#0``, ``#1``...

    Returns
    -------
    AhpResult

    Examples
    --------
    >>> result = ahp([[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]])
    >>> [round(w, 3) for w in result.weights], round(result.consistency_ratio, 3)
    ([0.637, 0.258, 0.105], 0.033)
    """
    a = _pairwise(matrix, "matrix")
    n = a.shape[0]
    if labels is not None:
        labels = [str(label) for label in _sequence(labels, "labels", "names")]
        if len(labels) != n:
            raise CalcError("labels", f"must name the {n} items of the matrix")
    names = labels or [f"#{i}" for i in range(n)]
    random_index = SAATY_RANDOM_INDEX[n - 1]
    if n == 1:
        return AhpResult((1.0,), 1.0, 0.0, random_index, 0.0, None, None)
    eigenvalues, eigenvectors = np.linalg.eig(a)
    k = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[k].real)
    vector = np.abs(eigenvectors[:, k].real)
    weights = vector / vector.sum()
    ci = max((lambda_max - n) / (n - 1), 0.0) if n > 2 else 0.0
    cr = ci / random_index if n > 2 else 0.0
    # How far each judgement is, as a ratio, from what the weights imply.
    deviation = np.abs(np.log(a * weights[None, :] / weights[:, None]))
    deviation = np.triu(deviation, 1)
    i, j = (int(x) for x in np.unravel_index(np.argmax(deviation), deviation.shape))
    most = (i, j) if deviation[i, j] > 1e-9 else None
    warning = None
    if cr > CONSISTENCY_THRESHOLD and most is not None:
        warning = (
            f"the consistency ratio is {cr:.3f}, above {CONSISTENCY_THRESHOLD:.2f}: revise the "
            f"judgements. The most inconsistent is {names[i]} vs {names[j]} "
            f"(matrix[{i}][{j}] = {a[i, j]:.4g}, while the other judgements imply about "
            f"{weights[i] / weights[j]:.3g})"
        )
    return AhpResult(
        weights=tuple(float(w) for w in weights),
        lambda_max=lambda_max,
        consistency_index=ci,
        random_index=random_index,
        consistency_ratio=cr,
        most_inconsistent=most,
        warning=warning,
    )


def aggregate_judgements(matrices: Sequence[Sequence[Sequence[float]]]) -> list[list[float]]:
    """Combine several people's comparison matrices by the element-wise geometric mean.

    The geometric mean (Aczel & Saaty's aggregation of individual judgements) keeps the
    result reciprocal, which an arithmetic mean would not.

    Parameters
    ----------
    matrices : sequence of matrices
        One n x n comparison matrix per person, each valid for :func:`ahp`.

    Returns
    -------
    list of list of float
        The aggregated n x n matrix, ready for :func:`ahp`.

    Examples
    --------
    >>> aggregate_judgements([[[1, 4], [1/4, 1]], [[1, 1], [1, 1]]])
    [[1.0, 2.0], [0.5, 1.0]]
    """
    items = _sequence(matrices, "matrices", "comparison matrices")
    if not items:
        raise CalcError("matrices", "needs at least one matrix")
    checked = [_pairwise(m, f"matrices[{k}]") for k, m in enumerate(items)]
    n = checked[0].shape[0]
    for k, m in enumerate(checked):
        if m.shape[0] != n:
            raise CalcError(f"matrices[{k}]", f"must be {n} x {n} like matrices[0]")
    mean = np.exp(np.mean(np.log(np.stack(checked)), axis=0))
    # Exact reciprocals and a diagonal of exactly 1, whatever the rounding of exp/log.
    result = np.triu(mean, 1) + np.tril(1.0 / mean.T, -1)
    np.fill_diagonal(result, 1.0)
    return result.tolist()


# --------------------------------------------------------------------------- MCDA


@dataclass(frozen=True)
class McdaResult:
    """Scores and ranking of the alternatives (rows of the score matrix).

    Attributes
    ----------
    method : str
        ``weighted_sum`` or ``topsis``.
    scores : tuple of float
        One per alternative, higher is better: the weighted sum of normalised scores, or the
        TOPSIS closeness coefficient in [0, 1].
    ranking : tuple of int
        Alternative indices, best first (ties in input order).
    ranks : tuple of int
        Each alternative's rank, 1 = best (equal scores share a rank: 1, 2, 2, 4).
    ideal_distances, anti_ideal_distances : tuple of float or None
        TOPSIS only: the distances to the ideal and anti-ideal alternatives.
    """

    method: str
    scores: tuple[float, ...]
    ranking: tuple[int, ...]
    ranks: tuple[int, ...]
    ideal_distances: tuple[float, ...] | None = None
    anti_ideal_distances: tuple[float, ...] | None = None


def _scores(scores: Any) -> np.ndarray:
    rows = _sequence(scores, "scores", "rows (one per alternative) of criterion scores")
    if not rows:
        raise CalcError("scores", "needs at least one alternative")
    matrix = [
        [
            _number(x, f"scores[{i}][{j}]")
            for j, x in enumerate(_sequence(row, f"scores[{i}]", "numbers"))
        ]
        for i, row in enumerate(rows)
    ]
    n = len(matrix[0])
    if n == 0:
        raise CalcError("scores[0]", "needs at least one criterion")
    for i, row in enumerate(matrix):
        if len(row) != n:
            raise CalcError(f"scores[{i}]", f"must have {n} scores, one per criterion")
    return np.array(matrix, dtype=float)


def _weights(weights: Any, n: int) -> np.ndarray:
    items = _sequence(weights, "weights", "numbers, one per criterion")
    if len(items) != n:
        raise CalcError("weights", f"must have {n} weights, one per criterion; got {len(items)}")
    w = np.array([_number(x, f"weights[{j}]") for j, x in enumerate(items)])
    for j, x in enumerate(w):
        if x < 0:
            raise CalcError(f"weights[{j}]", f"must not be negative, got {x:g}")
    total = math.fsum(w)
    if abs(total - 1) > WEIGHT_SUM_TOLERANCE:
        raise CalcError(
            "weights",
            f"must sum to 1, they sum to {total:.6g}: normalise them (normalise_weights() "
            f"divides each by the sum)",
        )
    return w


def _types(types: Any, n: int) -> np.ndarray:
    items = _sequence(types, "types", "'benefit' or 'cost', one per criterion")
    if len(items) != n:
        raise CalcError("types", f"must have {n} entries, one per criterion; got {len(items)}")
    for j, kind in enumerate(items):
        if kind not in ("benefit", "cost"):
            raise CalcError(f"types[{j}]", f"must be 'benefit' or 'cost', got {kind!r}")
    return np.array([kind == "benefit" for kind in items])


def _mcda_inputs(
    scores: Any, weights: Any, types: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = _scores(scores)
    return x, _weights(weights, x.shape[1]), _types(types, x.shape[1])


def _ranking(values: np.ndarray) -> tuple[tuple[int, ...], tuple[int, ...]]:
    order = np.argsort(-values, kind="stable")
    ranks = [1 + int(np.count_nonzero(values > v)) for v in values]
    return tuple(int(i) for i in order), tuple(ranks)


def normalise_weights(weights: Sequence[float]) -> list[float]:
    """Scale non-negative weights to sum to 1.

    Examples
    --------
    >>> normalise_weights([2, 1, 1])
    [0.5, 0.25, 0.25]
    """
    items = _sequence(weights, "weights", "numbers")
    w = [_number(x, f"weights[{j}]") for j, x in enumerate(items)]
    for j, x in enumerate(w):
        if x < 0:
            raise CalcError(f"weights[{j}]", f"must not be negative, got {x:g}")
    total = math.fsum(w)
    if total <= 0:
        raise CalcError("weights", "need at least one positive weight")
    return [x / total for x in w]


def _normalise_linear(x: np.ndarray, benefit: np.ndarray, normalisation: str) -> np.ndarray:
    if normalisation == "minmax":
        low, high = x.min(axis=0), x.max(axis=0)
        span = high - low
        safe = np.where(span > 0, span, 1.0)
        scaled = np.where(benefit, (x - low) / safe, (high - x) / safe)
        return np.where(span > 0, scaled, 1.0)
    for (i, j), value in np.ndenumerate(x):
        if value <= 0:
            raise CalcError(f"scores[{i}][{j}]", "must be positive for 'max' normalisation")
    return np.where(benefit, x / x.max(axis=0), x.min(axis=0) / x)


def weighted_sum(
    scores: Sequence[Sequence[float]],
    weights: Sequence[float],
    types: Sequence[str],
    normalisation: Literal["minmax", "max"] = "minmax",
) -> McdaResult:
    """Rank alternatives by the weighted sum of their normalised criterion scores.

    Normalisation per criterion (column), to [0, 1], higher always better:

    * ``"minmax"`` (default): benefit ``(x - min) / (max - min)``, cost
      ``(max - x) / (max - min)``; the best alternative gets 1, the worst 0; a criterion on
      which all alternatives score the same gives 1 to all (it cannot discriminate).
    * ``"max"``: benefit ``x / max``, cost ``min / x``; keeps ratios; needs positive scores.

    Parameters
    ----------
    scores : sequence of sequences of float
        ``scores[i][j]``: alternative ``i`` on criterion ``j``.
    weights : sequence of float
        Non-negative, one per criterion, summing to 1 within 1e-6 (see
        :func:`normalise_weights`).
    types : sequence of {"benefit", "cost"}
        Benefit: more is better; cost: less is better.
    normalisation : {"minmax", "max"}, default "minmax"

    Returns
    -------
    McdaResult

    Examples
    --------
    >>> result = weighted_sum([[7, 300], [9, 400], [5, 250]], [0.6, 0.4], ["benefit", "cost"])
    >>> [round(s, 3) for s in result.scores], result.ranking
    ([0.567, 0.6, 0.4], (1, 0, 2))
    """
    x, w, benefit = _mcda_inputs(scores, weights, types)
    if normalisation not in ("minmax", "max"):
        raise CalcError("normalisation", "must be 'minmax' or 'max'")
    values = _normalise_linear(x, benefit, normalisation) @ w
    ranking, ranks = _ranking(values)
    return McdaResult("weighted_sum", tuple(float(v) for v in values), ranking, ranks)


def _vector_normalised(x: np.ndarray) -> np.ndarray:
    norms = np.sqrt((x**2).sum(axis=0))
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


def _topsis_batch(
    r: np.ndarray, w: np.ndarray, benefit: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Closeness, ideal and anti-ideal distances for a batch of weight vectors ``w`` (m x n)
    over the vector-normalised matrix ``r`` (alternatives x n)."""
    v = r[None, :, :] * w[:, None, :]
    best = np.where(benefit, v.max(axis=1), v.min(axis=1))[:, None, :]
    worst = np.where(benefit, v.min(axis=1), v.max(axis=1))[:, None, :]
    d_plus = np.sqrt(((v - best) ** 2).sum(axis=2))
    d_minus = np.sqrt(((v - worst) ** 2).sum(axis=2))
    total = d_plus + d_minus
    # Both distances are 0 only if every alternative is the same on every weighted criterion.
    closeness = np.divide(d_minus, total, out=np.full_like(total, 0.5), where=total > 0)
    return closeness, d_plus, d_minus


def topsis(
    scores: Sequence[Sequence[float]], weights: Sequence[float], types: Sequence[str]
) -> McdaResult:
    """Rank alternatives by TOPSIS (Hwang & Yoon 1981): closeness to the ideal alternative.

    Each criterion is vector-normalised (``x / sqrt(sum of x**2)``) and weighted; the ideal
    takes the best value of each criterion (max for benefits, min for costs), the anti-ideal
    the worst; the score is the closeness coefficient ``d- / (d+ + d-)`` of the Euclidean
    distances to the ideal (d+) and anti-ideal (d-). Alternatives identical on every weighted
    criterion all get 0.5.

    Parameters
    ----------
    scores, weights, types
        As for :func:`weighted_sum`.

    Returns
    -------
    McdaResult
        With ``ideal_distances`` and ``anti_ideal_distances``.

    Examples
    --------
    >>> result = topsis([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]], [0.3, 0.4, 0.3],
    ...                 ["benefit"] * 3)
    >>> [round(c, 4) for c in result.scores], result.ranking
    ([0.5037, 0.6581, 0.7482, 0.334], (2, 1, 0, 3))
    """
    x, w, benefit = _mcda_inputs(scores, weights, types)
    closeness, d_plus, d_minus = _topsis_batch(_vector_normalised(x), w[None, :], benefit)
    ranking, ranks = _ranking(closeness[0])
    return McdaResult(
        "topsis",
        tuple(float(c) for c in closeness[0]),
        ranking,
        ranks,
        ideal_distances=tuple(float(d) for d in d_plus[0]),
        anti_ideal_distances=tuple(float(d) for d in d_minus[0]),
    )


@dataclass(frozen=True)
class WeightSensitivity:
    """How much one criterion's weight must change before another alternative comes first.

    Attributes
    ----------
    criterion : int
        The criterion's index.
    weight : float
        Its current weight.
    delta : float or None
        The smallest change (signed: negative means lower the weight) that changes the top
        alternative, the other weights rescaled proportionally; None if no weight in [0, 1]
        changes it.
    threshold_weight : float or None
        ``weight + delta``.
    new_top : int or None
        The alternative that comes first past the threshold.
    """

    criterion: int
    weight: float
    delta: float | None
    threshold_weight: float | None
    new_top: int | None


def _reweighted(w: np.ndarray, j: int, new: np.ndarray) -> np.ndarray:
    """Weight vectors with ``w[j]`` set to each of ``new`` and the others scaled to sum to
    ``1 - new`` in proportion (equally if they are all 0)."""
    rest = np.delete(w, j)
    share = rest / rest.sum() if rest.sum() > 0 else np.full(rest.size, 1.0 / rest.size)
    batch = (1.0 - new)[:, None] * share[None, :]
    return np.insert(batch, j, new, axis=1)


def weight_sensitivity(
    scores: Sequence[Sequence[float]],
    weights: Sequence[float],
    types: Sequence[str],
    method: Literal["weighted_sum", "topsis"] = "topsis",
) -> list[WeightSensitivity]:
    """For each criterion, the smallest change of its weight that changes the top alternative.

    The criterion's weight is moved up towards 1 and down towards 0, the other weights
    rescaled in proportion so that the total stays 1; the change is first found on a grid of
    step 0.001 and then refined by bisection to ~1e-12. A change that happens and reverts
    within one grid step can be missed. ``weighted_sum`` uses min-max normalisation.

    Parameters
    ----------
    scores, weights, types
        As for :func:`weighted_sum`.
    method : {"weighted_sum", "topsis"}, default "topsis"

    Returns
    -------
    list of WeightSensitivity
        One per criterion, in criterion order.

    Examples
    --------
    >>> result = weight_sensitivity([[1, 0], [0, 1]], [0.6, 0.4], ["benefit", "benefit"],
    ...                             method="weighted_sum")
    >>> [(s.criterion, round(s.delta, 6), s.new_top) for s in result]
    [(0, -0.1, 1), (1, 0.1, 1)]
    """
    x, w, benefit = _mcda_inputs(scores, weights, types)
    if method == "weighted_sum":
        normalised = _normalise_linear(x, benefit, "minmax")

        def tops(batch: np.ndarray) -> np.ndarray:
            return np.argmax(batch @ normalised.T, axis=1)

    elif method == "topsis":
        normalised = _vector_normalised(x)

        def tops(batch: np.ndarray) -> np.ndarray:
            return np.argmax(_topsis_batch(normalised, batch, benefit)[0], axis=1)

    else:
        raise CalcError("method", "must be 'weighted_sum' or 'topsis'")

    top = int(tops(w[None, :])[0])
    results = []
    for j in range(w.size):
        best: tuple[float, int] | None = None
        if w.size > 1:
            for end in (0.0, 1.0):
                steps = max(2, math.ceil(abs(end - w[j]) / SENSITIVITY_STEP) + 1)
                grid = np.linspace(w[j], end, steps)
                changed = np.flatnonzero(tops(_reweighted(w, j, grid)) != top)
                if changed.size == 0:
                    continue
                if changed[0] == 0:  # a tie at the current weights: any change decides it
                    inside = outside = grid[0]
                else:
                    inside, outside = grid[changed[0] - 1], grid[changed[0]]
                for _ in range(60):
                    middle = (inside + outside) / 2
                    if middle in (inside, outside):
                        break
                    if tops(_reweighted(w, j, np.array([middle])))[0] == top:
                        inside = middle
                    else:
                        outside = middle
                new_top = int(tops(_reweighted(w, j, np.array([outside])))[0])
                if best is None or abs(outside - w[j]) < abs(best[0] - w[j]):
                    best = (float(outside), new_top)
        if best is None:
            results.append(WeightSensitivity(j, float(w[j]), None, None, None))
        else:
            results.append(
                WeightSensitivity(j, float(w[j]), best[0] - float(w[j]), best[0], best[1])
            )
    return results
