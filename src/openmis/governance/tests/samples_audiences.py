"""Sample data of the audiences and procedures for the generic object tests (see
openmis/core/tests/samples.py for what each entry means)."""

import itertools

from openmis.governance.models import Audience, Procedure, ProcedureStep
from openmis.org.tests.factories import PersonFactory

_n = itertools.count()


def _audience(dept):
    audience = Audience.objects.create(name=f"Everyone {next(_n)}", whole_organization=True)
    return audience


def _procedure(dept):
    return Procedure.objects.create(title=f"Backup restore {next(_n)}", owner=PersonFactory())


def _step(dept):
    return ProcedureStep.objects.create(procedure=_procedure(dept), number=1, text="Stop it.")


SAMPLES = {
    "governance.procedure": {
        "make": _procedure,
        "form": lambda dept: {"title": f"Onboarding {next(_n)}", "owner": PersonFactory().pk},
        "change": ("description", "Give a **new** colleague their accounts."),
        "owned_by": None,
    },
    "governance.procedurestep": {
        "make": _step,
        "form": lambda dept: {"procedure": _procedure(dept).pk, "number": 2, "text": "Check."},
        "change": ("text", "Check the restored files."),
        "owned_by": None,
    },
    "governance.audience": {
        "make": _audience,
        "form": lambda dept: {
            "name": f"Whole company {next(_n)}",
            "whole_organization": True,
            "sub_departments": True,
        },
        "change": ("description", "Everyone who works here."),
        "owned_by": None,
    },
}
