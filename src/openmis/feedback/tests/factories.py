"""Test data factories of the feedback app."""

from datetime import date
from decimal import Decimal

import factory

from openmis.feedback.models import Feedback, FeedbackStatusChange, Improvement, StatusChange
from openmis.org.tests.factories import DepartmentFactory
from openmis.portfolio.tests.factories import SystemFactory


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    system = factory.SubFactory(SystemFactory)
    department = factory.SubFactory(DepartmentFactory)
    kind = "problem"
    rating = 3
    text = factory.Sequence(lambda n: f"Feedback {n}")
    date = factory.LazyFunction(date.today)


class ImprovementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Improvement

    title = factory.Sequence(lambda n: f"Improvement {n}")
    system = factory.SubFactory(SystemFactory)
    reach = 100
    impact = "1"
    confidence = 80
    effort = Decimal("2")


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusChange

    improvement = factory.SubFactory(ImprovementFactory)
    from_status = "new"
    to_status = "under_review"


class FeedbackStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackStatusChange

    feedback = factory.SubFactory(FeedbackFactory)
    from_status = "new"
    to_status = "acknowledged"
