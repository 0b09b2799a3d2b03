"""Calendar events that coexist: UIDs unique to the installation, and events that carry the
agenda, the organiser and the attendees (read back with the icalendar library)."""

import uuid
from datetime import UTC, date, datetime, time

import pytest
from django.core.cache import cache
from icalendar import Calendar

from openmis.core.models import Installation
from openmis.meetings import ical, materialising
from openmis.meetings.tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    ClientContactFactory,
    OccurrenceFactory,
    SeriesFactory,
)
from openmis.org.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, tzinfo=UTC)


def url_for(obj):
    return f"https://mis.example.com/{obj._meta.model_name}/{obj.pk}/"


def parse(content: bytes) -> Calendar:
    return Calendar.from_ical(content)


def one_meeting(**kwargs):
    series = SeriesFactory(start_date=date(2026, 3, 16), start_time=time(10, 0), count=1, **kwargs)
    materialising.materialise(series, NOW)
    return series, series.occurrences.get()


def test_uids_hold_the_installation_s_identifier_which_differs_between_installations():
    # Given meeting and action item number n of this installation
    series, meeting = one_meeting()
    owner = PersonFactory()
    item = ActionItemFactory(owner=owner, occurrence=meeting, due_date=date(2026, 3, 20))
    installation = Installation.objects.get()
    # Then their UIDs hold its identifier, the same on every feed and every read
    uid = f"meeting-{meeting.pk}.{installation.uid.hex}@openmis"
    (event,) = parse(ical.series_feed(series, url_for, NOW)).walk("VEVENT")
    assert str(event["uid"]) == uid
    assert str(event["uid"]) == str(
        parse(ical.series_feed(series, url_for, NOW)).walk("VEVENT")[0]["uid"]
    )
    series.attendees.add(owner)
    feed = parse(ical.person_feed(owner, url_for, NOW))
    uids = sorted(str(e["uid"]) for e in feed.walk("VEVENT"))
    assert uids == sorted([f"action-{item.pk}.{installation.uid.hex}@openmis", uid])
    # When another installation (another identifier) has the same numbers
    Installation.objects.filter(pk=1).update(uid=uuid.uuid4())
    cache.delete(Installation.CACHE_KEY)  # the row is kept in the cache for a while
    (other,) = parse(ical.series_feed(series, url_for, NOW)).walk("VEVENT")
    # Then its event is another event
    assert str(other["uid"]) != uid
    assert str(other["uid"]).startswith(f"meeting-{meeting.pk}.")


def test_the_installation_identifier_is_not_derived_from_the_secret_key(settings):
    before = Installation.identifier()
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    cache.delete(Installation.CACHE_KEY)
    assert Installation.identifier() == before
    assert len(before) == 32 and int(before, 16) >= 0


def test_an_event_carries_the_agenda_the_organiser_and_the_attendees():
    # Given a client meeting organised by Anna Nowak, attended by Jan Kowalski and two
    # client contacts (one without an e-mail address), with three points, one parked
    organiser = PersonFactory(first_name="Anna", last_name="Nowak", email="anna@mis.example.com")
    series, meeting = one_meeting(organiser=organiser, title="Monthly with Hurtownia")
    series.attendees.add(
        PersonFactory(first_name="Jan", last_name="Kowalski", email="jan@mis.example.com")
    )
    contact = ClientContactFactory(name="Ewa Lis, CFO", email="ewa@hurtownia.example.com")
    series.client_attendees.add(contact, ClientContactFactory(name="No Mail", email=""))
    AgendaItemFactory(occurrence=meeting, title="Invoices; late", position=1)
    AgendaItemFactory(occurrence=meeting, title="CRM rollout", position=2)
    AgendaItemFactory(occurrence=meeting, title="Parked point", position=3, status="parked")
    # When the series' feed is read back
    (event,) = parse(ical.series_feed(series, url_for, NOW)).walk("VEVENT")
    # Then the agenda is its description, in order, without the parked point
    assert str(event["description"]) == "Agenda:\n1. Invoices; late\n2. CRM rollout"
    # And the organiser and the attendees with an address are named
    assert (str(event["organizer"]), event["organizer"].params["CN"]) == (
        "mailto:anna@mis.example.com",
        "Anna Nowak",
    )
    attendees = event["attendee"]
    assert sorted((str(a), a.params["CN"], a.params["ROLE"]) for a in attendees) == [
        ("mailto:ewa@hurtownia.example.com", "Ewa Lis, CFO", "REQ-PARTICIPANT"),
        ("mailto:jan@mis.example.com", "Jan Kowalski", "REQ-PARTICIPANT"),
    ]


def test_a_meeting_without_agenda_or_attendees_has_no_description_and_only_its_organiser():
    series, _meeting = one_meeting()
    (event,) = parse(ical.series_feed(series, url_for, NOW)).walk("VEVENT")
    assert "description" not in event and "attendee" not in event
    assert str(event["organizer"]) == f"mailto:{series.organiser.email}"


def test_a_person_s_feed_reads_a_fixed_number_of_queries(django_assert_max_num_queries):
    # Given a person in ten meetings, each with points and people
    person = PersonFactory()
    for n in range(10):
        series = SeriesFactory(start_date=date(2026, 3, 16), count=1, title=f"Series {n}")
        series.attendees.add(person, PersonFactory())
        series.client_attendees.add(ClientContactFactory())
    materialising.materialise_due(NOW)
    for meeting in OccurrenceFactory._meta.model.objects.all():
        AgendaItemFactory(occurrence=meeting)
        AgendaItemFactory(occurrence=meeting)
    ActionItemFactory(owner=person, due_date=date(2026, 3, 20))
    # Then the feed is read in a number of queries that does not grow with the meetings
    # (seven of its own, and those of the apps adding due dates: governance reads two)
    with django_assert_max_num_queries(9):
        calendar = parse(ical.person_feed(person, url_for, NOW))
    assert len(calendar.walk("VEVENT")) == 11
    assert {len(e["attendee"]) for e in calendar.walk("VEVENT") if "attendee" in e} == {3}
