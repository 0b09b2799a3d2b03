"""The "My training" tile of the cockpit: the logged-in person's enrolments, with their
certificates amber when they expire within 90 days and red once expired."""

from __future__ import annotations

from openmis.governance import training
from openmis.org.people import person_of


def my_training(request) -> dict | None:
    """The person's enrolments (hidden when they have none)."""
    person = person_of(request.user)
    if person is None:
        return None
    rows = training.my_training(person)
    if not rows:
        return None
    return {
        "rows": rows,
        "expiring": sum(1 for r in rows if r["state"] == training.EXPIRING),
        "expired": sum(1 for r in rows if r["state"] == training.EXPIRED),
    }
