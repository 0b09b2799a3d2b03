"""Sample data of the training models for the generic object tests (see
openmis/core/tests/samples.py for what each entry means)."""

import itertools

from openmis.governance.tests import factories_training as f
from openmis.org.tests.factories import PersonFactory
from openmis.portfolio.tests.factories import SystemFactory

_n = itertools.count()


def _own(obj, user):
    """The acting user's own row: employees see only their own training."""
    obj.person = user.person
    obj.save()


def _own_certificate(obj, user):
    obj.enrolment.person = user.person
    obj.enrolment.save()
    _own(obj, user)


SAMPLES = {
    "governance.course": {
        "make": lambda dept: f.CourseFactory(),
        "form": lambda dept: {
            "title": f"Data protection {next(_n)}",
            "description": "Why *privacy* matters.",
            "systems": [SystemFactory(business_owner=dept).pk],
            "validity_months": 24,
            "pass_mark": 75,
            "attempt_limit": 2,
        },
        "change": ("pass_mark", 90),
        "owned_by": None,
    },
    "governance.coursepage": {
        "make": lambda dept: f.CoursePageFactory(),
        "form": lambda dept: {
            "course": f.CourseFactory().pk,
            "position": 1,
            "title": f"Introduction {next(_n)}",
            "body": "# Welcome",
        },
        "change": ("title", "Renamed page"),
        "owned_by": None,
    },
    "governance.quizquestion": {
        "make": lambda dept: f.QuizQuestionFactory(),
        "form": lambda dept: {
            "course": f.CourseFactory().pk,
            "position": 1,
            "text": f"What is phishing? {next(_n)}",
        },
        "change": ("text", "What is a strong password?"),
        "owned_by": None,
    },
    "governance.quizchoice": {
        "make": lambda dept: f.QuizChoiceFactory(),
        "form": lambda dept: {
            "question": f.QuizQuestionFactory().pk,
            "text": f"A scam e-mail {next(_n)}",
            "correct": True,
        },
        "change": ("text", "A fish"),
        "owned_by": None,
    },
    "governance.enrolment": {
        "make": lambda dept: f.EnrolmentFactory(person=PersonFactory(department=dept)),
        "make_own": _own,
        "form": lambda dept: {
            "person": PersonFactory(department=dept).pk,
            "course": f.CourseFactory().pk,
            "due_date": "2026-12-31",
        },
        "change": ("due_date", __import__("datetime").date(2027, 3, 31)),
        "owned_by": lambda obj: obj.person.department,
    },
    "governance.certificate": {
        "make": lambda dept: f.CertificateFactory(
            enrolment=f.EnrolmentFactory(person=PersonFactory(department=dept))
        ),
        "make_own": _own_certificate,
        "form": lambda dept: {},
        "change": ("course_version", 9),
        "owned_by": lambda obj: obj.person.department,
    },
    "governance.externalcertificate": {
        "make": lambda dept: f.ExternalCertificateFactory(person=PersonFactory(department=dept)),
        "make_own": _own,
        "form": lambda dept: {
            "person": PersonFactory(department=dept).pk,
            "title": f"PRINCE2 {next(_n)}",
            "issuer": "Axelos",
            "expires_on": "2029-01-31",
        },
        "change": ("issuer", "ISACA"),
        "owned_by": lambda obj: obj.person.department,
    },
}
