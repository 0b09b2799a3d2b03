"""Test data factories of training (courses, quizzes, enrolments, certificates)."""

from datetime import date
from decimal import Decimal

import factory

from openmis.governance.models import (
    Certificate,
    Course,
    CoursePage,
    Enrolment,
    ExternalCertificate,
    QuizChoice,
    QuizQuestion,
)
from openmis.org.tests.factories import PersonFactory


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Course {n}")
    description = "Read **all** pages."
    validity_months = 12
    pass_mark = 80
    attempt_limit = 3


class CoursePageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoursePage

    course = factory.SubFactory(CourseFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Page {n}")
    body = "Some *text*."


class QuizQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuizQuestion

    course = factory.SubFactory(CourseFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Question {n}?")


class QuizChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuizChoice

    question = factory.SubFactory(QuizQuestionFactory)
    text = factory.Sequence(lambda n: f"Answer {n}")
    correct = False


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    person = factory.SubFactory(PersonFactory)
    course = factory.SubFactory(CourseFactory)
    due_date = date(2026, 12, 31)


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    enrolment = factory.SubFactory(EnrolmentFactory)
    person = factory.SelfAttribute("enrolment.person")
    course = factory.SelfAttribute("enrolment.course")
    course_version = 1
    score = Decimal("100.00")
    issued_on = date(2026, 1, 15)
    valid_until = date(2027, 1, 14)


class ExternalCertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalCertificate

    person = factory.SubFactory(PersonFactory)
    title = factory.Sequence(lambda n: f"ITIL Foundation {n}")
    issuer = "PeopleCert"
    expires_on = date(2028, 6, 30)


def course_with_quiz(**kwargs) -> tuple[Course, list[QuizQuestion]]:
    """A course with two questions: the first single-answer (right: its first choice), the
    second multiple-answer (right: its first two of three choices)."""
    course = CourseFactory(**kwargs)
    q1 = QuizQuestionFactory(course=course, position=1, text="Which one?")
    QuizChoiceFactory(question=q1, text="Right", correct=True)
    QuizChoiceFactory(question=q1, text="Wrong", correct=False)
    q2 = QuizQuestionFactory(course=course, position=2, text="Which ones?")
    QuizChoiceFactory(question=q2, text="Right A", correct=True)
    QuizChoiceFactory(question=q2, text="Right B", correct=True)
    QuizChoiceFactory(question=q2, text="Wrong C", correct=False)
    return course, [q1, q2]
