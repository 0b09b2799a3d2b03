"""Saaty's 1-9 scale: judgements as people state them ("1/3"), and whole reciprocal matrices
built from the judgements above the diagonal.

A person never types a matrix: the pairwise comparison grid asks one judgement per pair
(``i < j``) and :func:`reciprocal_matrix` fills in the rest, so the matrix :func:`ahp` gets is
reciprocal by construction. The API may still send a whole matrix, with ratios as numbers or
as text ("1/3", "0.5") and the lower triangle left ``None``: :func:`complete_matrix` reads it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from openmis.appraisal.calc._base import RECIPROCAL_TOLERANCE, CalcError

SCALE: tuple[str, ...] = (
    *(f"1/{k}" for k in range(9, 1, -1)),
    *(str(k) for k in range(1, 10)),
)
"""The 17 judgements of Saaty's scale as written, from 1/9 (the second item is extremely
more important) through 1 (equal) to 9 (the first is extremely more important)."""

_RATIO = re.compile(
    r"^\s*([0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)\s*(?:/\s*([0-9]+(?:[.,][0-9]*)?))?\s*$"
)


def parse_ratio(value: Any, path: str = "value") -> float:
    """A positive judgement from a number or a text such as ``"3"``, ``"1/3"``, ``"0,5"``.

    Examples
    --------
    >>> parse_ratio("1/3") == 1 / 3, parse_ratio(" 0,5 "), parse_ratio(7)
    (True, 0.5, 7.0)
    """
    if isinstance(value, bool):
        raise CalcError(path, "must be a number such as 3 or 1/3")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and (match := _RATIO.match(value)):
        top, bottom = (part.replace(",", ".") if part else part for part in match.groups())
        divisor = Fraction(bottom) if bottom else Fraction(1)
        if divisor == 0:
            raise CalcError(path, f"divides by zero: {value!r}")
        number = float(Fraction(top) / divisor)
    else:
        raise CalcError(path, f"must be a number such as 3 or 1/3, got {value!r}")
    if not math.isfinite(number) or number <= 0:
        raise CalcError(path, f"must be positive, got {value!r}")
    return number


def scale_value(token: str) -> float:
    """The number of a judgement of :data:`SCALE` (``"1/3"`` is 0.333...)."""
    return float(Fraction(token))


def scale_token(value: float) -> str | None:
    """The judgement of :data:`SCALE` that ``value`` is (within the reciprocal tolerance, so
    0.3333 is ``"1/3"``), or None for a ratio off the scale (2.5, an aggregate)."""
    for token in SCALE:
        if abs(value / scale_value(token) - 1) <= RECIPROCAL_TOLERANCE:
            return token
    return None


def reciprocal_matrix(n: int, upper: Mapping[tuple[int, int], float]) -> list[list[float]]:
    """The n x n comparison matrix with ``upper[(i, j)]`` (``i < j``) above the diagonal,
    1 on it and the reciprocals below it.

    Examples
    --------
    >>> reciprocal_matrix(3, {(0, 1): 3, (0, 2): 5, (1, 2): 1 / 3})[2]
    [0.2, 3.0, 1.0]
    """
    matrix = [[1.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            if (i, j) not in upper:
                raise CalcError(f"matrix[{i}][{j}]", "is missing: every pair needs a judgement")
            value = parse_ratio(upper[(i, j)], f"matrix[{i}][{j}]")
            matrix[i][j] = value
            matrix[j][i] = 1.0 / value
    return matrix


def upper_triangle(matrix: Sequence[Sequence[float]]) -> dict[tuple[int, int], float]:
    """The judgements above the diagonal of a comparison matrix, by pair."""
    n = len(matrix)
    return {(i, j): float(matrix[i][j]) for i in range(n) for j in range(i + 1, n)}


def complete_matrix(matrix: Any) -> list[list[float]]:
    """A square matrix as the API may send it, read into numbers: ratios as numbers or text
    ("1/3"), the diagonal and the cells below it optionally ``None`` (filled with 1 and the
    reciprocals). Cells given on both sides are kept as given: :func:`ahp` checks that they
    are reciprocal.

    Examples
    --------
    >>> complete_matrix([[1, "3"], [None, None]])
    [[1.0, 3.0], [0.3333333333333333, 1.0]]
    """
    if not isinstance(matrix, list | tuple) or not all(
        isinstance(row, list | tuple) for row in matrix
    ):
        raise CalcError("matrix", "must be a list of rows")
    n = len(matrix)
    for i, row in enumerate(matrix):
        if len(row) != n:
            raise CalcError(f"matrix[{i}]", f"must have {n} entries (a square matrix)")
    result = [[1.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            cell = matrix[i][j]
            if cell is None:
                if i < j:
                    raise CalcError(f"matrix[{i}][{j}]", "is missing: give the judgement")
                if i > j and matrix[j][i] is not None:
                    result[i][j] = 1.0 / parse_ratio(matrix[j][i], f"matrix[{j}][{i}]")
                continue
            result[i][j] = parse_ratio(cell, f"matrix[{i}][{j}]")
    return result
