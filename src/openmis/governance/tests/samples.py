"""Sample data of the governance models for the generic object tests (see
openmis/core/tests/samples.py for what each entry means)."""

import itertools

from openmis.governance.models import Audience

_n = itertools.count()


def _audience(dept):
    audience = Audience.objects.create(name=f"Everyone {next(_n)}", whole_organization=True)
    return audience


SAMPLES = {
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
