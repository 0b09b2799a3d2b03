"""Criteria weights (AHP) and rankings (weighted sum, TOPSIS); weight sensitivity is in
:mod:`openmis.appraisal.calc.sensitivity`."""

# Libraries. pymcdm was evaluated for AHP and TOPSIS and is NOT used:
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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from openmis.appraisal.calc._base import (
    CONSISTENCY_THRESHOLD,
    RECIPROCAL_TOLERANCE,
    SAATY_RANDOM_INDEX,
    WEIGHT_SUM_TOLERANCE,
    CalcError,
    _number,
    _sequence,
)

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
