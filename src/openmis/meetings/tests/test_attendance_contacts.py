"""Client contacts in meetings: they own action items (exactly one owner: a person or a
contact of the series' client), they are invited, and who attended a meeting is recorded on
its page and through the API."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openmis.conftest import logged_in
from openmis.meetings import actions
from openmis.meetings.models import ActionItem, Attendance, MeetingSeries
from openmis.meetings.tests.factories import (
    ActionItemFactory,
    ClientContactFactory,
    ClientFactory,
    OccurrenceFactory,
    SeriesFactory,
)
from openmis.org.roles import EMPLOYEE, STAFF
from openmis.org.tests.factories import PersonFactory, user_with_role

pytestmark = pytest.mark.django_db


def client_meeting(department, **kwargs):
    """A meeting of a client series whose rule has no meeting near today."""
    acme = ClientFactory(name="Acme")
    series = SeriesFactory(
        department=department,
        kind=MeetingSeries.Kind.CLIENT,
        client=acme,
        start_date=date(2020, 1, 6),
        count=1,
        **kwargs,
    )
    return OccurrenceFactory(series=series, start=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


def due() -> str:
    return (timezone.localdate() + timedelta(days=5)).isoformat()


# --- action items owned by client contacts ------------------------------------------------------


def test_a_client_contact_owns_an_action_item_added_on_the_meeting_page(
    director_client, department
):
    meeting = client_meeting(department)
    buyer = ClientContactFactory(client=meeting.series.client, name="Anna Buyer")
    url = f"/meetings/occurrences/{meeting.pk}/actions/"
    response = director_client.post(
        url, {"title": "Send the price list", "contact": buyer.pk, "due_date": due()}
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.owner, item.contact, item.outcome.text) == (None, buyer, "Send the price list")
    page = director_client.get(meeting.get_absolute_url()).content.decode()
    assert "Anna Buyer (Acme)" in page


def test_an_action_item_has_exactly_one_owner_on_the_page(director_client, department):
    meeting = client_meeting(department)
    buyer = ClientContactFactory(client=meeting.series.client)
    stranger = ClientContactFactory()  # works for another client
    person = PersonFactory(department=department)
    url = f"/meetings/occurrences/{meeting.pk}/actions/"
    response = director_client.post(url, {"title": "Nobody", "due_date": due()})
    assert response.status_code == 400
    assert response.context["action_form"].errors == {
        "owner": ["Choose who does it: a person or a contact of the client."]
    }
    response = director_client.post(
        url, {"title": "Both", "owner": person.pk, "contact": buyer.pk, "due_date": due()}
    )
    assert response.status_code == 400
    assert response.context["action_form"].errors == {
        "contact": ["Choose either a person or a client contact as the owner, not both."]
    }
    response = director_client.post(
        url, {"title": "Other client", "contact": stranger.pk, "due_date": due()}
    )
    assert response.status_code == 400
    assert list(response.context["action_form"].errors) == ["contact"]
    assert ActionItem.objects.count() == 0
    assert meeting.outcomes.count() == 0


def test_a_meeting_without_a_client_offers_no_contact(director_client, department):
    meeting = OccurrenceFactory(series=SeriesFactory(department=department, count=1))
    form = director_client.get(meeting.get_absolute_url()).context["action_form"]
    assert "contact" not in form.fields
    assert form.fields["owner"].required is False  # one of two, checked by the form


def test_the_api_refuses_an_owner_that_is_not_exactly_one(director, api_client_for, department):
    meeting = client_meeting(department)
    buyer = ClientContactFactory(client=meeting.series.client)
    stranger = ClientContactFactory()
    person = PersonFactory(department=department)
    api = api_client_for(director)
    base = {"title": "Call back", "occurrence": meeting.pk, "due_date": due()}
    cases = [
        ({}, ["owner"]),
        ({"owner": person.pk, "contact": buyer.pk}, ["owner", "contact"]),
        ({"contact": stranger.pk}, ["contact"]),
    ]
    for extra, fields in cases:
        response = api.post("/api/meetings/action-items/", base | extra, format="json")
        assert response.status_code == 400, extra
        assert sorted(response.json()) == sorted(fields), extra
    assert ActionItem.objects.count() == 0
    # a contact of a meeting without a client is refused as well
    plain = OccurrenceFactory(series=SeriesFactory(department=department, count=1))
    response = api.post(
        "/api/meetings/action-items/", base | {"occurrence": plain.pk, "contact": buyer.pk}
    )
    assert (response.status_code, list(response.json())) == (400, ["contact"])
    response = api.post("/api/meetings/action-items/", base | {"contact": buyer.pk}, format="json")
    assert response.status_code == 201
    assert (response.json()["contact"], response.json()["owner"]) == (buyer.pk, None)


def test_overdue_lists_show_the_contact_and_its_client(director_client, department):
    meeting = client_meeting(department)
    buyer = ClientContactFactory(client=meeting.series.client, name="Anna Buyer")
    late = timezone.localdate() - timedelta(days=2)
    theirs = ActionItemFactory(occurrence=meeting, owner=None, contact=buyer, due_date=late)
    ours = ActionItemFactory(
        occurrence=meeting, owner=PersonFactory(department=department), due_date=late
    )
    response = director_client.get("/meetings/overdue/")
    groups = dict(response.context["groups"])
    assert groups[meeting.series.client] == [(theirs, 2)]
    assert groups[department] == [(ours, 2)]
    assert "Anna Buyer (Acme)" in response.content.decode()
    # the cockpit's overdue tile (the MIS office's) names the contact with the client
    staff = user_with_role(STAFF, department)
    home = logged_in(staff).get("/").content.decode()
    tile = home[home.index('id="overdue-tiles"') :]
    assert "Anna Buyer (Acme)" in tile[: tile.index("</ul>")]
    # reminders go to people only; a contact is followed up in the next meeting
    assert actions.send_action_reminders() == 1


# --- attendance ----------------------------------------------------------------------------------


def invited_meeting(department, people: int, contacts: int):
    meeting = client_meeting(department)
    meeting.series.attendees.set(PersonFactory.create_batch(people, department=department))
    meeting.series.client_attendees.set(
        ClientContactFactory.create_batch(contacts, client=meeting.series.client)
    )
    return meeting


def test_the_mis_office_records_attendance_on_the_meeting_page(department):
    meeting = invited_meeting(department, people=2, contacts=1)
    ann, bob = meeting.series.attendees.order_by("last_name", "first_name", "pk")
    contact = meeting.series.client_attendees.get()
    staff = logged_in(user_with_role(STAFF, department))
    page = staff.get(meeting.get_absolute_url())
    form = page.context["attendance_form"]
    assert list(form.fields) == [f"person-{ann.pk}", f"person-{bob.pk}", f"contact-{contact.pk}"]
    response = staff.post(
        f"/meetings/occurrences/{meeting.pk}/attendance/",
        {
            f"person-{ann.pk}": "present",
            f"person-{bob.pk}": "excused",
            f"contact-{contact.pk}": "absent",
        },
    )
    assert response.status_code == 302
    recorded = {(a.person_id, a.contact_id, a.status) for a in Attendance.objects.all()}
    assert recorded == {
        (ann.pk, None, "present"),
        (bob.pk, None, "excused"),
        (None, contact.pk, "absent"),
    }
    page = staff.get(meeting.get_absolute_url())
    assert page.context["attendance_summary"] == {"present": 1, "absent": 1, "excused": 1}
    assert "Present: 1 · absent: 1 · excused: 1" in page.content.decode()
    # "not recorded" removes a record
    staff.post(
        f"/meetings/occurrences/{meeting.pk}/attendance/",
        {f"person-{ann.pk}": "", f"person-{bob.pk}": "excused", f"contact-{contact.pk}": "absent"},
    )
    assert not Attendance.objects.filter(person=ann).exists()
    # an unknown status is refused with the field's error, nothing changes
    response = staff.post(
        f"/meetings/occurrences/{meeting.pk}/attendance/", {f"person-{bob.pk}": "asleep"}
    )
    assert response.status_code == 400
    assert list(response.context["attendance_form"].errors) == [f"person-{bob.pk}"]
    assert Attendance.objects.get(person=bob).status == "excused"


def test_employees_see_attendance_but_cannot_record_it(department):
    meeting = invited_meeting(department, people=1, contacts=0)
    person = meeting.series.attendees.get()
    Attendance.objects.create(occurrence=meeting, person=person, status="present")
    employee = logged_in(user_with_role(EMPLOYEE, department))
    response = employee.post(
        f"/meetings/occurrences/{meeting.pk}/attendance/", {f"person-{person.pk}": "absent"}
    )
    assert response.status_code == 403
    assert Attendance.objects.get().status == "present"


def test_the_meeting_page_costs_the_same_queries_with_2_or_20_attendees(
    director_client, department, django_assert_max_num_queries
):
    def meeting_with(people: int, contacts: int, day: int):
        series = SeriesFactory(
            department=department,
            kind=MeetingSeries.Kind.CLIENT,
            client=ClientFactory(),
            start_date=date(2020, 1, 6),
            count=1,
        )
        series.attendees.set(PersonFactory.create_batch(people, department=department))
        series.client_attendees.set(
            ClientContactFactory.create_batch(contacts, client=series.client)
        )
        meeting = OccurrenceFactory(series=series, start=datetime(2026, 3, day, 9, 0, tzinfo=UTC))
        for person in series.attendees.all():
            Attendance.objects.create(occurrence=meeting, person=person, status="present")
        return meeting

    warm, small, big = meeting_with(1, 1, 2), meeting_with(1, 1, 3), meeting_with(10, 10, 4)
    director_client.get(warm.get_absolute_url())  # what every page loads once
    # each page is read for the first time (a page read again may come from the cache)
    with CaptureQueriesContext(connection) as queries:
        response = director_client.get(small.get_absolute_url())
    two = len(queries)  # now: the next request empties the connection's query log
    assert (response.status_code, len(response.context["attendees"])) == (200, 2)
    with django_assert_max_num_queries(two):
        response = director_client.get(big.get_absolute_url())
    assert len(response.context["attendees"]) == 20
    assert response.content.decode().count('class="attendee-') == 20


def test_attendance_through_the_api(director, api_client_for, department):
    meeting = invited_meeting(department, people=1, contacts=1)
    person = meeting.series.attendees.get()
    contact = meeting.series.client_attendees.get()
    api = api_client_for(director)
    url = f"/api/meetings/occurrences/{meeting.pk}/attendance/"
    response = api.post(
        url,
        {
            "attendance": [
                {"person": person.pk, "status": "present"},
                {"contact": contact.pk, "status": "excused"},
            ]
        },
        format="json",
    )
    assert response.status_code == 200
    shown = api.get(f"/api/meetings/occurrences/{meeting.pk}/").json()["attendance"]
    assert shown == response.json()
    assert shown == [
        {"person": person.pk, "contact": None, "name": str(person), "status": "present"},
        {"person": None, "contact": contact.pk, "name": str(contact), "status": "excused"},
    ]
    # someone not invited, an unknown status, neither or both: 400 with the field
    stranger = PersonFactory()
    bad = [
        ({"person": stranger.pk, "status": "present"}, "person"),
        ({"person": person.pk, "status": "asleep"}, "attendance"),
        ({"status": "present"}, "attendance"),
        ({"person": person.pk, "contact": contact.pk, "status": "present"}, "attendance"),
    ]
    for row, field in bad:
        response = api.post(url, {"attendance": [row]}, format="json")
        assert response.status_code == 400, row
        assert field in response.json(), (row, response.json())
    assert Attendance.objects.get(person=person).status == "present"
    # an employee may not record it
    employee = user_with_role(EMPLOYEE, department)
    response = api_client_for(employee).post(
        url, {"attendance": [{"person": person.pk, "status": "absent"}]}, format="json"
    )
    assert response.status_code in (403, 404)
    assert Attendance.objects.get(person=person).status == "present"


def test_the_api_list_reads_attendance_without_a_query_per_meeting(
    director, api_client_for, department, django_assert_max_num_queries
):
    api = api_client_for(director)

    def add_meetings(n: int, day: int):
        for i in range(n):
            series = SeriesFactory(
                department=department,
                kind=MeetingSeries.Kind.CLIENT,
                client=ClientFactory(),
                start_date=date(2020, 1, 6),
                count=1,
            )
            series.attendees.set(PersonFactory.create_batch(2, department=department))
            series.client_attendees.set(ClientContactFactory.create_batch(1, client=series.client))
            meeting = OccurrenceFactory(
                series=series, start=datetime(2026, 3, day, 9 + i, 0, tzinfo=UTC)
            )
            Attendance.objects.create(
                occurrence=meeting, person=series.attendees.first(), status="present"
            )

    add_meetings(2, 2)
    api.get("/api/meetings/occurrences/")
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/meetings/occurrences/?page=1")
    two = len(queries)  # now: the next request empties the connection's query log
    assert len(response.json()["results"]) == 2
    add_meetings(8, 3)
    api.get("/api/meetings/occurrences/")  # the writes made the roles' permissions reload
    with django_assert_max_num_queries(two):
        response = api.get("/api/meetings/occurrences/?page=1")
    rows = response.json()["results"]
    assert len(rows) == 10
    assert all(len(row["attendance"]) == 3 for row in rows)
    assert sum(a["status"] == "present" for row in rows for a in row["attendance"]) == 10
