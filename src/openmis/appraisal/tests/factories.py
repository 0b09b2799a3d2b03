"""Test data factories of the appraisal app."""

from decimal import Decimal

import factory

from openmis.appraisal.models import (
    Alternative,
    CashFlowLine,
    Criterion,
    Decision,
    Evaluation,
    Judgement,
    Score,
)
from openmis.org.tests.factories import DepartmentFactory, PersonFactory


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    title = factory.Sequence(lambda n: f"Evaluation {n}")
    need = "Replace the ageing CRM."
    department = factory.SubFactory(DepartmentFactory)
    horizon_years = 5
    discount_rate = Decimal("0.08")


class AlternativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alternative

    evaluation = factory.SubFactory(EvaluationFactory)
    name = factory.Sequence(lambda n: f"Alternative {n}")


class CashFlowLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CashFlowLine

    alternative = factory.SubFactory(AlternativeFactory)
    year = 0
    category = "licences"
    amount = Decimal("-1000.00")


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    evaluation = factory.SubFactory(EvaluationFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    type = "benefit"


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    alternative = factory.SubFactory(AlternativeFactory)
    criterion = factory.LazyAttribute(
        lambda o: CriterionFactory(evaluation=o.alternative.evaluation)
    )
    person = factory.SubFactory(PersonFactory)
    value = Decimal("7.0")


class JudgementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Judgement
        skip_postgeneration_save = True

    evaluation = factory.SubFactory(EvaluationFactory)
    person = factory.SubFactory(PersonFactory)
    matrix = [[1, 3], [1 / 3, 1]]

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):
        """The 2 x 2 matrix compares two criteria: an evaluation without them gets two."""
        if create:
            for _ in range(2 - obj.evaluation.criteria.count()):
                CriterionFactory(evaluation=obj.evaluation)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    evaluation = factory.SubFactory(EvaluationFactory)
    chosen = factory.LazyAttribute(lambda o: AlternativeFactory(evaluation=o.evaluation))
    decided_by = factory.SubFactory(PersonFactory)
    rationale = "Highest NPV, acceptable risk."


def textbook(department, buy_name="Buy", **fields) -> Evaluation:
    """Buy: -1000, 300, 400, 500 at 10 % (NPV -21.04); Lease: -50 a year with a range."""
    evaluation = EvaluationFactory(
        department=department,
        horizon_years=3,
        discount_rate=Decimal("0.10"),
        draws=5000,
        **fields,
    )
    buy = AlternativeFactory(evaluation=evaluation, name=buy_name)
    for year, amount in [(0, -1000), (1, 300), (2, 400), (3, 500)]:
        CashFlowLineFactory(alternative=buy, year=year, amount=Decimal(amount), category="other")
    lease = AlternativeFactory(evaluation=evaluation, name="Lease")
    for year in (1, 2, 3):
        CashFlowLineFactory(
            alternative=lease,
            year=year,
            amount=Decimal(-50),
            category="subscription",
            minimum=Decimal(-70),
            maximum=Decimal(-40),
            note="per seat",
        )
    return evaluation
