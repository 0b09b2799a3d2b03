"""Attendance as a registered type: its list, page, export, history and API, written by those
who may change the meeting (a department leader for their department's series only), and
only for people and contacts invited to the meeting's series."""

from datetime import UTC, date, datetime

import pytest

from openmis.conftest import logged_in
from openmis.meetings.models import Attendance, MeetingSeries
from openmis.meetings.tests.factories import (
    ClientContactFactory,
    ClientFactory,
    OccurrenceFactory,
    SeriesFactory,
)
from openmis.org.roles import ANALYST, DIRECTOR, EMPLOYEE, LEADER, STAFF
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db

API = "/api/meetings/attendance/"


@pytest.fixture
def meetings(department):
    """A client meeting of Marketing's series and one of Finance's, each with an invited
    person and (Marketing's) an invited contact."""
    finance = DepartmentFactory(name="Finance")
    ours = SeriesFactory(
        title="Monthly with Acme",
        department=department,
        kind=MeetingSeries.Kind.CLIENT,
        client=ClientFactory(name="Acme"),
        start_date=date(2020, 1, 6),
        count=1,
    )
    theirs = SeriesFactory(title="Finance weekly", department=finance, count=1)
    anna = PersonFactory(department=department, first_name="Anna", last_name="Nowak")
    piotr = PersonFactory(department=finance, first_name="Piotr", last_name="Lis")
    buyer = ClientContactFactory(client=ours.client, name="Ewa Buyer")
    ours.attendees.add(anna)
    ours.client_attendees.add(buyer)
    theirs.attendees.add(piotr)
    return {
        "ours": OccurrenceFactory(series=ours, start=datetime(2026, 3, 2, 9, tzinfo=UTC)),
        "theirs": OccurrenceFactory(series=theirs, start=datetime(2026, 3, 3, 9, tzinfo=UTC)),
        "anna": anna,
        "piotr": piotr,
        "buyer": buyer,
        "stranger": PersonFactory(department=department),
    }


@pytest.mark.parametrize(
    ("role", "ours", "theirs"),
    [
        (DIRECTOR, 201, 201),
        (STAFF, 201, 201),
        (LEADER, 201, 403),
        (ANALYST, 403, 403),
        (EMPLOYEE, 403, 403),
    ],
)
def test_who_records_attendance_through_the_api(
    meetings, department, role, ours, theirs, api_client_for
):
    api = api_client_for(user_with_role(role, department))
    body = {"occurrence": meetings["ours"].pk, "person": meetings["anna"].pk, "status": "present"}
    assert api.post(API, body, format="json").status_code == ours
    body = {"occurrence": meetings["theirs"].pk, "person": meetings["piotr"].pk, "status": "absent"}
    assert api.post(API, body, format="json").status_code == theirs
    expected = {
        meetings["ours"].pk: ours == 201,
        meetings["theirs"].pk: theirs == 201,
    }
    recorded = set(Attendance.objects.values_list("occurrence_id", flat=True))
    assert recorded == {pk for pk, made in expected.items() if made}


@pytest.mark.parametrize(
    ("role", "status"),
    [(DIRECTOR, 200), (STAFF, 200), (LEADER, 200), (ANALYST, 200), (EMPLOYEE, 403)],
)
def test_who_reads_attendance(meetings, department, role, status):
    record = Attendance.objects.create(
        occurrence=meetings["ours"], person=meetings["anna"], status="present"
    )
    client = logged_in(user_with_role(role, department))
    assert client.get(f"/meetings/attendance/{record.pk}/").status_code == status
    listing = client.get("/meetings/attendance/")
    assert listing.status_code == status
    if status == 200:
        assert f"/meetings/attendance/{record.pk}/" in listing.content.decode()
        export = b"".join(client.get("/meetings/attendance/export/?format=csv").streaming_content)
        row = f"{record.pk},{meetings['ours'].pk},{meetings['anna'].email},,present"
        assert export.decode("utf-8-sig").splitlines() == [
            "id,occurrence,person,contact,status",
            row,
        ]


def test_a_leader_corrects_attendance_of_their_series_not_of_another(
    meetings, department, api_client_for
):
    ours = Attendance.objects.create(
        occurrence=meetings["ours"], person=meetings["anna"], status="present"
    )
    theirs = Attendance.objects.create(
        occurrence=meetings["theirs"], person=meetings["piotr"], status="present"
    )
    api = api_client_for(user_with_role(LEADER, department))
    assert api.patch(f"{API}{ours.pk}/", {"status": "excused"}, format="json").status_code == 200
    response = api.patch(f"{API}{theirs.pk}/", {"status": "absent"}, format="json")
    assert response.status_code == 403
    # nor move a record of theirs into our meeting
    response = api.patch(f"{API}{theirs.pk}/", {"occurrence": meetings["ours"].pk}, format="json")
    assert response.status_code == 403
    assert dict(Attendance.objects.values_list("pk", "status")) == {
        ours.pk: "excused",
        theirs.pk: "present",
    }
    theirs.refresh_from_db()
    assert theirs.occurrence == meetings["theirs"]


def test_only_invited_people_and_their_clients_contacts_are_recorded(
    meetings, director, api_client_for
):
    api = api_client_for(director)
    meeting = meetings["ours"].pk
    other_contact = ClientContactFactory()
    cases = [
        ({"person": meetings["stranger"].pk}, ["person"]),  # not invited
        ({"contact": other_contact.pk}, ["contact"]),  # another client's contact
        ({}, ["contact", "person"]),  # nobody
        ({"person": meetings["anna"].pk, "contact": meetings["buyer"].pk}, ["contact", "person"]),
    ]
    for extra, fields in cases:
        response = api.post(
            API, {"occurrence": meeting, "status": "present"} | extra, format="json"
        )
        assert response.status_code == 400, extra
        assert sorted(response.json()) == fields, response.json()
    assert Attendance.objects.count() == 0
    response = api.post(
        API,
        {"occurrence": meeting, "contact": meetings["buyer"].pk, "status": "present"},
        format="json",
    )
    assert response.status_code == 201
    assert list(Attendance.objects.values_list("contact", "status")) == [
        (meetings["buyer"].pk, "present")
    ]


def test_the_generic_form_records_attendance_and_the_history_tells_it(meetings, director_client):
    response = director_client.post(
        "/meetings/attendance/add/",
        {"occurrence": meetings["ours"].pk, "person": meetings["anna"].pk, "status": "absent"},
    )
    assert response.status_code == 302
    record = Attendance.objects.get()
    assert (record.person, record.status) == (meetings["anna"], "absent")
    form = director_client.get(f"/meetings/attendance/{record.pk}/edit/")
    data = {
        "occurrence": meetings["ours"].pk,
        "person": meetings["anna"].pk,
        "status": "excused",
        "version": record.version,
    }
    assert form.status_code == 200
    assert director_client.post(f"/meetings/attendance/{record.pk}/edit/", data).status_code == 302
    page = director_client.get(f"/meetings/attendance/{record.pk}/").content.decode()
    assert "Excused" in page and "Absent" in page  # the change from absent to excused
