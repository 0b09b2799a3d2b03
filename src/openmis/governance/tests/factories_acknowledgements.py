"""Factories of acknowledgement campaigns."""

import factory
from django.utils import timezone

from openmis.governance.models import Acknowledgement, Campaign
from openmis.governance.tests.factories_policies import published_policy
from openmis.org.tests.factories import PersonFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    policy = factory.LazyFunction(published_policy)
    policy_version = factory.LazyAttribute(lambda o: o.policy.versions.get(state="published"))
    started_on = factory.LazyFunction(timezone.localdate)


class AcknowledgementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Acknowledgement

    campaign = factory.SubFactory(CampaignFactory)
    person = factory.SubFactory(PersonFactory)
    asked_on = factory.LazyFunction(timezone.localdate)
    due_date = factory.LazyFunction(timezone.localdate)
