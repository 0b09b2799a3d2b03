"""Risk analysis over ranged cash flows: Monte Carlo (the tornado and break-even are in
:mod:`openmis.appraisal.calc.tornado`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
    line : str or None
        The line (driver) the amount belongs to, e.g. "Hours saved": the amounts of one line
        in its several years share one draw in :func:`simulate` and one bar in
        :func:`tornado`. ``None``: the amount is a line of its own.
    """

    year: int
    most_likely: float
    range: tuple[float, float, float] | None = None
    line: str | None = None


def _flow(item: Any, path: str) -> Flow:
    if isinstance(item, Mapping):
        unknown = set(item) - {"year", "most_likely", "range", "line"}
        if unknown or "year" not in item or "most_likely" not in item:
            raise CalcError(
                path, "needs the keys 'year', 'most_likely' and optionally 'range' and 'line'"
            )
        year, most_likely, spread = item["year"], item["most_likely"], item.get("range")
        line = item.get("line")
    else:
        parts = _sequence(item, path, "(year, most_likely[, range[, line]])")
        if len(parts) not in (2, 3, 4):
            raise CalcError(
                path, "must be (year, most_likely), (year, most_likely, range) or with a line"
            )
        year, most_likely = parts[0], parts[1]
        spread = parts[2] if len(parts) >= 3 else None
        line = parts[3] if len(parts) == 4 else None
    if line is not None and not isinstance(line, str):
        raise CalcError(f"{path}.line", "must be the name of the line, or None")
    year = _integer(year, f"{path}.year", 0, MAX_HORIZON)
    most_likely = _number(most_likely, f"{path}.most_likely")
    if spread is None:
        return Flow(year, most_likely, None, line)
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
    return Flow(year, most_likely, (low, mode, high), line)


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


def _drivers(flows: Sequence[Flow], indices: Sequence[int]) -> list[int]:
    """The driver number of each flow of ``indices``: flows of the same line share one."""
    keys: dict[Any, int] = {}
    return [
        keys.setdefault(flows[i].line if flows[i].line is not None else ("flow", i), len(keys))
        for i in indices
    ]


def _rank_scores(
    rng: np.random.Generator, draws: int, drivers: int, correlation: float
) -> np.ndarray:
    """A (draws x drivers) matrix of normal scores whose ranks order each driver's draws.

    A Gaussian copula: scipy's multivariate normal with ``correlation`` between every two
    drivers, converted from the rank (Spearman) correlation asked for by Pearson's relation
    ``r = 2 sin(pi * rho_s / 6)`` for normal variables.
    """
    if correlation == 0 or drivers == 1:
        return rng.standard_normal((draws, drivers))
    from scipy.stats import multivariate_normal  # scipy.stats takes long to import: on use

    pearson = 2 * math.sin(math.pi * correlation / 6)
    matrix = np.full((drivers, drivers), pearson)
    np.fill_diagonal(matrix, 1.0)
    try:
        scores = multivariate_normal(mean=np.zeros(drivers), cov=matrix).rvs(
            size=draws, random_state=rng
        )
    except (ValueError, np.linalg.LinAlgError):
        lowest = -1 / (drivers - 1)
        raise CalcError(
            "correlation",
            f"{drivers} uncertain lines cannot all be correlated at {correlation:g}: a common "
            f"correlation of {drivers} lines must be above about {lowest:.2f}",
        ) from None
    return np.asarray(scores).reshape(draws, drivers)


def _amounts(
    flows: Sequence[Flow], n_draws: int, seed: int | None, distribution: str, rho: float
) -> np.ndarray:
    """The (draws x flows) matrix of simulated amounts, column-major so each flow's draws are
    contiguous: certain flows at their amount, the flows of one line drawn together."""
    uncertain = [i for i, f in enumerate(flows) if f.range is not None and f.range[2] > f.range[0]]
    amounts = np.empty((n_draws, len(flows)), order="F")
    for i, f in enumerate(flows):
        amounts[:, i] = f.most_likely
    if uncertain:
        rng = np.random.default_rng(seed)
        ranges = np.array([flows[i].range for i in uncertain], dtype=float)
        samples = _sample(rng, ranges, n_draws, distribution)
        drivers = _drivers(flows, uncertain)
        n_drivers = max(drivers) + 1
        if n_drivers < len(uncertain) or (rho != 0 and n_drivers > 1):
            # Each flow keeps its own distribution; its draws are put in the order of its
            # line's scores, so the flows of a line move together (and the lines as asked).
            ranks = np.argsort(np.argsort(_rank_scores(rng, n_draws, n_drivers, rho), axis=0), 0)
            samples = np.sort(samples, axis=0)
            samples = np.take_along_axis(samples, ranks[:, drivers], axis=0)
        amounts[:, uncertain] = samples
    return amounts


def simulate(
    flows_spec: Sequence[Any],
    rate: float,
    draws: int = 100_000,
    seed: int | None = None,
    distribution: Literal["pert", "triangular"] = "pert",
    correlation: float = 0.0,
) -> SimulationResult:
    """Monte Carlo distribution of the NPV of a flow spec.

    Each uncertain flow is drawn from its ``(min, mode, max)`` range, by PERT (Beta with
    ``alpha = 1 + 4 (mode - min) / (max - min)``, ``beta = 1 + 4 (max - mode) / (max - min)``,
    scaled to the range) or the triangular distribution; certain flows and zero-width ranges
    stay at their amount. All draws are generated at once as one (draws x flows) matrix. A
    flow with a zero-width range gives exactly :func:`spec_npv` in every draw (bit for bit),
    and the same seed gives identical results.

    Flows of the same *line* (``Flow.line``, e.g. "Hours saved" in years 1-5) share one draw:
    when hours saved turn out low in year 1 they are low in every year, at the same quantile of
    each year's range (the draws of each flow are reordered by the ranks of one score per
    line). Drawing each year independently would let the years cancel out and shrink the
    spread. Flows without a line are lines of their own. ``correlation`` is a rank (Spearman)
    correlation between every two lines, through a Gaussian copula (see :func:`_rank_scores`).

    Parameters
    ----------
    flows_spec : sequence
        Flows ``(year, most_likely[, range[, line]])``, see the module docstring.
    rate : float
        Discount rate per year, above -1.
    draws : int, default 100_000
        Number of draws, 1 to 1,000,000.
    seed : int, optional
        Non-negative seed of numpy's default generator (PCG64).
    distribution : {"pert", "triangular"}, default "pert"
    correlation : float, default 0
        Rank correlation between the lines, -1 to 1 (0: independent lines).

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
    rho = _number(correlation, "correlation")
    if not -1 <= rho <= 1:
        raise CalcError("correlation", f"must be between -1 and 1, got {rho:g}")
    if n_draws * len(flows) > MAX_SAMPLES:
        raise CalcError(
            "draws",
            f"{n_draws} draws of {len(flows)} flows is more than {MAX_SAMPLES:,} amounts; "
            f"use fewer draws",
        )
    deterministic = _spec_total([f.most_likely for f in flows], factors)

    amounts = _amounts(flows, n_draws, seed, distribution, rho)
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
