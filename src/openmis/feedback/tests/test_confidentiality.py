"""Confidential feedback: seen by the MIS office, the meeting series' attendees, the
department concerned (its people and its leader) and the person who gave it; missing (404)
for everyone else, on every path that reads feedback."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test.utils import CaptureQueriesContext

from openmis.conftest import logged_in
from openmis.core import registry
from openmis.feedback.models import Feedback
from openmis.feedback.tests.factories import FeedbackFactory, ImprovementFactory
from openmis.meetings.tests.factories import ClientFactory, OccurrenceFactory, SeriesFactory
from openmis.org import roles
from openmis.org.models import Person
from openmis.org.tests.factories import DepartmentFactory, user_with_role

WORD = "Zebracomplaint"
OPEN_WORD = "Openremark"

# (who, role, works in the department concerned, sees the confidential item)
WHO = [
    ("director", roles.DIRECTOR, False, True),
    ("staff", roles.STAFF, False, True),
    ("leader of the department concerned", roles.LEADER, True, True),
    ("leader of another department", roles.LEADER, False, False),
    ("analyst", roles.ANALYST, False, False),
    ("employee who gave it", roles.EMPLOYEE, False, True),
    ("employee of the department concerned", roles.EMPLOYEE, True, True),
    ("attendee of the meeting series", roles.EMPLOYEE, False, True),
    ("other employee", roles.EMPLOYEE, False, False),
]


@pytest.fixture
def world(db):
    """A client's confidential complaint from Customer Relations, raised in a client meeting,
    and an ordinary remark; one user per row of :data:`WHO`."""
    concerned, other = DepartmentFactory(name="Customer Relations"), DepartmentFactory(name="Ops")
    users = {
        who: user_with_role(role, concerned if inside else other)
        for who, role, inside, _sees in WHO
    }
    client = ClientFactory(name="Acme")
    series = SeriesFactory(kind="client", client=client, department=concerned)
    series.attendees.add(Person.objects.get(user=users["attendee of the meeting series"]))
    secret = FeedbackFactory(
        department=concerned,
        client=client,
        author=Person.objects.get(user=users["employee who gave it"]),
        occurrence=OccurrenceFactory(series=series),
        text=f"{WORD}: the invoices portal loses our orders",
    )
    remark = FeedbackFactory(department=concerned, text=f"{OPEN_WORD}: works well")
    return {"users": users, "secret": secret, "remark": remark}


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8-sig")


def test_client_feedback_starts_confidential_and_the_rest_does_not(world):
    assert world["secret"].confidential is True
    assert world["remark"].confidential is False


@pytest.mark.parametrize(("who", "sees"), [(w, s) for w, _r, _i, s in WHO])
def test_pages_show_confidential_feedback_only_to_those_concerned(world, who, sees):
    # Given a user and the client's confidential complaint
    client = logged_in(world["users"][who])
    ot = registry.get(Feedback)
    secret, remark = world["secret"], world["remark"]
    # When they open the list, the item's page, the search and the export
    listing = client.get(ot.url("list")).content.decode()
    detail = client.get(ot.url("detail", secret))
    search = client.get("/search/", {"q": WORD}).content.decode()
    export = _text(client.get(ot.url("export"), {"format": "csv"}))
    # Then the complaint is there for those concerned, and missing (404) for the others
    assert (WORD in listing) is sees
    assert detail.status_code == (200 if sees else 404)
    assert (ot.url("detail", secret) in search) is sees
    assert (WORD in export) is sees
    # while the ordinary remark is everyone's
    assert OPEN_WORD in listing and OPEN_WORD in export
    assert client.get(ot.url("detail", remark)).status_code == 200


@pytest.mark.parametrize(("who", "sees"), [(w, s) for w, _r, _i, s in WHO])
def test_api_shows_confidential_feedback_only_to_those_concerned(world, who, sees, api_client_for):
    api = api_client_for(world["users"][who])
    secret, remark = world["secret"], world["remark"]
    listed = {row["id"] for row in api.get("/api/feedback/feedback/").json()["results"]}
    chosen = api.get("/api/feedback/feedback/choices/", {"q": WORD}).json()["results"]
    export = api.get("/api/feedback/feedback/export/", {"format": "csv"})
    detail = api.get(f"/api/feedback/feedback/{secret.pk}/")
    assert (secret.pk in listed) is sees
    assert remark.pk in listed
    assert ({row["id"] for row in chosen} == {secret.pk}) is sees
    assert (WORD in _text(export)) is sees
    assert detail.status_code == (200 if sees else 404)
    if sees:
        assert detail.json()["confidential"] is True


@pytest.mark.parametrize(("who", "sees"), [(w, s) for w, _r, _i, s in WHO])
def test_pages_of_other_objects_name_it_only_to_those_concerned(world, who, sees):
    # Given the complaint grouped into an improvement of its system, and triaged
    secret = world["secret"]
    improvement = ImprovementFactory(system=secret.system)
    improvement.feedback.add(secret)
    client = logged_in(world["users"][who])
    # When the user opens the improvement and the meeting
    pages = [
        registry.get(type(improvement)).url("detail", improvement),
        registry.get(type(secret.occurrence)).url("detail", secret.occurrence),
    ]
    opened = 0
    for url in pages:
        response = client.get(url)
        if response.status_code != 200:
            continue  # the role may not open the page at all
        opened += 1
        # Then only those concerned read the complaint there
        assert (WORD in response.content.decode()) is sees, url
    assert opened >= 1
    # and the system page counts it only for them
    page = client.get(registry.get(type(secret.system)).url("detail", secret.system))
    badge = re.search(
        r'id="feedback-heading">[^<]*<span class="badge[^"]*">(\d+)<', page.content.decode()
    )
    assert badge is not None and int(badge.group(1)) == (1 if sees else 0)


def test_the_mis_office_marks_feedback_confidential_others_cannot(world, api_client_for):
    # Given an item that is not confidential
    remark = world["remark"]
    staff = api_client_for(world["users"]["staff"])
    leader = api_client_for(world["users"]["leader of the department concerned"])
    # When the department's leader tries to make it confidential, nothing changes
    response = leader.patch(
        f"/api/feedback/feedback/{remark.pk}/",
        {"confidential": True, "version": remark.version},
        format="json",
    )
    remark.refresh_from_db()
    assert response.status_code == 200 and remark.confidential is False
    # When the MIS office does, it is
    response = staff.patch(
        f"/api/feedback/feedback/{remark.pk}/",
        {"confidential": True, "version": remark.version},
        format="json",
    )
    remark.refresh_from_db()
    assert response.status_code == 200 and remark.confidential is True
    # and the other employee no longer finds it
    other = api_client_for(world["users"]["other employee"])
    assert other.get(f"/api/feedback/feedback/{remark.pk}/").status_code == 404


def test_a_client_item_recorded_by_an_employee_is_confidential(world):
    # Given an employee recording what a client said (the form offers them no choice)
    user = world["users"]["other employee"]
    client = logged_in(user)
    ot = registry.get(Feedback)
    form = client.get(ot.url("add")).context["form"]
    assert "confidential" not in form.fields
    secret = world["secret"]
    data = {
        "system": secret.system_id,
        "department": Person.objects.get(user=user).department_id,
        "client": secret.client_id,
        "kind": "problem",
        "people_affected": 1,
        "hours_per_month": "0",
        "text": "Recorded by an employee",
        "date": "2026-01-15",
    }
    # When they save it
    response = client.post(ot.url("add"), data)
    # Then it is confidential, and they still see it (they gave it: their department)
    assert response.status_code == 302
    assert Feedback.objects.get(text="Recorded by an employee").confidential is True


def test_the_mis_office_may_record_a_client_item_as_not_confidential(world):
    client = logged_in(world["users"]["staff"])
    ot = registry.get(Feedback)
    secret = world["secret"]
    form = client.get(ot.url("add"), {"client": secret.client_id}).context["form"]
    assert form.initial["confidential"] is True  # a client's item starts ticked
    data = {
        "system": secret.system_id,
        "department": secret.department_id,
        "client": secret.client_id,
        "kind": "praise",
        "people_affected": 0,
        "hours_per_month": "0",
        "text": "Praise the client wants known",
        "date": "2026-01-15",
        # the box left unticked
    }
    assert client.post(ot.url("add"), data).status_code == 302
    assert Feedback.objects.get(text="Praise the client wants known").confidential is False


def _queries(client, url) -> int:
    from django.db import connection

    client.get(url)  # warm-up: per-process caches are not what is measured
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(captured)


def test_list_queries_do_not_grow_with_confidential_rows(world, api_client_for):
    # Given an attendee's list, API and export with a few confidential items
    user = world["users"]["attendee of the meeting series"]
    ot = registry.get(Feedback)
    urls = [
        (logged_in(user), ot.url("list")),
        (logged_in(user), ot.url("export") + "?format=csv"),
        (api_client_for(user), "/api/feedback/feedback/?page_size=1000"),
    ]
    few = [_queries(client, url) for client, url in urls]
    # When there are many more, some they see and some hidden from them
    secret = world["secret"]
    for _i in range(40):
        FeedbackFactory(
            department=secret.department, client=secret.client, occurrence=secret.occurrence
        )
        FeedbackFactory(client=secret.client)
    # Then reading them costs the same queries
    assert [_queries(client, url) for client, url in urls] == few


@pytest.mark.parametrize(
    ("who", "lifted"),
    [
        ("director", True),
        ("leader of the department concerned", False),
        ("employee who gave it", False),
    ],
)
def test_only_the_mis_office_lifts_confidentiality_by_import(world, who, lifted):
    # Given a user who sees the client's confidential complaint
    from openmis.core.imports import export_rows, run_import

    secret = world["secret"]
    ot = registry.get(Feedback)
    # When they import the complaint's own export, rewritten as not confidential
    header, row = export_rows(ot, Feedback.objects.filter(pk=secret.pk))
    row[header.index("confidential")] = "false"
    out = io.StringIO()
    csv.writer(out).writerows([header, row])
    content = out.getvalue().encode()
    report = run_import(ot, "feedback.csv", content, world["users"][who], dry_run=False)
    # Then only the MIS office's import lifts it
    secret.refresh_from_db()
    assert secret.confidential is (not lifted), [e.message for e in report.errors]
