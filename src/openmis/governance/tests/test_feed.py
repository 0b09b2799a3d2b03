"""The feed owner's governance due dates in their calendar feed (the meetings app's personal
feed, through its extension point): pending acknowledgements and open enrolments as all-day
events with stable UIDs and links back, in the owner's language, escaped; done ones leave;
another person's never appear; the feed's queries do not grow with the items."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from openmis.core.models import Installation
from openmis.governance.models import Acknowledgement, Enrolment
from openmis.governance.tests.factories_acknowledgements import (
    AcknowledgementFactory,
    CampaignFactory,
)
from openmis.governance.tests.factories_policies import published_policy
from openmis.governance.tests.factories_training import CourseFactory, EnrolmentFactory
from openmis.meetings import ical
from openmis.org.models import Person
from openmis.org.roles import EMPLOYEE
from openmis.org.tests.factories import user_with_role

pytestmark = pytest.mark.django_db

TRICKY = "Backups; copies, and C:\\data\nsecond line <b>"


@pytest.fixture
def owner(department):
    user = user_with_role(EMPLOYEE, department, username="owner")
    return user


def _feed(user) -> Calendar:
    response = Client().get(f"/meetings/feed/{ical.feed_token(user).key}.ics")
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def _events(calendar) -> dict[str, object]:
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def _ack(person, title="Passwords", due=None) -> Acknowledgement:
    campaign = CampaignFactory(policy=published_policy(title=title))
    return AcknowledgementFactory(
        campaign=campaign, person=person, due_date=due or timezone.localdate() + timedelta(days=9)
    )


def test_the_feed_has_the_owners_pending_acknowledgements_and_training(owner, department):
    person = owner.person
    ack = _ack(person, title=TRICKY, due=date(2031, 3, 14))
    enrolment = EnrolmentFactory(
        person=person, course=CourseFactory(title="Phishing, 2031"), due_date=date(2031, 4, 1)
    )
    events = _events(_feed(owner))
    installation = Installation.identifier()
    event = events[f"policy-acknowledgement-{ack.pk}.{installation}@openmis"]
    assert (event.decoded("dtstart"), event.decoded("dtend")) == (
        date(2031, 3, 14),
        date(2031, 3, 15),
    )  # an all-day event: dates, not date-times
    assert str(event["summary"]) == f"Acknowledge the policy: {TRICKY}"  # read back intact
    assert str(event["url"]) == f"http://testserver/governance/acknowledgements/{ack.pk}/answer/"
    course = events[f"training-enrolment-{enrolment.pk}.{installation}@openmis"]
    assert str(course["summary"]) == "Complete the course: Phishing, 2031"
    assert course.decoded("dtstart") == date(2031, 4, 1)
    assert str(course["url"]) == f"http://testserver/governance/courses/{enrolment.course_id}/"


def test_the_text_is_escaped_as_rfc_5545_asks(owner):
    _ack(owner.person, title=TRICKY)
    raw = Client().get(f"/meetings/feed/{ical.feed_token(owner).key}.ics").content.decode()
    unfolded = raw.replace("\r\n ", "")
    assert "SUMMARY:Acknowledge the policy: Backups\\; copies\\, and C:\\\\data\\nsecond" in (
        unfolded
    )


def test_the_feed_is_written_in_its_owners_language(owner):
    _ack(owner.person)
    Person.objects.filter(pk=owner.person.pk).update(language="pl")
    calendar = _feed(owner)
    assert str(calendar["x-wr-calname"]).startswith("Spotkania OpenMIS:")
    Person.objects.filter(pk=owner.person.pk).update(language="en")
    assert str(_feed(owner)["x-wr-calname"]).startswith("OpenMIS meetings of")


def test_answered_and_completed_items_leave_the_feed(owner):
    person = owner.person
    accepted = _ack(person, title="Acknowledged one")
    declined = _ack(person, title="Declined one")
    exempt = _ack(person, title="Exempt one")
    closed = _ack(person, title="Closed campaign")
    Acknowledgement.objects.filter(pk=accepted.pk).update(state="accepted")
    Acknowledgement.objects.filter(pk=declined.pk).update(state="declined", reason="No")
    Acknowledgement.objects.filter(pk=exempt.pk).update(state="exempt")
    closed.campaign.closed_on = timezone.localdate()
    closed.campaign.save()
    course = CourseFactory(title="Passed course")
    passed = EnrolmentFactory(person=person, course=course, due_date=date(2031, 1, 5))
    Enrolment.objects.filter(pk=passed.pk).update(status="passed")
    cancelled = EnrolmentFactory(person=person, due_date=date(2031, 1, 6))
    Enrolment.objects.filter(pk=cancelled.pk).update(status="cancelled")
    _ack(person, title="Still to do")
    summaries = [str(e["summary"]) for e in _feed(owner).walk("VEVENT")]
    assert summaries == ["Acknowledge the policy: Still to do"]


def test_another_persons_items_do_not_appear(owner, department):
    other = user_with_role(EMPLOYEE, department, username="colleague")
    _ack(other.person, title="Their policy")
    EnrolmentFactory(person=other.person, due_date=date(2031, 1, 5))
    _ack(owner.person, title="My policy")
    summaries = [str(e["summary"]) for e in _feed(owner).walk("VEVENT")]
    assert summaries == ["Acknowledge the policy: My policy"]
    theirs = [str(e["summary"]) for e in _feed(other).walk("VEVENT")]
    assert "Acknowledge the policy: Their policy" in theirs and len(theirs) == 2


def _queries_for(person, n) -> int:
    for i in range(n):
        _ack(person, title=f"Policy {person.pk}-{i}")
        EnrolmentFactory(person=person, due_date=date(2031, 1, 5) + timedelta(days=i))
    ical.person_feed(person, lambda obj: "/", user=person.user)  # the installation, cached
    with CaptureQueriesContext(connection) as queries:
        content = ical.person_feed(person, lambda obj: "/", user=person.user)
    assert len(Calendar.from_ical(content).walk("VEVENT")) == 2 * n
    return len(queries)


def test_the_feed_reads_a_constant_number_of_queries(owner, department):
    few = _queries_for(owner.person, 1)
    many = _queries_for(user_with_role(EMPLOYEE, department, username="busy").person, 15)
    assert many == few
