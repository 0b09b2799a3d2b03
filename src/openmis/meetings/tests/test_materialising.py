"""Where meetings are materialised: on the write paths (a series saved through its pages, the
API or an import) and by the worker's periodic job, never while a page or feed is read."""

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from openmis import cli
from openmis.core import registry
from openmis.core.imports import run_import
from openmis.meetings import ical, materialising, recurrence
from openmis.meetings.models import AgendaItem, MeetingSeries
from openmis.meetings.tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    OccurrenceFactory,
    SeriesFactory,
)
from openmis.org.tests.factories import PersonFactory
from openmis.tests.test_reading import signed_in, writes_of

pytestmark = pytest.mark.django_db


def window_starts(series: MeetingSeries, now) -> list:
    return recurrence.starts_between(
        series.rule, now - materialising.WINDOW_BACK, now + materialising.WINDOW_AHEAD
    )


def stored_starts(series: MeetingSeries) -> list:
    return list(series.occurrences.order_by("start").values_list("start", flat=True))


def test_reading_meeting_pages_feeds_and_the_home_page_writes_nothing(director):
    # given a series never materialised, a meeting that ended two days ago with an open point
    # (which a page view used to carry over) and the next one, and an overdue action item
    today = timezone.localdate()
    series = SeriesFactory(start_date=today - timedelta(days=today.weekday() + 14))
    held = OccurrenceFactory(series=series, start=timezone.now() - timedelta(days=2))
    AgendaItemFactory(occurrence=held, title="CRM export", status="open")
    upcoming = OccurrenceFactory(series=series, start=timezone.now() + timedelta(days=5))
    ActionItemFactory(owner=director.person, occurrence=held, due_date=today - timedelta(days=1))
    key = ical.feed_token(director).key  # the calendar page's secret exists already
    urls = [
        "/",
        "/meetings/series/",
        f"/meetings/series/{series.pk}/",
        "/meetings/occurrences/",
        f"/meetings/occurrences/{upcoming.pk}/",
        f"/meetings/occurrences/{held.pk}/",
        "/meetings/action-items/",
        "/meetings/week/",
        "/meetings/week/?week=1",
        "/meetings/overdue/",
        "/meetings/calendar/",
        f"/meetings/series/{series.pk}/current/",
    ]
    feeds = [f"/meetings/feed/{key}.ics", f"/meetings/feed/{key}/series/{series.pk}.ics"]
    # when each page and feed is read
    client = signed_in(director)
    found = {url: writes_of(client, url) for url in urls}
    found.update({url: writes_of(HttpClient(), url) for url in feeds})
    # then each answers and none writes
    expected = {url: (200, []) for url in urls + feeds}
    expected[f"/meetings/series/{series.pk}/current/"] = (302, [])
    assert found == expected
    # and the series is as it was: not materialised, the point not carried
    series.refresh_from_db()
    assert (series.materialised_on, series.occurrences.count()) == (None, 2)
    assert list(AgendaItem.objects.values_list("occurrence", flat=True)) == [held.pk]


def test_a_series_created_or_changed_on_its_page_has_its_meetings_at_once(
    director_client, department
):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday() + 14)
    data = {
        "title": "Weekly with Marketing",
        "kind": "department",
        "department": department.pk,
        "organiser": PersonFactory(department=department).pk,
        "timezone": "Europe/Warsaw",
        "start_date": monday.isoformat(),
        "start_time": "10:00",
        "duration_minutes": 60,
        "frequency": "weekly",
        "interval": 1,
        "weekdays": ["MO"],
    }
    # when the series is created on its page
    before = timezone.now()
    assert director_client.post("/meetings/series/add/", data).status_code == 302
    series = MeetingSeries.objects.get()
    # then its meetings of the window are there, history included
    starts = stored_starts(series)
    assert starts == window_starts(series, before)
    assert starts[0].date() == monday
    # when it moves to Thursdays
    data.update(weekdays=["TH"], version=series.version)
    assert director_client.post(f"/meetings/series/{series.pk}/edit/", data).status_code == 302
    series.refresh_from_db()
    # then the future meetings are on Thursdays at once, the past ones stay
    now = timezone.now()
    future = [s for s in stored_starts(series) if s >= now]
    assert future == [s for s in window_starts(series, now) if s >= now]
    assert {s.astimezone(series.zone).weekday() for s in future} == {3}
    assert series.materialised_version == series.version


