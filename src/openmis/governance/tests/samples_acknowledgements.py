"""Sample data of acknowledgement campaigns for the generic object tests (see
openmis/core/tests/samples.py for what each entry means). Both types are read only."""

from openmis.governance.tests import factories_acknowledgements as f
from openmis.governance.tests.factories_policies import published_policy
from openmis.org.tests.factories import PersonFactory


def _own(obj, user):
    """The acting user's own row: employees see only their own acknowledgements."""
    obj.person = user.person
    obj.save()


SAMPLES = {
    "governance.campaign": {
        "make": lambda dept: f.CampaignFactory(policy=published_policy(department=dept)),
        "form": lambda dept: {},
        "change": ("started_on", "2026-01-05"),
        "owned_by": lambda obj: obj.policy.department,
    },
    "governance.acknowledgement": {
        "make": lambda dept: f.AcknowledgementFactory(person=PersonFactory(department=dept)),
        "make_own": _own,
        "form": lambda dept: {},
        "change": ("due_date", "2026-01-05"),
        "owned_by": lambda obj: obj.person.department,
    },
}
