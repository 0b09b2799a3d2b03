"""Cash-flow metrics: NPV, TCO, IRR, MIRR, ROI, payback, benefit-cost ratio, EAC.

Every function takes ``flows``, one item per year: an amount, or the list of the amounts of
that year's lines (``[-200_000, [-100_000, 160_000], ...]``). NPV, IRR, MIRR, payback and EAC
are about the net cash flow and net each year's lines; TCO, ROI and the benefit-cost ratio
count every line as a cost or a benefit by its own sign, *before* netting (a year with
-100,000 of opex and +160,000 of savings has costs of 100,000, not a benefit of 60,000).
"""

# numpy-financial provides npv, irr and mirr and is used for them.

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy_financial as npf

from openmis.appraisal.calc._base import (
    _OVERFLOW,
    MAX_HORIZON,
    CalcError,
    _discount_factors,
    _finite,
    _integer,
    _lines,
    _net,
    _npf_npv,
    _rate,
)

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
    return _npf_npv(_rate(rate), _net(flows))


def tco(flows: Sequence[float]) -> float:
    """Nominal total cost of ownership: the sum of the cost lines, as a positive amount.

    Benefits (positive lines) are ignored; a year's lines are not netted first.

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
    >>> tco([-200_000] + [[-100_000, 160_000]] * 5)
    700000.0
    """
    return float(_lines(flows)[1].sum()) + 0.0


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
    >>> round(discounted_tco(0.09, [-200_000] + [[-100_000, 160_000]] * 5))
    588965
    """
    r = _rate(rate)
    costs = _lines(flows)[1]
    return _npf_npv(r, costs) + 0.0


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
    values = _net(flows)
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
    values = _net(flows)
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

    Undiscounted; totals over all years. Costs are the negative lines, benefits the positive
    ones, each line by its own sign before a year is netted.

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
    >>> round(roi([-200_000] + [[-100_000, 160_000]] * 5), 4)  # 800,000 / 700,000 - 1
    0.1429
    """
    _, cost_lines, benefit_lines = _lines(flows)
    costs = float(cost_lines.sum())
    if costs == 0:
        return None
    benefits = float(benefit_lines.sum())
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
    return _payback(_net(flows))


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
    values = _net(flows)
    return _payback(values * _discount_factors(r, np.arange(values.size)))


def benefit_cost_ratio(rate: float, flows: Sequence[float]) -> float | None:
    """Benefit-cost ratio: present value of the benefit lines / present value of the cost lines.

    Each line counts by its own sign, before a year is netted.

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
    >>> round(benefit_cost_ratio(0.09, [-200_000] + [[-100_000, 160_000]] * 5), 4)
    1.0567
    """
    r = _rate(rate)
    _, cost_lines, benefit_lines = _lines(flows)
    costs = _npf_npv(r, cost_lines)
    if costs == 0:
        return None
    benefits = _npf_npv(r, benefit_lines)
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
    values = _net(flows)
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
