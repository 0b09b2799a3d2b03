"""Sample data of the staffing models for the generic object tests (see
openmis/core/tests/samples.py for what each entry means)."""

import itertools

from openmis.org.tests.factories import PersonFactory
from openmis.portfolio.tests.factories import SystemFactory
from openmis.staffing.models import StaffProfile
from openmis.staffing.tests import factories

_n = itertools.count()


def _profile(dept):
    return StaffProfile.objects.create(
        person=PersonFactory(department=dept), role_title="Database administrator"
    )


SAMPLES = {
    "staffing.staffprofile": {
        "make": _profile,
        "form": lambda dept: {
            "person": PersonFactory(department=dept).pk,
            "role_title": "Network administrator",
            "seniority": "senior",
            "start_date": "2024-03-01",
        },
        "change": ("role_title", "Head of infrastructure"),
        "owned_by": None,
    },
    "staffing.skill": {
        "make": lambda dept: factories.skill(),
        "form": lambda dept: {"name": f"PostgreSQL {next(_n)}", "category": "data"},
        "change": ("description", "Backups, replication and tuning."),
        "owned_by": None,
    },
    "staffing.systemskill": {
        "make": lambda dept: factories.need(SystemFactory(), factories.skill(), 3),
        "form": lambda dept: {
            "system": SystemFactory().pk,
            "skill": factories.skill().pk,
            "min_level": 4,
        },
        "change": ("min_level", 2),
        "owned_by": None,
    },
    "staffing.skilllevel": {
        "make": lambda dept: factories.level(
            factories.member(department=dept), factories.skill(), 3
        ),
        "form": lambda dept: {
            "person": factories.member(department=dept).pk,
            "skill": factories.skill().pk,
            "level": 2,
            "assessed_on": "2026-01-15",
        },
        "change": ("level", 4),
        "owned_by": None,
    },
}
