"""Sample data of the feedback models for the generic object tests (see
openmis/core/tests/samples.py for what each entry means)."""

import itertools

from openmis.feedback.tests import factories as f
from openmis.portfolio.tests.factories import SystemFactory

_n = itertools.count()

SAMPLES = {
    "feedback.feedback": {
        "make": lambda dept: f.FeedbackFactory(department=dept),
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
