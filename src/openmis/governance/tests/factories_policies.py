"""Factories of the policy models."""

import factory
from django.utils import timezone

from openmis.governance.models import Policy, PolicyException, PolicyVersion
from openmis.governance.models.policies import text_hash
from openmis.org.tests.factories import PersonFactory


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    title = factory.Sequence(lambda n: f"Policy {n}")
    owner = factory.SubFactory(PersonFactory)


class PolicyVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyVersion

    policy = factory.SubFactory(PolicyFactory)
    text = factory.Sequence(lambda n: f"# Rule {n}\n\nUse strong passwords.")


def published_policy(**kwargs) -> Policy:
    """A policy with one published version."""
    policy = PolicyFactory(**kwargs)
    version = PolicyVersionFactory(policy=policy)
    PolicyVersion.objects.filter(pk=version.pk).update(
        state="published",
        sha256=text_hash(version.text),
        change="minor",
        published_at=timezone.now(),
    )
    return policy


class PolicyExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyException

    policy = factory.SubFactory(PolicyFactory)
    person = factory.SubFactory(PersonFactory)
    reason = "Legacy device"
    compensating_measure = "Extra monitoring"
    requested_by = factory.SubFactory(PersonFactory)
    approver = factory.SubFactory(PersonFactory)
    expires = factory.LazyFunction(lambda: timezone.localdate())
