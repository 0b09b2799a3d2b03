"""Test data factories of the meetings app."""

from datetime import UTC, date, datetime, time, timedelta

import factory

from openmis.meetings.models import (
    ActionItem,
    AgendaItem,
    Client,
    ClientContact,
    MeetingSeries,
    Occurrence,
    Outcome,
)
from openmis.org.tests.factories import DepartmentFactory, PersonFactory


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n}")
    tier = "A"


class ClientContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientContact

    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@client.example.com")


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingSeries

    title = factory.Sequence(lambda n: f"Weekly meeting {n}")
    department = factory.SubFactory(DepartmentFactory)
    organiser = factory.LazyAttribute(lambda o: PersonFactory(department=o.department))
    start_date = date(2026, 1, 5)  # a Monday
    start_time = time(10, 0)
    frequency = "weekly"


class OccurrenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occurrence

    series = factory.SubFactory(SeriesFactory)
    start = factory.Sequence(lambda n: datetime(2026, 1, 5, 9, 0, tzinfo=UTC) + timedelta(days=n))
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=1))


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    occurrence = factory.SubFactory(OccurrenceFactory)
    title = factory.Sequence(lambda n: f"Point {n}")


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    occurrence = factory.SubFactory(OccurrenceFactory)
    kind = "decision"
    text = factory.Sequence(lambda n: f"Decision {n}")


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    title = factory.Sequence(lambda n: f"Action {n}")
    occurrence = factory.SubFactory(OccurrenceFactory)
    owner = factory.SubFactory(PersonFactory)
    due_date = date(2026, 2, 1)
