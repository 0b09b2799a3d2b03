"""Constants, errors and input checks shared by the calculators."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import numpy as np
import numpy_financial as npf

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
    >>> from openmis.appraisal.calc import npv
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


def _lines(value: Any, path: str = "flows") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The lines of a series: ``(net, costs, benefits)`` per year, costs as positive amounts.

    Each item of ``value`` is a year: one amount (one line) or a list of the amounts of that
    year's lines. A line is a cost or a benefit by its own sign, before the year is netted.
    """
    items = _sequence(value, path, "amounts by year (year 0 first)")
    horizon = len(items) - 1
    if not 1 <= horizon <= MAX_HORIZON:
        _flows(items, path)  # raises the horizon error
    net = np.zeros(len(items))
    costs = np.zeros(len(items))
    benefits = np.zeros(len(items))
    for t, item in enumerate(items):
        if _is_number(item):
            amounts = [_number(item, f"{path}[{t}]")]
        else:
            year = _sequence(item, f"{path}[{t}]", "amounts (the lines of the year)")
            amounts = [_number(x, f"{path}[{t}][{i}]") for i, x in enumerate(year)]
        net[t] = math.fsum(amounts)
        costs[t] = -math.fsum(a for a in amounts if a < 0) + 0.0
        benefits[t] = math.fsum(a for a in amounts if a > 0)
    if not (np.all(np.isfinite(net)) and np.all(np.isfinite(costs + benefits))):
        raise CalcError(path, "the total of a year overflows a float")
    return net, costs, benefits


def _net(value: Any, path: str = "flows") -> np.ndarray:
    """The yearly series of ``value``, a year's lines (a list of amounts) netted."""
    items = _sequence(value, path, "amounts by year (year 0 first)")
    if all(_is_number(item) for item in items):
        return _flows(items, path)
    return _lines(items, path)[0]


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
