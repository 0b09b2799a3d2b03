"""Sample data of the policy models for the generic object tests (see
openmis/core/tests/samples.py for what each entry means)."""

import itertools

from openmis.governance.tests import factories_policies as f
from openmis.org.people import person_of
from openmis.org.tests.factories import DepartmentFactory, PersonFactory

_n = itertools.count()


def _own_policy(version, user):
    """The acting user owns the version's policy, so its draft is theirs to see."""
    policy = version.policy
    policy.owner = person_of(user)
    policy.save()


def _home_person(dept):
    """The acting user's person (the one login of the home department), who owns the policy a
    new version is written for, so the policy is theirs to see before it is published."""
    from openmis.org.models import Person

    return Person.objects.filter(department=dept, user__isnull=False).first() or PersonFactory(
        department=dept
    )


def _own_exception(exception, user):
    """The acting user is whom the exception exempts, so it is theirs to read (an exception is
    no reading for everyone: policies.visible_exceptions)."""
    person = person_of(user)
    if person is not None:
        exception.person = person
        exception.save()


SAMPLES = {
    "governance.policy": {
        "make": lambda dept: f.published_policy(department=dept),
        # A policy not yet published, owned by someone of another department.
        "hidden": lambda dept: f.PolicyFactory(department=DepartmentFactory()),
        "form": lambda dept: {
            "title": f"Acceptable use {next(_n)}",
            "owner": PersonFactory(department=dept).pk,
            "department": dept.pk,
            "review_interval": 12,
        },
        "change": ("review_interval", 6),
        "owned_by": lambda obj: obj.department,
    },
    "governance.policyversion": {
        "make": lambda dept: f.PolicyVersionFactory(policy=f.PolicyFactory(department=dept)),
        "make_own": _own_policy,
        "hidden": lambda dept: f.PolicyVersionFactory(
            policy=f.PolicyFactory(department=DepartmentFactory())
        ),
        "form": lambda dept: {
            "policy": f.PolicyFactory(department=dept, owner=_home_person(dept)).pk,
            "text": f"# Passwords {next(_n)}\n\nTwelve characters at least.",
            "summary": "Longer passwords",
        },
        "change": ("summary", "Edited"),
        "owned_by": lambda obj: obj.policy.department,
    },
    "governance.policyexception": {
        "make": lambda dept: f.PolicyExceptionFactory(policy=f.published_policy(department=dept)),
        "make_own": _own_exception,
        "hidden": lambda dept: f.PolicyExceptionFactory(
            policy=f.PolicyFactory(department=DepartmentFactory())
        ),
        "form": lambda dept: {
            "policy": f.published_policy(department=dept).pk,
            "system": "",
            "person": PersonFactory(department=dept).pk,
            "reason": "Old scanner",
            "compensating_measure": "Separate network",
            "requested_by": PersonFactory(department=dept).pk,
            "approver": PersonFactory(department=dept).pk,
            "expires": "2030-01-31",
        },
        "change": ("reason", "Edited"),
        "owned_by": lambda obj: obj.policy.department,
    },
}
