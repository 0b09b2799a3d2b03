"""Sample data of the feedback models for the generic object tests (see
openmis/core/tests/samples.py for what each entry means)."""

import itertools

from openmis.feedback.tests import factories as f
from openmis.meetings.tests.factories import ClientFactory
from openmis.org.tests.factories import DepartmentFactory
from openmis.portfolio.tests.factories import SystemFactory

_n = itertools.count()


def _with_confidential(dept):
    """A feedback item of ``dept``, beside a client's confidential one of ``dept`` (which those
    outside it, the MIS office apart, may not see: the walker's pages must not link it)."""
    f.FeedbackFactory(department=dept, client=ClientFactory(), text="Client complaint")
    return f.FeedbackFactory(department=dept)


SAMPLES = {
    "feedback.feedback": {
        "make": _with_confidential,
        # A client's confidential feedback of a department nobody of the test works in.
        "hidden": lambda dept: f.FeedbackFactory(
            department=DepartmentFactory(), client=ClientFactory(), text="Hidden complaint"
        ),
        "form": lambda dept: {
            "system": SystemFactory().pk,
            "department": dept.pk,
            "kind": "idea",
            "rating": 4,
            "people_affected": 12,
            "hours_per_month": "6.5",
            "text": f"Export the report to Excel {next(_n)}",
            "date": "2026-01-15",
        },
        "change": ("rating", 2),
        "owned_by": lambda obj: obj.department,
    },
    "feedback.improvement": {
        "make": lambda dept: f.ImprovementFactory(system=SystemFactory(business_owner=dept)),
        "form": lambda dept: {
            "title": f"Excel export {next(_n)}",
            "system": SystemFactory(business_owner=dept).pk,
            "reach": 40,
            "impact": "2",
            "confidence": 80,
            "effort": "3",
        },
        "change": ("reach", 55),
        "owned_by": lambda obj: obj.system.business_owner,
    },
    "feedback.statuschange": {
        "make": lambda dept: f.StatusChangeFactory(
            improvement=f.ImprovementFactory(system=SystemFactory(business_owner=dept))
        ),
        "form": lambda dept: {
            "improvement": f.ImprovementFactory(system=SystemFactory(business_owner=dept)).pk,
            "from_status": "new",
            "to_status": "planned",
        },
        "change": ("reason", "edited"),
        "owned_by": lambda obj: obj.improvement.system.business_owner,
    },
    "feedback.feedbackstatuschange": {
        "make": lambda dept: f.FeedbackStatusChangeFactory(
            feedback=f.FeedbackFactory(department=dept)
        ),
        "form": lambda dept: {
            "feedback": f.FeedbackFactory(department=dept).pk,
            "from_status": "new",
            "to_status": "acknowledged",
        },
        "change": ("reason", "edited"),
        "owned_by": lambda obj: obj.feedback.department,
    },
}
