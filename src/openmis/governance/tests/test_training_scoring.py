"""Properties of quiz scoring (a pure function)."""

import random
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openmis.governance import quiz

# {question id: ids of its correct choices}; choices 0-5 of each question.
quizzes = st.dictionaries(
    st.integers(1, 30), st.frozensets(st.integers(0, 5), min_size=1, max_size=4), max_size=12
)
answers = st.dictionaries(st.integers(1, 35), st.lists(st.integers(0, 6), max_size=5), max_size=14)
# The machine running the suite is shared: generation speed is not what is tested.
relaxed = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@relaxed
@given(quizzes, answers)
def test_score_is_a_percentage(correct, given_answers):
    value = quiz.score(correct, given_answers)
    assert Decimal(0) <= value <= Decimal(100)


@relaxed
@given(quizzes.filter(bool))
def test_all_correct_scores_100(correct):
    assert quiz.score(correct, {q: sorted(c) for q, c in correct.items()}) == Decimal(100)


@relaxed
@given(quizzes, answers, st.randoms())
def test_order_of_answers_does_not_matter(correct, given_answers, rnd):
    shuffled_items = list(given_answers.items())
    rnd.shuffle(shuffled_items)
    shuffled = {}
    for question, picked in shuffled_items:
        picked = list(picked)
        rnd.shuffle(picked)
        shuffled[question] = picked
    assert quiz.score(correct, shuffled) == quiz.score(correct, given_answers)


@relaxed
@given(quizzes.filter(bool))
def test_no_answers_scores_0(correct):
    assert quiz.score(correct, {}) == Decimal(0)


def test_a_question_counts_only_when_every_correct_choice_and_nothing_else_is_picked():
    correct = {1: {10}, 2: {20, 21}, 3: {30}}
    assert quiz.score(correct, {1: [10], 2: [20], 3: [30]}) == Decimal("66.67")
    assert quiz.score(correct, {1: [10], 2: [21, 20], 3: [30, 31]}) == Decimal("66.67")
    assert quiz.score(correct, {1: [10], 2: [20, 21], 3: [30]}) == Decimal("100.00")


def test_pass_mark_is_reached_at_equality():
    assert quiz.passes(Decimal("80.00"), 80)
    assert not quiz.passes(Decimal("79.99"), 80)


def test_empty_quiz_scores_0():
    assert quiz.score({}, {1: [random.randint(0, 3)]}) == Decimal(0)
