"""Sample data of the meetings models for the generic object tests (see
openmis/core/tests/samples.py for what each entry means)."""

import itertools
from datetime import timedelta

from django.utils import timezone

from openmis.meetings.models import Attendance
from openmis.meetings.tests import factories as f
from openmis.org.tests.factories import DepartmentFactory, PersonFactory

_n = itertools.count()


def _occurrence(dept):
    return f.OccurrenceFactory(series=f.SeriesFactory(department=dept))


def _confidential_meeting():
    """A meeting of another department's confidential client series: what was said there is
    hidden from all but the MIS office (and its own people)."""
    series = f.SeriesFactory(
        department=DepartmentFactory(),
        kind="client",
        client=f.ClientFactory(),
        confidential=True,
    )
    return f.OccurrenceFactory(series=series)


def _invited_meeting(dept):
    """A meeting of ``dept``'s series and a person invited to the series."""
    occurrence = _occurrence(dept)
    person = PersonFactory(department=dept)
    occurrence.series.attendees.add(person)
    return occurrence, person


def _attendance(dept):
    occurrence, person = _invited_meeting(dept)
    return Attendance.objects.create(occurrence=occurrence, person=person, status="present")


def _attendance_form(dept):
    occurrence, person = _invited_meeting(dept)
    return {"occurrence": occurrence.pk, "person": person.pk, "status": "present"}


SAMPLES = {
    "meetings.client": {
        "make": lambda dept: f.ClientFactory(),
        "form": lambda dept: {"name": f"Bank Pekao {next(_n)}", "tier": "A"},
        "change": ("notes", "Renewal talks in Q3."),
        "owned_by": None,
    },
    "meetings.clientcontact": {
        "make": lambda dept: f.ClientContactFactory(),
        "form": lambda dept: {
            "client": f.ClientFactory().pk,
            "name": f"Ewa Nowak {next(_n)}",
            "email": "ewa@client.example.com",
        },
        "change": ("role", "Head of IT"),
        "owned_by": None,
    },
    "meetings.meetingseries": {
        "make": lambda dept: f.SeriesFactory(department=dept),
        "form": lambda dept: {
            "title": f"Weekly with Marketing {next(_n)}",
            "kind": "department",
            "department": dept.pk,
            "organiser": PersonFactory(department=dept).pk,
            "attendees": [PersonFactory(department=dept).pk],
            "timezone": "Europe/Warsaw",
            "start_date": "2026-01-05",
            "start_time": "10:00",
            "duration_minutes": 60,
            "frequency": "weekly",
            "interval": 1,
            "weekdays": ["MO"],
        },
        "change": ("duration_minutes", 90),
        "owned_by": lambda obj: obj.department,
    },
    "meetings.occurrence": {
        "make": _occurrence,
        "form": lambda dept: {
            "series": f.SeriesFactory(department=dept).pk,
            "start": "2026-05-04 10:00",
            "end": "2026-05-04 11:00",
            "status": "scheduled",
        },
        "change": ("minutes", "- Budget agreed."),
        "owned_by": lambda obj: obj.series.department,
    },
    "meetings.agendaitem": {
        "make": lambda dept: f.AgendaItemFactory(occurrence=_occurrence(dept)),
        "form": lambda dept: {
            "occurrence": _occurrence(dept).pk,
            "title": "CRM adoption",
            "status": "open",
            "position": 0,
        },
        "change": ("status", "done"),
        "owned_by": lambda obj: obj.occurrence.series.department,
        "hidden": lambda dept: f.AgendaItemFactory(occurrence=_confidential_meeting()),
    },
    "meetings.outcome": {
        "make": lambda dept: f.OutcomeFactory(occurrence=_occurrence(dept)),
        "form": lambda dept: {
            "occurrence": _occurrence(dept).pk,
            "kind": "decision",
            "text": "Pilot the new CRM in one region.",
        },
        "change": ("kind", "information"),
        "owned_by": lambda obj: obj.occurrence.series.department,
        "hidden": lambda dept: f.OutcomeFactory(occurrence=_confidential_meeting()),
    },
    "meetings.actionitem": {
        "make": lambda dept: f.ActionItemFactory(owner=PersonFactory(department=dept)),
        "form": lambda dept: {
            "title": "Send the export spec",
            "occurrence": f.OccurrenceFactory().pk,
            "owner": PersonFactory(department=dept).pk,
            # a due date that has passed is refused: a month from the day the test runs
            "due_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "status": "open",
        },
        "change": ("status", "done"),
        "owned_by": lambda obj: obj.owner.department,
        # employees see only their own action items (see test_meetings for the others')
        "make_own": lambda obj, user: _give(obj, user.person),
    },
    "meetings.attendance": {
        "make": _attendance,
        "form": _attendance_form,
        "change": ("status", "excused"),
        "owned_by": lambda obj: obj.occurrence.series.department,
    },
}


def _give(item, person) -> None:
    item.owner = person
    item.save()
