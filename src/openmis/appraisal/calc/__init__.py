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
Risk: :func:`flows_from_spec`, :func:`lines_from_spec`, :func:`spec_npv`, :func:`simulate`,
:func:`tornado`,
:func:`break_even`.
Criteria weights: :func:`ahp`, :func:`aggregate_judgements`.
Ranking: :func:`normalise_weights`, :func:`weighted_sum`, :func:`topsis`,
:func:`weight_sensitivity`.
"""

from openmis.appraisal.calc._base import (  # noqa: F401  (the public API)
    CONSISTENCY_THRESHOLD,
    HISTOGRAM_BINS,
    MAX_DRAWS,
    MAX_HORIZON,
    MAX_SAMPLES,
    PERT_LAMBDA,
    RECIPROCAL_TOLERANCE,
    SAATY_RANDOM_INDEX,
    SENSITIVITY_STEP,
    WEIGHT_SUM_TOLERANCE,
    CalcError,
)
from openmis.appraisal.calc.cashflow import (
    IrrResult,
    benefit_cost_ratio,
    discounted_payback_years,
    discounted_tco,
    equivalent_annual_cost,
    irr,
    mirr,
    npv,
    payback_years,
    roi,
    tco,
)
from openmis.appraisal.calc.mcda import (
    AhpResult,
    McdaResult,
    aggregate_judgements,
    ahp,
    normalise_weights,
    topsis,
    weighted_sum,
)
from openmis.appraisal.calc.risk import (
    Flow,
    Histogram,
    SimulationResult,
    flows_from_spec,
    lines_from_spec,
    simulate,
    spec_npv,
)
from openmis.appraisal.calc.sensitivity import WeightSensitivity, weight_sensitivity
from openmis.appraisal.calc.tornado import TornadoBar, TornadoResult, break_even, tornado

__all__ = [
    "CONSISTENCY_THRESHOLD",
    "MAX_DRAWS",
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
    "lines_from_spec",
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
