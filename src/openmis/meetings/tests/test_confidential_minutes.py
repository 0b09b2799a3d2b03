"""Confidential minutes of client meetings: what was said (minutes, agenda points, outcomes,
action items) is read by the MIS office, the series' organiser and attendees, those present
at the meeting and the department concerned; everyone else who may view meetings sees that
the meeting takes place (date, series) and nothing of what was said — the same in lists,
pages, search, exports, the API, the follow-up, the calendar feeds and the history."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from openmis.conftest import logged_in
from openmis.core.services import save_object
from openmis.meetings import ical
from openmis.meetings.models import ActionItem, Attendance, MeetingSeries, Occurrence
from openmis.meetings.tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    ClientFactory,
    OccurrenceFactory,
    OutcomeFactory,
    SeriesFactory,
)
from openmis.org.roles import ANALYST, DIRECTOR, EMPLOYEE, LEADER, STAFF
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db

MINUTES = "Acme will merge with Globex in May."
NOTE = "Price cut of 12 percent offered."
DECISION = "Pilot the merger CRM in Gdansk."
ACTION = "Draft the merger announcement"
SERIES = "Monthly with Acme"


@pytest.fixture
def world(department):
    """Sales' confidential series with Acme: one past meeting with minutes, an agenda point,
    a decision and an action item, and a next meeting to follow it up."""
    sales = DepartmentFactory(name="Sales")
    series = SeriesFactory(
        title=SERIES,
        department=sales,
        kind=MeetingSeries.Kind.CLIENT,
        client=ClientFactory(name="Acme"),
        start_date=date(2020, 1, 6),
        count=1,
        confidential=True,
    )
    meeting = OccurrenceFactory(series=series, start=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    meeting.minutes = MINUTES
    save_object(meeting)  # recorded in the history too
    nxt = OccurrenceFactory(series=series, start=datetime(2026, 4, 6, 9, 0, tzinfo=UTC))
    point = AgendaItemFactory(occurrence=meeting, title="Merger", notes=NOTE)
    decision = OutcomeFactory(occurrence=meeting, kind="decision", text=DECISION)
    item = ActionItemFactory(
        occurrence=meeting,
        title=ACTION,
        owner=PersonFactory(department=sales),
        due_date=timezone.localdate() + timedelta(days=3),
    )
    return {
        "sales": sales,
        "series": series,
        "meeting": meeting,
        "next": nxt,
        "point": point,
        "decision": decision,
        "item": item,
    }


def reader(world, department, role: str, relation: str):
    """A user of ``role`` who relates to the series as ``relation``."""
    home = world["sales"] if relation == "department" else department
    user = user_with_role(role, home)
    if relation == "attendee":
        world["series"].attendees.add(user.person)
    elif relation == "present":
        world["series"].attendees.add(PersonFactory())  # someone else is invited
        Attendance.objects.create(occurrence=world["meeting"], person=user.person, status="present")
    elif relation == "absent":  # recorded, but not present: not a reader
        Attendance.objects.create(occurrence=world["meeting"], person=user.person, status="absent")
    return user


# role, relation to the series, whether they read what was said
CASES = [
    (DIRECTOR, "outsider", True),
    (STAFF, "outsider", True),
    (LEADER, "outsider", False),
    (ANALYST, "outsider", False),
    (LEADER, "department", True),
    (ANALYST, "department", True),
    (ANALYST, "attendee", True),
    (LEADER, "attendee", True),
    (ANALYST, "present", True),
    (ANALYST, "absent", False),
]


@pytest.mark.parametrize(("role", "relation", "reads"), CASES)
def test_pages_lists_search_and_export(world, department, role, relation, reads):
    client = logged_in(reader(world, department, role, relation))
    meeting = world["meeting"]
    # the meeting exists for everyone: its page and its row in the list and the export
    page = client.get(f"/meetings/occurrences/{meeting.pk}/")
    assert page.status_code == 200
    content = page.content.decode()
    assert SERIES in content
    for secret in (MINUTES, NOTE, DECISION, ACTION):
        assert (secret in content) is reads, secret
    listing = client.get("/meetings/occurrences/")
    assert listing.status_code == 200
    assert f"/meetings/occurrences/{meeting.pk}/" in listing.content.decode()
    export = b"".join(client.get("/meetings/occurrences/export/?format=csv").streaming_content)
    assert (SERIES.encode() in export, MINUTES.encode() in export) == (True, reads)
    # the parts: pages answer 404 (missing), lists and exports leave them out
    for slug, obj, text in (
        ("agenda-items", world["point"], NOTE),
        ("outcomes", world["decision"], DECISION),
    ):
        assert client.get(f"/meetings/{slug}/{obj.pk}/").status_code == (200 if reads else 404)
        listing = client.get(f"/meetings/{slug}/").content.decode()
        assert (f"/meetings/{slug}/{obj.pk}/" in listing) is reads
        export = b"".join(client.get(f"/meetings/{slug}/export/?format=csv").streaming_content)
        assert (text.encode() in export) is reads
    item = client.get(f"/meetings/action-items/{world['item'].pk}/")
    assert (item.status_code, ACTION in item.content.decode()) == (
        (200, True) if reads else (403, False)
    )
    # search matches what was said only for those who may read it
    for word, link in (
        ("merge with Globex", f"/meetings/occurrences/{meeting.pk}/"),
        ("12 percent", f"/meetings/agenda-items/{world['point'].pk}/"),
        ("merger CRM", f"/meetings/outcomes/{world['decision'].pk}/"),
        ("merger announcement", f"/meetings/action-items/{world['item'].pk}/"),
    ):
        found = client.get("/search/", {"q": word}).content.decode()
        assert (link in found) is reads, word
    quick = client.get("/meetings/occurrences/", {"q": "Globex"}).content.decode()
    assert (f"/meetings/occurrences/{meeting.pk}/" in quick) is reads


@pytest.mark.parametrize(("role", "relation", "reads"), CASES)
def test_the_api(world, department, role, relation, reads, api_client_for):
    api = api_client_for(reader(world, department, role, relation))
    meeting = world["meeting"]
    detail = api.get(f"/api/meetings/occurrences/{meeting.pk}/")
    assert detail.status_code == 200
    assert detail.json()["minutes"] == (MINUTES if reads else "")
    listed = {
        row["id"]: row["minutes"] for row in api.get("/api/meetings/occurrences/").json()["results"]
    }
    assert listed == {meeting.pk: MINUTES if reads else "", world["next"].pk: ""}
    found = api.get("/api/meetings/occurrences/", {"q": "Globex"}).json()["count"]
    assert found == (1 if reads else 0)
    export = api.get("/api/meetings/occurrences/export/?format=csv")
    body = b"".join(export.streaming_content) if export.streaming else export.content
    assert (MINUTES.encode() in body) is reads
    for slug, obj in (("agenda-items", world["point"]), ("outcomes", world["decision"])):
        assert api.get(f"/api/meetings/{slug}/").json()["count"] == (1 if reads else 0)
        assert api.get(f"/api/meetings/{slug}/{obj.pk}/").status_code == (200 if reads else 404)
    assert api.get("/api/meetings/action-items/").json()["count"] == (1 if reads else 0)
    # "since last time" of the next meeting
    follow = api.get(f"/api/meetings/occurrences/{world['next'].pk}/follow-up/").json()
    assert [d["text"] for d in follow["decisions"]] == ([DECISION] if reads else [])
    assert [a["title"] for a in follow["action_items"]] == ([ACTION] if reads else [])


def test_employees_see_only_their_own_item_of_a_confidential_meeting(world, department):
    employee = user_with_role(EMPLOYEE, department)
    client = logged_in(employee)
    assert client.get(f"/meetings/occurrences/{world['meeting'].pk}/").status_code == 403
    assert client.get(f"/meetings/action-items/{world['item'].pk}/").status_code == 403
    ActionItem.objects.filter(pk=world["item"].pk).update(owner=employee.person)
    page = client.get(f"/meetings/action-items/{world['item'].pk}/")
    assert (page.status_code, ACTION in page.content.decode()) == (200, True)


@pytest.mark.parametrize(("relation", "reads"), [("outsider", False), ("attendee", True)])
def test_the_calendar_feed_carries_the_agenda_only_to_readers(world, department, relation, reads):
    world["point"].notes = ""
    world["point"].save()
    user = reader(world, department, ANALYST, relation)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    content = ical.series_feed(world["series"], lambda obj: "https://mis/x", now, user=user)
    events = {str(e["dtstart"].dt.date()): e for e in Calendar.from_ical(content).walk("VEVENT")}
    assert set(events) == {"2026-03-02", "2026-04-06"}
    description = str(events["2026-03-02"].get("description", ""))
    assert description == ("Agenda:\n1. Merger" if reads else "")


def test_the_history_hides_changes_of_confidential_minutes(world, department):
    meeting = world["meeting"]
    for user, reads in (
        (user_with_role(ANALYST, department), False),
        (user_with_role(STAFF, department), True),
    ):
        page = logged_in(user).get(f"/core/history/meetings.occurrence/{meeting.pk}/")
        if page.status_code == 404:  # the history is on the object's page
            page = logged_in(user).get(f"/meetings/occurrences/{meeting.pk}/")
        content = page.content.decode()
        assert (MINUTES in content) is reads


@pytest.mark.parametrize(
    ("role", "may_set"), [(DIRECTOR, True), (STAFF, True), (LEADER, False), (ANALYST, False)]
)
def test_only_the_mis_office_marks_a_meeting_confidential(
    world, department, role, may_set, api_client_for
):
    open_series = SeriesFactory(
        title="Quarterly with Initech",
        department=world["sales"],
        kind=MeetingSeries.Kind.CLIENT,
        client=ClientFactory(name="Initech"),
        count=1,
    )
    meeting = OccurrenceFactory(series=open_series)
    user = user_with_role(role, world["sales"])
    api = api_client_for(user)
    response = api.patch(
        f"/api/meetings/occurrences/{meeting.pk}/", {"confidential": True}, format="json"
    )
    assert response.status_code in ((200,) if may_set else (200, 403)), response.json()
    response = api.patch(
        f"/api/meetings/series/{open_series.pk}/", {"confidential": True}, format="json"
    )
    assert response.status_code in ((200,) if may_set else (200, 403)), response.json()
    meeting.refresh_from_db()
    open_series.refresh_from_db()
    assert (meeting.confidential, open_series.confidential) == (may_set, may_set)
    # the form offers the box only to the MIS office
    if role in (DIRECTOR, STAFF, LEADER):
        form = logged_in(user).get(f"/meetings/occurrences/{meeting.pk}/edit/")
        assert form.status_code == 200
        assert ('name="confidential"' in form.content.decode()) is may_set


def test_only_client_meetings_are_confidential(director_client, department):
    series = SeriesFactory(department=department, count=1)
    meeting = OccurrenceFactory(series=series)
    meeting.confidential = True
    with pytest.raises(Exception) as error:
        meeting.full_clean()
    assert "confidential" in error.value.message_dict
    series.confidential = True
    with pytest.raises(Exception) as error:
        series.full_clean()
    assert "confidential" in error.value.message_dict


def test_a_copy_without_its_minutes_is_never_saved(world, department):
    from openmis.core import registry

    analyst = user_with_role(ANALYST, department)
    copy = registry.get(Occurrence).for_user(analyst).get(pk=world["meeting"].pk)
    assert (copy.minutes, copy.redacted) == ("", True)
    with pytest.raises(RuntimeError):
        copy.save()
    world["meeting"].refresh_from_db()
    assert world["meeting"].minutes == MINUTES


def test_the_occurrence_list_costs_the_same_queries_with_confidential_rows(
    world, department, api_client_for, django_assert_max_num_queries
):
    api = api_client_for(user_with_role(ANALYST, department))
    api.get("/api/meetings/occurrences/")  # warm caches

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/api/meetings/occurrences/").status_code == 200
        return len(ctx)

    few = count()
    for n in range(10):
        OccurrenceFactory(
            series=world["series"],
            start=datetime(2026, 5, 4 + n, 9, 0, tzinfo=UTC),
            confidential=True,
        )
    assert count() == few


def test_a_page_kept_for_one_reader_is_not_shown_to_another(world, department):
    """Pages and their fragments are cached: the MIS office's copy, with the minutes and their
    history, must not be served to an outsider afterwards (nor the reverse)."""
    meeting = world["meeting"]
    staff = logged_in(user_with_role(STAFF, department))
    analyst = logged_in(user_with_role(ANALYST, department))
    for _round in range(2):
        assert MINUTES in staff.get(f"/meetings/occurrences/{meeting.pk}/").content.decode()
        assert MINUTES not in analyst.get(f"/meetings/occurrences/{meeting.pk}/").content.decode()
        found = analyst.get("/meetings/occurrences/", {"q": "Globex"}).content.decode()
        assert f"/meetings/occurrences/{meeting.pk}/" not in found
        found = staff.get("/meetings/occurrences/", {"q": "Globex"}).content.decode()
        assert f"/meetings/occurrences/{meeting.pk}/" in found


def test_a_confidential_meetings_points_are_not_carried_into_an_open_one(department):
    from openmis.meetings import agenda

    series = SeriesFactory(
        department=department, kind="client", client=ClientFactory(name="Initech"), count=1
    )
    secret = OccurrenceFactory(
        series=series, start=datetime(2026, 3, 2, 9, 0, tzinfo=UTC), confidential=True
    )
    AgendaItemFactory(occurrence=secret, title="Layoffs", status="open")
    nxt = OccurrenceFactory(series=series, start=datetime(2026, 4, 6, 9, 0, tzinfo=UTC))
    assert agenda.carry_over(nxt, now=datetime(2026, 3, 10, tzinfo=UTC)) == 0
    assert list(nxt.agenda_items.values_list("title", flat=True)) == []
    nxt.confidential = True
    nxt.save()
    assert agenda.carry_over(nxt, now=datetime(2026, 3, 10, tzinfo=UTC)) == 1
    assert list(nxt.agenda_items.values_list("title", flat=True)) == ["Layoffs"]
