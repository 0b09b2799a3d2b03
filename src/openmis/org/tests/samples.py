"""Sample data for the generic object tests (see openmis/core/tests/test_generic_objects.py).

Each entry gives, for a registered model: ``make(department)`` a saved object belonging to
``department``; ``form(department)`` valid create-form data for a new object in it; and
``change`` a field and value for an edit.
"""

import itertools

from django.contrib.auth.models import Group

from openmis.org.models import Role
from openmis.org.tests.factories import DepartmentFactory, PersonFactory

_counter = itertools.count()


def _role(department):
    name = f"Role {next(_counter)} for {department.pk}"
    return Role.objects.create(group=Group.objects.create(name=name))


SAMPLES = {
    "org.department": {
        "make": lambda dept: DepartmentFactory(parent=dept),
        "form": lambda dept: {"name": f"New unit under {dept.pk}", "parent": dept.pk},
        "change": ("region", "East"),
        "owned_by": lambda obj: obj.parent,
    },
    "org.person": {
        "make": lambda dept: PersonFactory(department=dept),
        "form": lambda dept: {
            "first_name": "Ola",
            "last_name": "Nowa",
            "email": f"ola.nowa.{dept.pk}@example.com",
            "department": dept.pk,
            "active": True,
        },
        "change": ("job_title", "Team lead"),
        "owned_by": lambda obj: obj.department,
    },
    "org.role": {
        "make": _role,
        "form": lambda dept: {"name": f"Auditors {dept.pk}", "scope": "all"},
        "change": ("description", "Reads the change log."),
        "owned_by": None,
    },
}
