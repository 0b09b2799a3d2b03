"""The priority score of an improvement (RICE): pure Python, no Django.

The score ranks the backlog: how many people an improvement reaches each month, how much it
helps each of them, how sure we are of both, against the work it takes.
"""

# ruff: noqa: RUF001, RUF002, RUF003  (the priority formula is written with × and ÷)

from __future__ import annotations

import math

#: The RICE impact scale: multipliers and their names (Intercom's original scale).
IMPACT_SCALE = {
    0.25: "minimal",
    0.5: "low",
    1.0: "medium",
    2.0: "high",
    3.0: "massive",
}

FORMULA = "reach × impact × confidence ÷ effort"


def priority_score(reach: float, impact: float, confidence: float, effort: float) -> float:
    """Priority of an improvement: ``reach × impact × confidence ÷ effort``.

    Parameters
    ----------
    reach
        People (or events) affected per month; not negative.
    impact
        Benefit to each of them on the RICE scale (0.25, 0.5, 1, 2, 3); not negative.
    confidence
        How sure the estimates are, in per cent (0 to 100).
    effort
        Work needed, in person-weeks; more than zero.

    Returns
    -------
    float
        The score, rounded to two decimals: reach × impact × (confidence / 100) ÷ effort.

    Raises
    ------
    ValueError
        If effort is zero or negative, or another input is negative, confidence is above 100,
        or any input is not a finite number.

    Examples
    --------
    >>> priority_score(reach=200, impact=2, confidence=80, effort=4)
    80.0
    >>> priority_score(reach=10, impact=0.5, confidence=50, effort=3)
    0.83
    """
    values = {"reach": reach, "impact": impact, "confidence": confidence, "effort": effort}
    for name, value in values.items():
        if value is None or not math.isfinite(float(value)):
            raise ValueError(f"{name} must be a finite number")
    if float(effort) <= 0:
        raise ValueError("effort must be more than zero")
    for name in ("reach", "impact", "confidence"):
        if float(values[name]) < 0:
            raise ValueError(f"{name} cannot be negative")
    if float(confidence) > 100:
        raise ValueError("confidence cannot be above 100 %")
    raw = float(reach) * float(impact) * (float(confidence) / 100) / float(effort)
    return round(raw, 2)


def explain(reach: float, impact: float, confidence: float, effort: float) -> str:
    """The computation written out with the figures, e.g. ``200 × 2 × 80 % ÷ 4 = 80``.

    >>> explain(200, 2, 80, 4)
    '200 × 2 × 80 % ÷ 4 = 80'
    """
    score = priority_score(reach, impact, confidence, effort)
    return (
        f"{_number(reach)} × {_number(impact)} × {_number(confidence)} % ÷ {_number(effort)}"
        f" = {_number(score)}"
    )


def _number(value) -> str:
    """``2`` for 2.0, ``0.25`` for 0.25: no trailing zeros."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text or "0"
