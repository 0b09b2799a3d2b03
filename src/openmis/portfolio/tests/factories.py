"""Test data factories of the portfolio app."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from openmis.org.tests.factories import DepartmentFactory, PersonFactory
from openmis.portfolio.models import (
    Capability,
    Contract,
    Dependency,
    DeploymentProject,
    LifecycleTransition,
    Milestone,
    System,
    SystemAccess,
    SystemCost,
    Vendor,
)


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"Vendor {n}")


class CapabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Capability

    name = factory.Sequence(lambda n: f"Capability {n}")


class SystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = System

    name = factory.Sequence(lambda n: f"System {n}")
    business_owner = factory.SubFactory(DepartmentFactory)


class SystemCostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SystemCost

    system = factory.SubFactory(SystemFactory)
    year = factory.Sequence(lambda n: 2000 + n % 100)
    category = "licence"
    amount = Decimal("1000.00")


class DependencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dependency

    source = factory.SubFactory(SystemFactory)
    target = factory.SubFactory(SystemFactory)


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    title = factory.Sequence(lambda n: f"Contract {n}")
    vendor = factory.SubFactory(VendorFactory)
    system = factory.SubFactory(SystemFactory)
    value = Decimal("12000.00")
    start_date = date(2025, 1, 1)
    end_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=200))


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeploymentProject

    name = factory.Sequence(lambda n: f"Project {n}")
    system = factory.SubFactory(SystemFactory)
    budget = Decimal("100000.00")
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    planned_go_live = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))


class TransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LifecycleTransition

    system = factory.SubFactory(SystemFactory)
    from_stage = "proposed"
    to_stage = "evaluating"


class AccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SystemAccess

    person = factory.SubFactory(PersonFactory)
    system = factory.SubFactory(SystemFactory)
    valid_from = date(2026, 1, 1)
    account = factory.Sequence(lambda n: f"account{n}")
