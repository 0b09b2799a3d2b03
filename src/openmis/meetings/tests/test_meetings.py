"""Meetings: occurrences from the rule, exceptions, agenda carry-over, minutes sanitising,
iCalendar feeds, action items, reminders, pages and the permissions of each role."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django.utils import timezone
from django.utils.formats import date_format
from icalendar import Calendar

from openmis.conftest import ROLES
from openmis.meetings import actions, agenda, ical, materialising, recurrence, services
from openmis.meetings.models import ActionItem, AgendaItem, MeetingSeries, Occurrence
from openmis.meetings.tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    OccurrenceFactory,
    SeriesFactory,
)
from openmis.org.roles import ANALYST, DIRECTOR, EMPLOYEE, LEADER, STAFF
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db
WARSAW = ZoneInfo("Europe/Warsaw")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def login(user) -> HttpClient:
    client = HttpClient()
    client.force_login(user)
    return client


def quiet_series(**kwargs) -> MeetingSeries:
    """A series whose rule has no meeting near today, for tests that place meetings by hand."""
    return SeriesFactory(start_date=date(2020, 1, 6), count=1, **kwargs)


def this_week_at(hours: int) -> datetime:
    return services.week_bounds(timezone.now())[0] + timedelta(hours=hours)


def url_for(obj):
    return f"https://mis.example.com/{obj._meta.model_name}/{obj.pk}/"


# --- occurrences from the rule -----------------------------------------------------------------


def test_materialising_is_idempotent_and_limited_to_the_window():
    # given a weekly Monday 10:00 series started long ago
    series = SeriesFactory(start_date=date(2025, 1, 6), start_time=time(10, 0))
    now = utc(2026, 3, 20, 12, 0)
    # when it is materialised twice
    first = materialising.materialise(series, now)
    again = materialising.materialise(series, now)
    # then the Mondays from 183 days back to 92 days ahead exist once
    starts = list(series.occurrences.order_by("start").values_list("start", flat=True))
    assert first["created"] == 39
    assert again == {"created": 0, "resized": 0, "removed": 0, "cancelled": 0}
    assert (starts[0], starts[-1]) == (utc(2025, 9, 22, 8, 0), utc(2026, 6, 15, 8, 0))
    assert len(starts) == 39
    # and the series is marked as materialised at its version
    series.refresh_from_db()
    assert (series.materialised_version, series.materialised_on) == (1, date(2026, 3, 20))


def test_a_changed_rule_removes_empty_future_meetings_and_cancels_those_with_content():
    now = utc(2026, 3, 20, 12, 0)
    series = SeriesFactory(start_date=date(2026, 3, 2), start_time=time(10, 0), count=5)
    materialising.materialise(series, now)
    past = series.occurrences.get(start=utc(2026, 3, 16, 9, 0))
    with_agenda = series.occurrences.get(start=utc(2026, 3, 23, 9, 0))
    AgendaItemFactory(occurrence=with_agenda)
    # when the series moves to Tuesdays
    series.weekdays = "TU"
    series.save()
    changes = materialising.materialise(series, now)
    # then past meetings stay, the future Monday with a point is cancelled, empty ones go
    assert changes == {"created": 2, "resized": 0, "removed": 1, "cancelled": 1}
    rows = list(series.occurrences.order_by("start").values_list("start", "status"))
    assert rows == [
        (utc(2026, 3, 2, 9, 0), "scheduled"),
        (utc(2026, 3, 9, 9, 0), "scheduled"),
        (past.start, "scheduled"),
        (with_agenda.start, "cancelled"),
        (utc(2026, 3, 24, 9, 0), "scheduled"),
        (utc(2026, 3, 31, 8, 0), "scheduled"),
    ]


def test_a_skipped_date_and_a_new_duration_apply_to_future_meetings():
    now = utc(2026, 3, 20, 12, 0)
    series = SeriesFactory(start_date=date(2026, 3, 16), start_time=time(10, 0), count=3)
    materialising.materialise(series, now)
    # when 23 March is skipped and meetings last 90 minutes
    series.skipped_dates = "2026-03-23"
    series.duration_minutes = 90
    series.save()
    materialising.materialise(series, now)
    # then 23 March is gone, the future meeting is longer, the past one unchanged
    rows = list(series.occurrences.order_by("start").values_list("start", "end"))
    assert rows == [
        (utc(2026, 3, 16, 9, 0), utc(2026, 3, 16, 10, 0)),
        (utc(2026, 3, 30, 8, 0), utc(2026, 3, 30, 9, 30)),
    ]


def test_a_moved_meeting_is_not_created_again():
    now = utc(2026, 3, 20, 12, 0)
    series = SeriesFactory(start_date=date(2026, 3, 16), start_time=time(10, 0), count=3)
    materialising.materialise(series, now)
    meeting = series.occurrences.get(start=utc(2026, 3, 23, 9, 0))
    # when it is moved to Tuesday 14:00 local time
    services.move(meeting, datetime(2026, 3, 24, 14, 0, tzinfo=WARSAW))
    materialising.materialise(series, now)
    # then it keeps its original start, is "moved", and Monday is not recreated
    meeting.refresh_from_db()
    assert (meeting.start, meeting.end, meeting.status, meeting.original_start) == (
        utc(2026, 3, 24, 13, 0),
        utc(2026, 3, 24, 14, 0),
        "moved",
        utc(2026, 3, 23, 9, 0),
    )
    assert series.occurrences.count() == 3
    # and moving it back makes it scheduled again
    services.move(meeting, datetime(2026, 3, 23, 10, 0, tzinfo=WARSAW))
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


def test_a_rule_without_meetings_is_refused_in_the_form_and_the_api(
    director_client, department, api_client_for, director
):
    organiser = PersonFactory(department=department)
    data = {
        "title": "Monthly on the 31st of April",
        "kind": "department",
        "department": department.pk,
        "organiser": organiser.pk,
        "timezone": "Europe/Warsaw",
        "start_date": "2026-04-01",
        "start_time": "10:00",
        "duration_minutes": 60,
        "frequency": "monthly",
        "interval": 1,
        "month_day": 31,
        "until": "2026-04-30",
    }
    message = (
        "This recurrence produces no meeting at all. Check the start date, the end (until or "
        "number of meetings), the day or week of the month and the skipped dates."
    )
    response = director_client.post("/meetings/series/add/", data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [message]
    response = api_client_for(director).post("/api/meetings/series/", data, format="json")
    assert (response.status_code, response.json()) == (400, {"__all__": [message]})
    assert MeetingSeries.objects.count() == 0


def test_contradictory_rule_fields_are_refused_by_field(director_client, department):
    organiser = PersonFactory(department=department)
    response = director_client.post(
        "/meetings/series/add/",
        {
            "title": "Weekly",
            "kind": "department",
            "department": department.pk,
            "organiser": organiser.pk,
            "timezone": "Europe/Warsaw",
            "start_date": "2026-04-01",
            "start_time": "10:00",
            "duration_minutes": 60,
            "frequency": "monthly",
            "interval": 1,
            "weekdays": ["MO"],
            "until": "2026-03-01",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["until"] == ["The series ends before it starts."]
    assert MeetingSeries.objects.count() == 0


def test_a_meeting_cannot_end_before_it_starts(director_client):
    series = quiet_series()
    response = director_client.post(
        "/meetings/occurrences/add/",
        {"series": series.pk, "start": "2026-05-04 10:00", "end": "2026-05-04 09:00"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["end"] == ["The meeting ends before it starts."]


# --- agenda carry-over -------------------------------------------------------------------------


def three_meetings():
    series = SeriesFactory(start_date=date(2026, 3, 2), start_time=time(10, 0), count=3)
    materialising.materialise(series, utc(2026, 3, 1))
    return series, list(series.occurrences.order_by("start"))


def test_open_points_are_carried_to_the_next_meeting_once_it_has_ended():
    series, (first, second, third) = three_meetings()
    open_point = AgendaItemFactory(occurrence=first, title="CRM export", status="open")
    AgendaItemFactory(occurrence=first, title="Budget", status="done")
    AgendaItemFactory(occurrence=first, title="New intranet", status="parked")
    # before the first meeting has ended nothing is carried
    assert agenda.carry_over(second, now=utc(2026, 3, 2, 9, 30)) == 0
    # when it has ended
    carried = agenda.carry_over(second, now=utc(2026, 3, 2, 12, 0))
    again = agenda.carry_over(second, now=utc(2026, 3, 2, 12, 0))
    # then only the open point moves on, once
    assert (carried, again) == (1, 0)
    copy = second.agenda_items.get()
    assert (copy.title, copy.status, copy.carried_from) == ("CRM export", "open", open_point)
    # and the third meeting waits for the second one
    assert agenda.carry_over(third, now=utc(2026, 3, 5)) == 0
    assert agenda.carry_over(third, now=utc(2026, 3, 10)) == 1
    assert third.agenda_items.get().carried_from == copy
    # and the parked point stays on the series
    assert [i.title for i in agenda.parked_items(series)] == ["New intranet"]


def test_the_days_materialising_carries_points_without_anyone_opening_the_meeting():
    series, (first, second, _third) = three_meetings()
    AgendaItemFactory(occurrence=first, title="CRM export", status="open")
    # the worker's periodic job brings the series up to date on the next day
    MeetingSeries.objects.filter(pk=series.pk).update(materialised_on=date(2026, 3, 2))
    assert materialising.ensure_materialised(utc(2026, 3, 3, 7, 0)) == 1
    # then the next meeting's agenda already has the open point
    assert [i.title for i in second.agenda_items.all()] == ["CRM export"]
    assert materialising.ensure_materialised(utc(2026, 3, 3, 8, 0)) == 0  # once a day


def test_a_rule_change_moves_carried_points_to_the_new_next_meeting():
    """A meeting that holds only points carried over to it is still empty: when the rule
    moves the series to another day, it is removed (not kept as a cancelled meeting) and the
    points go to the new next meeting."""
    series = SeriesFactory(start_date=date(2026, 3, 2), start_time=time(10, 0))  # Mondays
    materialising.materialise(series, utc(2026, 3, 1))
    first = series.occurrences.order_by("start").first()
    AgendaItemFactory(occurrence=first, title="CRM export", status="open")
    materialising.materialise(series, utc(2026, 3, 3))  # the next day: carried to 9 March
    assert AgendaItem.objects.get(carried_from__isnull=False).occurrence.start == utc(
        2026, 3, 9, 9, 0
    )
    series.refresh_from_db()
    series.weekdays = "TH"
    series.save()
    series.refresh_from_db()
    materialising.materialise(series, utc(2026, 3, 4))
    upcoming = series.occurrences.filter(start__gte=utc(2026, 3, 4)).order_by("start")[:2]
    assert [(o.start.date(), o.status) for o in upcoming] == [
        (date(2026, 3, 5), "scheduled"),
        (date(2026, 3, 12), "scheduled"),
    ]
    assert [i.title for i in upcoming[0].agenda_items.all()] == ["CRM export"]


def test_points_of_a_cancelled_meeting_go_to_the_next_one_held():
    _series, (first, second, third) = three_meetings()
    AgendaItemFactory(occurrence=first, title="From the first")
    services.set_cancelled(second, True)
    AgendaItemFactory(occurrence=second, title="Added before it was cancelled")
    assert agenda.carry_over(second, now=utc(2026, 3, 20)) == 0
    assert agenda.carry_over(third, now=utc(2026, 3, 20)) == 2
    assert sorted(third.agenda_items.values_list("title", flat=True)) == [
        "Added before it was cancelled",
        "From the first",
    ]


def test_closing_a_point_closes_its_carried_copies_and_parked_points_come_back():
    series, (first, second, third) = three_meetings()
    point = AgendaItemFactory(occurrence=first, title="Licences")
    agenda.carry_over(second, now=utc(2026, 3, 20))
    agenda.carry_over(third, now=utc(2026, 3, 20))
    # when the original point is marked done afterwards
    agenda.set_agenda_status(point, "done")
    # then its copies are done as well
    statuses = list(AgendaItem.objects.filter(title="Licences").order_by("occurrence__start"))
    assert [i.status for i in statuses] == ["done", "done", "done"]
    # and a parked point brought back is an open copy on the chosen meeting
    parked = AgendaItemFactory(occurrence=first, title="Intranet", status="parked")
    back = agenda.bring_back(parked, third)
    assert (back.occurrence, back.status, back.carried_from) == (third, "open", parked)
    assert agenda.parked_items(series) == []


def test_the_meeting_page_shows_carried_points(director_client):
    series = quiet_series()
    # a meeting six days ago and the next one tomorrow, whatever the hour the suite runs at
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    last_week = OccurrenceFactory(series=series, start=hour - timedelta(days=6), from_rule=False)
    AgendaItemFactory(occurrence=last_week, title="Follow up the CRM export")
    meeting = OccurrenceFactory(series=series, start=last_week.start + timedelta(days=7))
    # once the worker's periodic job has run (pages do not write)
    materialising.materialise_due()
    response = director_client.get(f"/meetings/occurrences/{meeting.pk}/")
    assert response.status_code == 200
    assert [(i.title, i.carried_from_id) for i in response.context["agenda"]] == [
        ("Follow up the CRM export", last_week.agenda_items.get().pk)
    ]


# --- minutes -----------------------------------------------------------------------------------


def test_minutes_are_saved_previewed_and_shown_sanitised(director_client):
    meeting = OccurrenceFactory(series=quiet_series())
    text = "Agreed: **go**.\n\n<script>steal()</script>"
    response = director_client.post(
        f"/meetings/occurrences/{meeting.pk}/minutes/preview/", {"minutes": text}
    )
    assert response.content.decode() == "<p>Agreed: <strong>go</strong>.</p>\n"
    response = director_client.post(
        f"/meetings/occurrences/{meeting.pk}/minutes/",
        {"minutes": text, "version": meeting.version},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == text
    page = director_client.get(f"/meetings/occurrences/{meeting.pk}/").content.decode()
    assert "<p>Agreed: <strong>go</strong>.</p>" in page
    assert "<script>steal()" not in page


def test_minutes_from_a_stale_copy_are_refused_and_kept_in_the_form(director_client):
    meeting = OccurrenceFactory(series=quiet_series(), minutes="Theirs")
    services.save_minutes(meeting, "Saved meanwhile")
    response = director_client.post(
        f"/meetings/occurrences/{meeting.pk}/minutes/", {"minutes": "Mine", "version": 1}
    )
    assert response.status_code == 409
    assert response.context["minutes_form"]["minutes"].value() == "Mine"
    meeting.refresh_from_db()
    assert meeting.minutes == "Saved meanwhile"


# --- iCalendar ---------------------------------------------------------------------------------


def parse(content: bytes) -> Calendar:
    return Calendar.from_ical(content)


def events(calendar: Calendar) -> list:
    return sorted(calendar.walk("VEVENT"), key=lambda e: str(e["uid"]))


def test_series_feed_is_correct_across_both_summer_time_changes():
    # given Monday 10:00 Warsaw meetings around 29 March and 25 October 2026, one moved and
    # one cancelled
    series = SeriesFactory(
        title="Weekly with Marketing",
        start_date=date(2026, 3, 23),
        start_time=time(10, 0),
        count=2,
        location="Room 4",
    )
    autumn = SeriesFactory(start_date=date(2026, 10, 19), start_time=time(10, 0), count=2)
    now = utc(2026, 3, 20)
    materialising.materialise(series, now)
    materialising.materialise(autumn, utc(2026, 10, 1))
    before, after = series.occurrences.order_by("start")
    # when the feeds are built and parsed back
    spring_events = events(parse(ical.series_feed(series, url_for, now)))
    autumn_events = events(parse(ical.series_feed(autumn, url_for, utc(2026, 10, 1))))
    # then each meeting is one event at 10:00 Warsaw time, i.e. 09:00 then 08:00 UTC
    assert [
        (
            str(e["uid"]),
            e.decoded("dtstart"),
            e.decoded("dtstart").astimezone(UTC),
            e.decoded("dtend").astimezone(UTC),
            str(e["summary"]),
            str(e["location"]),
            str(e["status"]),
            str(e["url"]),
        )
        for e in spring_events
    ] == [
        (
            ical.occurrence_uid(before),
            datetime(2026, 3, 23, 10, 0, tzinfo=WARSAW),
            utc(2026, 3, 23, 9, 0),
            utc(2026, 3, 23, 10, 0),
            "Weekly with Marketing",
            "Room 4",
            "CONFIRMED",
            f"https://mis.example.com/occurrence/{before.pk}/",
        ),
        (
            ical.occurrence_uid(after),
            datetime(2026, 3, 30, 10, 0, tzinfo=WARSAW),
            utc(2026, 3, 30, 8, 0),
            utc(2026, 3, 30, 9, 0),
            "Weekly with Marketing",
            "Room 4",
            "CONFIRMED",
            f"https://mis.example.com/occurrence/{after.pk}/",
        ),
    ]
    assert [e.decoded("dtstart").astimezone(UTC) for e in autumn_events] == [
        utc(2026, 10, 19, 8, 0),
        utc(2026, 10, 26, 9, 0),
    ]
    # and the start is written in local time with its time zone, which is described
    content = ical.series_feed(series, url_for, now).decode()
    assert "DTSTART;TZID=Europe/Warsaw:20260330T100000" in content
    assert [str(tz["tzid"]) for tz in parse(content.encode()).walk("VTIMEZONE")] == [
        "Europe/Warsaw"
    ]


def test_moved_and_cancelled_meetings_in_the_feed():
    series = SeriesFactory(start_date=date(2026, 3, 16), start_time=time(10, 0), count=2)
    now = utc(2026, 3, 10)
    materialising.materialise(series, now)
    first, second = series.occurrences.order_by("start")
    services.move(first, datetime(2026, 3, 17, 15, 0, tzinfo=WARSAW))
    services.set_cancelled(second, True)
    found = {str(e["uid"]): e for e in parse(ical.series_feed(series, url_for, now)).walk("VEVENT")}
    moved, cancelled = found[ical.occurrence_uid(first)], found[ical.occurrence_uid(second)]
    assert (moved.decoded("dtstart").astimezone(UTC), str(moved["status"])) == (
        utc(2026, 3, 17, 14, 0),
        "CONFIRMED",
    )
    assert str(cancelled["status"]) == "CANCELLED"


def test_person_feed_has_their_meetings_and_open_action_items_as_all_day_events():
    person = PersonFactory()
    mine = SeriesFactory(title="Mine", start_date=date(2026, 3, 16), count=1)
    mine.attendees.add(person)
    SeriesFactory(title="Organised", organiser=person, start_date=date(2026, 3, 17), count=1)
    SeriesFactory(title="Not mine", start_date=date(2026, 3, 16), count=1)
    meeting = OccurrenceFactory(series=quiet_series(), start=utc(2026, 3, 18, 9, 0))
    due = ActionItemFactory(owner=person, occurrence=meeting, due_date=date(2026, 3, 27))
    ActionItemFactory(owner=person, occurrence=meeting, status="done")
    now = utc(2026, 3, 10)
    materialising.materialise_due(now)  # the worker's periodic job; the feed only reads
    calendar = parse(ical.person_feed(person, url_for, now))
    assert sorted(str(e["summary"]) for e in calendar.walk("VEVENT")) == [
        f"Action item due: {due.title}",
        "Mine",
        "Organised",
    ]
    (todo,) = [e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith("action-")]
    assert (str(todo["uid"]), todo.decoded("dtstart"), todo.decoded("dtend")) == (
        ical.action_uid(due),
        date(2026, 3, 27),
        date(2026, 3, 28),
    )


def test_feeds_are_reached_by_a_secret_that_can_be_rotated(department):
    user = user_with_role(LEADER, department)
    person = user.person
    series = quiet_series(department=department)
    series.attendees.add(person)
    OccurrenceFactory(series=series, start=timezone.now() + timedelta(days=1))
    client = login(user)
    page = client.get("/meetings/calendar/")
    key = ical.feed_token(user).key
    assert page.context["feed_url"] == f"http://testserver/meetings/feed/{key}.ics"
    anonymous = HttpClient()
    response = anonymous.get(f"/meetings/feed/{key}.ics")
    assert (response.status_code, response["Content-Type"]) == (200, "text/calendar; charset=utf-8")
    assert [str(e["summary"]) for e in parse(response.content).walk("VEVENT")] == [series.title]
    assert anonymous.get(f"/meetings/feed/{key}/series/{series.pk}.ics").status_code == 200
    # when the secret is changed the old address stops working
    assert client.post("/meetings/calendar/rotate/").status_code == 302
    assert anonymous.get(f"/meetings/feed/{key}.ics").status_code == 404
    assert anonymous.get(f"/meetings/feed/{ical.feed_token(user).key}.ics").status_code == 200
    assert anonymous.get("/meetings/feed/not-a-key.ics").status_code == 404


def test_a_series_feed_needs_the_right_to_see_it_or_to_take_part(department):
    employee = user_with_role(EMPLOYEE, department)
    series = quiet_series()
    key = ical.feed_token(employee).key
    assert HttpClient().get(f"/meetings/feed/{key}/series/{series.pk}.ics").status_code == 404
    series.attendees.add(employee.person)
    assert HttpClient().get(f"/meetings/feed/{key}/series/{series.pk}.ics").status_code == 200


# --- action items ------------------------------------------------------------------------------


def test_adding_an_action_item_records_an_outcome(director_client, department):
    leader = user_with_role(LEADER, department)
    meeting = OccurrenceFactory(series=quiet_series(department=department))
    due = timezone.localdate() + timedelta(days=4)
    response = director_client.post(
        f"/meetings/occurrences/{meeting.pk}/actions/",
        {"title": "Send the export spec", "owner": leader.person.pk, "due_date": due.isoformat()},
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.title, item.owner, item.due_date, item.occurrence, item.status) == (
        "Send the export spec",
        leader.person,
        due,
        meeting,
        "open",
    )
    assert (item.outcome.kind, item.outcome.text, item.outcome.occurrence) == (
        "action",
        "Send the export spec",
        meeting,
    )


def test_the_owner_sees_their_action_items_at_home_and_may_mark_them_done(department):
    leader = user_with_role(LEADER, department)
    meeting = OccurrenceFactory(series=quiet_series(title="Weekly with Marketing"))
    overdue = ActionItemFactory(
        owner=leader.person, occurrence=meeting, due_date=timezone.localdate() - timedelta(1)
    )
    later = ActionItemFactory(
        owner=leader.person, occurrence=meeting, due_date=timezone.localdate() + timedelta(5)
    )
    ActionItemFactory(occurrence=meeting)  # someone else's
    client = login(leader)
    response = client.get("/")
    page = response.content.decode()
    mine = page[
        page.index('id="my-action-tiles"') : page.index("</ul>", page.index('id="my-action-tiles"'))
    ]
    assert [int(pk) for pk in re.findall(r'href="/meetings/action-items/(\d+)/"', mine)] == [
        overdue.pk,
        later.pk,
    ]
    assert f"overdue since {date_format(overdue.due_date)}" in mine
    # the owner marks one done from the home page, whatever their role's scope
    response = client.post(
        f"/meetings/action-items/{overdue.pk}/status/", {"status": "done", "next": "/"}
    )
    assert (response.status_code, response["Location"]) == (302, "/")
    overdue.refresh_from_db()
    assert (overdue.status, overdue.done_on) == ("done", timezone.localdate())


def test_someone_else_s_action_item_cannot_be_marked_done_by_an_employee(department):
    employee = user_with_role(EMPLOYEE, department)
    item = ActionItemFactory(owner=PersonFactory(department=department))
    response = login(employee).post(f"/meetings/action-items/{item.pk}/status/", {"status": "done"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == "open"


def test_overdue_list_per_department(director_client):
    sales, hr = DepartmentFactory(name="Sales"), DepartmentFactory(name="HR")
    today = timezone.localdate()
    late = ActionItemFactory(owner=PersonFactory(department=sales), due_date=today - timedelta(3))
    ActionItemFactory(owner=PersonFactory(department=sales), due_date=today)  # not yet
    ActionItemFactory(
        owner=PersonFactory(department=hr), due_date=today - timedelta(1), status="done"
    )
    hr_late = ActionItemFactory(owner=PersonFactory(department=hr), due_date=today - timedelta(9))
    response = director_client.get("/meetings/overdue/")
    assert [(d, [(i, n) for i, n in rows]) for d, rows in response.context["groups"]] == [
        (hr, [(hr_late, 9)]),
        (sales, [(late, 3)]),
    ]
    response = director_client.get(f"/meetings/overdue/?department={sales.pk}")
    assert [d for d, _rows in response.context["groups"]] == [sales]
    assert director_client.get("/meetings/overdue/?department=x").status_code == 404


def test_reminders_go_once_a_day_to_owners_of_due_and_overdue_items(
    django_capture_on_commit_callbacks,
):
    today = date(2026, 5, 11)
    owner = PersonFactory(first_name="Ewa", email="ewa@example.com")
    ActionItemFactory(owner=owner, title="Due today", due_date=today)
    ActionItemFactory(owner=owner, title="Overdue", due_date=today - timedelta(days=2))
    ActionItemFactory(owner=owner, title="Later", due_date=today + timedelta(days=1))
    ActionItemFactory(owner=owner, title="Done", due_date=today, status="done")
    ActionItemFactory(owner=PersonFactory(email="x@example.com"), due_date=today + timedelta(3))
    with django_capture_on_commit_callbacks(execute=True):  # sent from the task queue
        assert actions.send_action_reminders(today) == 1
        assert actions.send_action_reminders(today) == 0
    assert [m.to for m in mail.outbox] == [["ewa@example.com"]]
    assert mail.outbox[0].subject == "Action items due: 2 (1 overdue)"
    assert "- Overdue, due 2026-05-09" in mail.outbox[0].body
    assert "- Due today, due 2026-05-11" in mail.outbox[0].body
    assert "Later" not in mail.outbox[0].body
    assert actions.send_action_reminders(today + timedelta(days=1)) == 1


def test_the_reminder_command_reports_what_it_sent(django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    ActionItemFactory(owner=PersonFactory(email="a@example.com"), due_date=timezone.localdate())
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # sent from the task queue
        call_command("send_action_reminders", stdout=out)
    assert out.getvalue() == "1 action item reminders sent.\n"
    assert [m.to for m in mail.outbox] == [["a@example.com"]]


def test_deleting_a_series_warns_what_goes_with_it(director_client):
    series = quiet_series()
    OccurrenceFactory(series=series, minutes="Notes")
    ActionItemFactory(occurrence=OccurrenceFactory(series=series))
    response = director_client.get(f"/meetings/series/{series.pk}/delete/")
    assert response.context["warnings"] == [
        "Deleting the series also deletes its 2 meetings, 1 of them with minutes, and 1 "
        "action items."
    ]


def test_an_action_item_needs_a_meeting_or_an_outcome():
    from django.core.exceptions import ValidationError

    item = ActionItem(title="x", owner=PersonFactory(), due_date=date(2026, 1, 1))
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert error.value.message_dict == {
        "occurrence": ["Link the action item to a meeting or to an outcome."]
    }


# --- pages -------------------------------------------------------------------------------------


def test_this_week_s_meetings_on_the_cockpit_and_the_series_current_meeting(director_client):
    series = quiet_series(title="Weekly with Finance")
    meeting = OccurrenceFactory(series=series, start=this_week_at(33))
    OccurrenceFactory(series=series, start=this_week_at(33) + timedelta(days=7))
    cancelled = OccurrenceFactory(series=series, start=this_week_at(40), status="cancelled")
    response = director_client.get("/")
    assert response.context["meetings_this_week"] == [meeting]
    assert cancelled not in response.context["meetings_this_week"]
    response = director_client.get(f"/meetings/series/{series.pk}/current/")
    assert response["Location"] == f"/meetings/occurrences/{meeting.pk}/"
    response = director_client.get("/meetings/week/")
    assert list(response.context["meetings"]) == [meeting, cancelled]


def test_series_page_describes_the_rule_and_lists_meetings(director_client):
    series = SeriesFactory(
        start_date=date(2026, 1, 1),
        start_time=time(14, 0),
        frequency="monthly",
        weekdays="WE",
        week_of_month=2,
        interval=1,
        until=date(2030, 1, 1),
    )
    materialising.series_saved(series)  # as its pages, API and import do (the page only reads)
    now = timezone.now()
    response = director_client.get(f"/meetings/series/{series.pk}/")
    assert response.status_code == 200
    assert response.context["rule_text"] == (
        "Every month on the second Wednesday at 2:00\u202fPM (Europe/Warsaw), 60 minutes, "
        "until Jan 1, 2030"
    )
    upcoming = response.context["upcoming"]
    assert [o.start for o in upcoming] == recurrence.starts_between(
        series.rule, now, now + materialising.WINDOW_AHEAD
    )
    for meeting in upcoming:
        local = meeting.start.astimezone(WARSAW)
        assert (local.strftime("%A %H:%M"), 8 <= local.day <= 14) == ("Wednesday 14:00", True)


# --- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "where", "allowed"),
    [
        (DIRECTOR, "away", True),
        (STAFF, "away", True),
        (LEADER, "home", True),
        (LEADER, "away", False),
        (ANALYST, "home", False),
        (EMPLOYEE, "home", False),
        (None, "home", False),
    ],
)
def test_who_may_write_minutes_agenda_and_outcomes(role, where, allowed, department):
    # given a user of the role in Marketing and a meeting of Marketing or of another department
    user = user_with_role(role, department)
    owner = department if where == "home" else DepartmentFactory(name="Finance")
    meeting = OccurrenceFactory(series=quiet_series(department=owner))
    client = login(user)
    # when they write minutes, add a point and an outcome
    responses = [
        client.post(
            f"/meetings/occurrences/{meeting.pk}/minutes/",
            {"minutes": "Written", "version": meeting.version},
        ),
        client.post(f"/meetings/occurrences/{meeting.pk}/agenda/", {"title": "Point"}),
        client.post(
            f"/meetings/occurrences/{meeting.pk}/outcomes/", {"kind": "decision", "text": "Go"}
        ),
    ]
    meeting.refresh_from_db()
    # then it works for those allowed and changes nothing for the others
    if allowed:
        assert [r.status_code for r in responses] == [302, 302, 302]
        assert (meeting.minutes, meeting.agenda_items.count(), meeting.outcomes.count()) == (
            "Written",
            1,
            1,
        )
    else:
        assert [r.status_code for r in responses] == [403, 403, 403]
        assert (meeting.minutes, meeting.agenda_items.count(), meeting.outcomes.count()) == (
            "",
            0,
            0,
        )


def test_a_leader_cannot_edit_another_department_s_series(department):
    leader = user_with_role(LEADER, department)
    theirs = quiet_series(department=DepartmentFactory(name="Finance"), duration_minutes=60)
    client = login(leader)
    response = client.post(
        f"/meetings/series/{theirs.pk}/edit/",
        {"title": "Taken over", "version": theirs.version},
    )
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.title != "Taken over"
    # and may not assign action items to people of another department
    mine = OccurrenceFactory(series=quiet_series(department=department))
    outsider = PersonFactory(department=theirs.department)
    response = client.post(
        f"/meetings/occurrences/{mine.pk}/actions/",
        {"title": "Do it", "owner": outsider.pk, "due_date": "2026-12-01"},
    )
    assert response.status_code == 400
    assert response.context["action_form"].errors["owner"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert ActionItem.objects.count() == 0


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_what_of_meetings(role, department):
    user = user_with_role(role, department)
    client = login(user)
    meeting = OccurrenceFactory(series=quiet_series(department=department))
    expected = {
        DIRECTOR: (200, 200, 200),
        STAFF: (200, 200, 200),
        LEADER: (200, 200, 200),
        ANALYST: (200, 200, 200),
        EMPLOYEE: (403, 200, 403),
    }[role]
    assert (
        client.get(f"/meetings/occurrences/{meeting.pk}/").status_code,
        client.get("/meetings/action-items/").status_code,
        client.get("/meetings/week/").status_code,
    ) == expected


def test_employees_see_only_their_own_action_items(department):
    """The issue: employees see their own action items. In the list, on the item's page,
    in search, in the API, in exports and on the overdue page; a department leader sees
    every department's items (and manages their own department's)."""
    employee = user_with_role(EMPLOYEE, department, username="emp")
    colleague = PersonFactory(department=department, last_name="Colleague")
    mine = ActionItemFactory(owner=employee.person, title="Mine to do", due_date=date(2026, 1, 5))
    theirs = ActionItemFactory(owner=colleague, title="Theirs to do", due_date=date(2026, 1, 5))
    client = login(employee)

    listed = client.get("/meetings/action-items/").content.decode()
    assert "Mine to do" in listed and "Theirs to do" not in listed
    assert client.get(f"/meetings/action-items/{mine.pk}/").status_code == 200
    refused = client.get(f"/meetings/action-items/{theirs.pk}/")
    assert refused.status_code == 403
    assert "only your own action items" in refused.content.decode()
    api = client.get("/api/meetings/action-items/").json()
    assert [row["title"] for row in api["results"]] == ["Mine to do"]
    assert client.get(f"/api/meetings/action-items/{theirs.pk}/").status_code == 404
    found = client.get("/search/", {"q": "to do"}).content.decode()
    assert "Mine to do" in found and "Theirs to do" not in found
    exported = client.get("/meetings/action-items/export/?format=csv")
    body = b"".join(exported.streaming_content if exported.streaming else [exported.content])
    assert b"Mine to do" in body and b"Theirs to do" not in body
    overdue = client.get("/meetings/overdue/").content.decode()
    assert "Mine to do" in overdue and "Theirs to do" not in overdue

    leader = login(user_with_role(LEADER, DepartmentFactory(), username="lead"))
    listed = leader.get("/meetings/action-items/").content.decode()
    assert "Mine to do" in listed and "Theirs to do" in listed

    # A colleague's page (shared by everyone who may see people) links their action items
    # without counting them: the count would tell the employee what the list hides.
    page = client.get(f"/org/people/{colleague.pk}/").content.decode()
    link = f'href="/meetings/action-items/?owner={colleague.pk}"'
    assert link in page
    item = page[page.index(link) : page.index("</li>", page.index(link))]
    assert "badge" not in item


def test_the_demo_loads_series_with_history():
    from openmis.meetings import demo
    from openmis.org import demo as org_demo
    from openmis.portfolio import demo as portfolio_demo

    # given the demo organisation and portfolio, on Wednesday 25 November 2026
    now = utc(2026, 11, 25, 11, 0)
    org_demo.load()
    portfolio_demo.load(now.date())
    # when the meetings demo is loaded
    assert demo.load(now) == 4
    # then the Marketing series meets on Mondays from 1 June (26 weeks back) with 3 August
    # skipped: 25 past meetings, all with minutes
    marketing = MeetingSeries.objects.get(title="Weekly with Marketing leaders")
    past = marketing.occurrences.filter(start__lt=now).exclude(status="cancelled")
    assert (past.count(), past.filter(minutes="").count()) == (25, 0)
    assert marketing.occurrences.filter(start__date=date(2026, 8, 3)).count() == 0
    assert Occurrence.objects.filter(status="moved").count() == 3
    # and open points were carried over, and the marketing leader has overdue action items
    # (every point still open after a past meeting was carried to the next one, once)
    carried = AgendaItem.objects.filter(carried_from__isnull=False)
    open_after_meeting = AgendaItem.objects.filter(status="open", occurrence__end__lte=now)
    assert carried.exclude(carried_from__status="open").count() == 0
    assert carried.count() == open_after_meeting.count()
    assert sorted(carried.values_list("carried_from", flat=True)) == sorted(
        open_after_meeting.values_list("pk", flat=True)
    )
    assert sorted(
        ActionItem.objects.filter(
            owner__user__username="marketing",
            status="open",
            due_date__lt=now.date(),
            title__in=demo.OVERDUE_ACTIONS,
        ).values_list("title", flat=True)
    ) == sorted(demo.OVERDUE_ACTIONS)
    # and the demo employee has an action item of their own to find on their home page
    mine = ActionItem.objects.filter(owner__user__username="employee", status="open")
    assert mine.count() == 1 and mine.get().due_date > now.date()