def test_a_series_created_through_the_api_or_an_import_has_its_meetings(
    api_client_for, director, department
):
    organiser = PersonFactory(department=department)
    data = {
        "title": "Monthly with Finance",
        "kind": "department",
        "department": department.pk,
        "organiser": organiser.pk,
        "timezone": "Europe/Warsaw",
        "start_date": timezone.localdate().isoformat(),
        "start_time": "09:00",
        "duration_minutes": 30,
        "frequency": "monthly",
        "interval": 1,
        "month_day": 1,
    }
    response = api_client_for(director).post("/api/meetings/series/", data, format="json")
    assert response.status_code == 201
    series = MeetingSeries.objects.get(pk=response.json()["id"])
    assert stored_starts(series) == window_starts(series, timezone.now())
    assert len(stored_starts(series)) == 3
    # and a series imported from a file too
    csv = (
        "title,kind,department,organiser,timezone,start_date,start_time,duration_minutes,"
        "frequency,interval,weekdays\n"
        f"Imported weekly,department,{department.name},{organiser.email},Europe/Warsaw,"
        f"{timezone.localdate().isoformat()},11:00,60,weekly,1,WE\n"
    )
    report = run_import(
        registry.get(MeetingSeries), "series.csv", csv.encode(), director, dry_run=False
    )
    assert (report.errors, report.created) == ([], 1)
    imported = MeetingSeries.objects.get(title="Imported weekly")
    assert stored_starts(imported) == window_starts(imported, timezone.now())
    assert len(stored_starts(imported)) >= 13


def test_the_worker_materialises_meetings_when_it_starts(monkeypatch):
    # given a series nobody materialised, whose meetings start tomorrow, and a meeting held
    # this morning with an open point
    series = SeriesFactory(start_date=timezone.localdate() + timedelta(days=1))
    ended = OccurrenceFactory(series=series, start=timezone.now() - timedelta(hours=3))
    AgendaItemFactory(occurrence=ended, title="Licences", status="open")
    # when the worker starts (its job loop itself is not run here)
    monkeypatch.setattr(cli, "_manage", lambda *args: None)
    before = timezone.now()
    assert cli.cmd_worker(None) == 0
    # then the series has its meetings and the next one the open point
    series.refresh_from_db()
    assert series.materialised_on == timezone.localdate()
    assert stored_starts(series) == [ended.start, *window_starts(series, before)]
    following = series.occurrences.filter(start__gte=before).order_by("start").first()
    assert [i.title for i in following.agenda_items.all()] == ["Licences"]


def test_the_periodic_job_carries_points_of_meetings_that_ended_within_the_day():
    # given a series materialised today, a meeting that ended an hour ago and the next one
    series = SeriesFactory(start_date=timezone.localdate() - timedelta(days=30), count=1)
    materialising.materialise(series)
    now = timezone.now()
    held = OccurrenceFactory(series=series, start=now - timedelta(hours=2))
    following = OccurrenceFactory(series=series, start=now + timedelta(days=2))
    AgendaItemFactory(occurrence=held, title="Budget", status="open")
    # when the hourly run comes, the point is carried (once), the series left as it is
    assert materialising.materialise_due(now) == {"series": 0, "carried": 1}
    assert [i.title for i in following.agenda_items.all()] == ["Budget"]
    assert materialising.materialise_due(now) == {"series": 0, "carried": 0}
