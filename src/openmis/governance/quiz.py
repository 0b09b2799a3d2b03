"""Scoring a quiz: pure functions on plain data (no Django), property-tested.

A question counts as answered correctly when the set of choices picked is exactly the set of
its correct choices (one for a single-answer question, several for a multiple-answer one);
the score is the share of questions answered correctly, in percent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def score(correct: Mapping[int, Iterable[int]], answers: Mapping[int, Iterable[int]]) -> Decimal:
    """The score of ``answers`` to a quiz, in percent with two decimals.

    Parameters
    ----------
    correct
        ``{question id: ids of its correct choices}`` of every question of the quiz.
    answers
        ``{question id: ids of the choices picked}``; questions left out count as wrong and
        answers to questions not in the quiz are ignored. The order of ids does not matter.

    Returns
    -------
    Decimal
        From 0 to 100; 0 for a quiz without questions.
    """
    if not correct:
        return Decimal(0)
    right = sum(
        1
        for question, choices in correct.items()
        if frozenset(answers.get(question, ())) == frozenset(choices)
    )
    return (HUNDRED * right / len(correct)).quantize(CENT, rounding=ROUND_HALF_UP)


def passes(value: Decimal, pass_mark: int) -> bool:
    """Whether a score of ``value`` percent reaches the pass mark (in percent)."""
    return value >= Decimal(pass_mark)
