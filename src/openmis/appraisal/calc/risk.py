"""Risk analysis over ranged cash flows: Monte Carlo, tornado, break-even."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, NamedTuple

import numpy as np

from openmis.appraisal.calc._base import (
    HISTOGRAM_BINS,
    MAX_DRAWS,
    MAX_HORIZON,
    MAX_SAMPLES,
    PERT_LAMBDA,
    CalcError,
    _discount_factors,
    _finite,
    _integer,
    _is_number,
    _number,
    _rate,
    _sequence,
)

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


def lines_from_spec(flows_spec: Sequence[Any], horizon: int | None = None) -> list[list[float]]:
    """The most likely amounts of a flow spec as lines by year, not netted.

    The form the metric functions take when costs and benefits must be told apart (TCO, ROI,
    benefit-cost ratio): item ``t`` lists the amounts of year ``t`` in flow-spec order.

    Examples
    --------
    >>> lines_from_spec([(0, -1000), (1, -100), (1, 160)], horizon=2)
    [[-1000.0], [-100.0, 160.0], []]
    """
    flows = _spec(flows_spec)
    series = flows_from_spec(flows_spec, horizon)  # checks the horizon and the years
    lines: list[list[float]] = [[] for _ in series]
    for f in flows:
        lines[f.year].append(f.most_likely)
    return lines


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
