"""How far each criterion's weight may move before the ranking changes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from openmis.appraisal.calc._base import (
    SENSITIVITY_STEP,
    CalcError,
)
from openmis.appraisal.calc.mcda import (
    _mcda_inputs,
    _normalise_linear,
    _topsis_batch,
    _vector_normalised,
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
