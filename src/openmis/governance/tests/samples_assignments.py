"""Sample data of the course assignments for the generic object tests (see
openmis/core/tests/samples.py for what each entry means)."""

import itertools

from openmis.governance.models import Audience, CourseAssignment
from openmis.governance.tests.factories_training import CourseFactory
from openmis.org.tests.factories import PersonFactory

_n = itertools.count()


def _audience(dept):
    audience = Audience.objects.create(name=f"Assigned people {next(_n)}")
    audience.include_people.set([PersonFactory(department=dept)])
    return audience


def _assignment(dept):
    return CourseAssignment.objects.create(course=CourseFactory(), audience=_audience(dept))


SAMPLES = {
    "governance.courseassignment": {
        "make": _assignment,
        "form": lambda dept: {
            "course": CourseFactory().pk,
            "audience": _audience(dept).pk,
            "due_in_days": 21,
            "active": True,
        },
        "change": ("due_in_days", 45),
        "owned_by": None,
    },
}
