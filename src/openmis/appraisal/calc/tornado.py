"""Sensitivity of the NPV to each cash-flow line: tornado and break-even."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openmis.appraisal.calc._base import (
    CalcError,
    _integer,
    _is_number,
)
from openmis.appraisal.calc.risk import (
    _drivers,
    _spec_inputs,
    _spec_total,
)


@dataclass(frozen=True)
class TornadoBar:
    """The NPV when one uncertain line is at its min and at its max, the others most likely.

    A line (driver) is the flows sharing a ``Flow.line``, moved together over all their years;
    a flow without a line is a line of its own. ``index`` and ``year`` are those of the line's
    first flow, ``indices`` and ``years`` those of all its flows with a range; ``minimum`` and
    ``maximum`` are the sums of their ranges' ends; ``swing = |npv_at_max - npv_at_min|``.
    """

    index: int
    year: int
    minimum: float
    maximum: float
    npv_at_min: float
    npv_at_max: float
    swing: float
    line: str | None = None
    indices: tuple[int, ...] = ()
    years: tuple[int, ...] = ()


@dataclass(frozen=True)
class TornadoResult:
    """The base NPV (all most likely) and one bar per line with a range, largest swing first."""

    base_npv: float
    bars: tuple[TornadoBar, ...]


def tornado(flows_spec: Sequence[Any], rate: float) -> TornadoResult:
    """One-at-a-time sensitivity of the NPV to each uncertain line (a tornado diagram).

    Each line (the flows of one ``Flow.line``, e.g. "Hours saved" in years 1-5) is moved to
    the min of every one of its years, then to the max, the other lines staying most likely:
    a driver is ranked by what it can do over its whole life, not year by year.

    Parameters
    ----------
    flows_spec : sequence
        Flows ``(year, most_likely[, range[, line]])``; flows without a range get no bar.
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
    ranged = [i for i, f in enumerate(flows) if f.range is not None]
    groups: dict[int, list[int]] = {}
    for i, driver in zip(ranged, _drivers(flows, ranged), strict=True):
        groups.setdefault(driver, []).append(i)
    bars = []
    for members in groups.values():
        at_low, at_high = list(base), list(base)
        for i in members:
            at_low[i], at_high[i] = flows[i].range[0], flows[i].range[2]
        at_min = _spec_total(at_low, factors)
        at_max = _spec_total(at_high, factors)
        first = flows[members[0]]
        bars.append(
            TornadoBar(
                members[0],
                first.year,
                math.fsum(flows[i].range[0] for i in members),
                math.fsum(flows[i].range[2] for i in members),
                at_min,
                at_max,
                abs(at_max - at_min),
                first.line,
                tuple(members),
                tuple(flows[i].year for i in members),
            )
        )
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
