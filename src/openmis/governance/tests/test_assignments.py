"""Assigning courses to audiences: everyone reached is enrolled once, in bulk with a fixed
number of queries; certified people are left alone until their certificate nears its end;
late joiners get their own due date; expired certificates are marked for renewal;
reminders go once per stage; who may manage assignments; course ↔ policy pages."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openmis.conftest import logged_in
from openmis.core.models import Notice
from openmis.governance import assignments, training
from openmis.governance.models import (
    Audience,
    Certificate,
    CourseAssignment,
    Enrolment,
    EnrolmentSource,
)
from openmis.governance.tests.factories_training import (
    CertificateFactory,
    CourseFactory,
    EnrolmentFactory,
)
from openmis.org import roles
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)


def _audience(department, **extra):
    audience = Audience.objects.create(name=f"Audience {Audience.objects.count()}", **extra)
    audience.departments.set([department])
    return audience


def _assignment(course, audience, days=30, active=True):
    return CourseAssignment.objects.create(
        course=course, audience=audience, due_in_days=days, active=active
    )


def _people(department, n):
    return [PersonFactory(department=department) for _ in range(n)]


def _enrolments(course):
    return {
        e.person_id: (e.status, e.due_date)
        for e in Enrolment.objects.filter(course=course).order_by("pk")
    }


def test_assignment_enrols_everyone_the_audience_reaches_once():
    sales, it = DepartmentFactory(name="Sales"), DepartmentFactory(name="IT")
    people = _people(sales, 3)
    _people(it, 2)
    course = CourseFactory()
    assignment = _assignment(course, _audience(sales), days=14)

    first = assignments.assign(assignment, TODAY)
    second = assignments.assign(assignment, TODAY + timedelta(days=1))

    assert first == assignments.Enrolled(created=3, reopened=0, unchanged=0)
    assert second == assignments.Enrolled(created=0, reopened=0, unchanged=3)
    assert _enrolments(course) == {
        p.pk: (Enrolment.Status.ASSIGNED, date(2026, 3, 16)) for p in people
    }
    assert EnrolmentSource.objects.filter(assignment=assignment).count() == 3


def test_an_open_enrolment_added_by_hand_is_kept_not_doubled():
    sales = DepartmentFactory()
    person = PersonFactory(department=sales)
    course = CourseFactory()
    by_hand = EnrolmentFactory(person=person, course=course, due_date=date(2026, 4, 1))

    result = assignments.assign(_assignment(course, _audience(sales)), TODAY)

    assert result == assignments.Enrolled(created=0, reopened=0, unchanged=1)
    assert _enrolments(course) == {person.pk: (Enrolment.Status.ASSIGNED, date(2026, 4, 1))}
    assert list(by_hand.sources.values_list("kind", flat=True)) == ["assignment"]


@pytest.mark.parametrize(
    ("valid_until", "reopened"),
    [
        (date(2026, 6, 1), 0),  # 91 days left: still valid, not re-enrolled
        (date(2026, 5, 31), 1),  # 90 days left: expiring, renewal
        (date(2026, 3, 1), 1),  # expired
        (None, 0),  # never expires
    ],
)
def test_a_valid_certificate_is_not_re_enrolled_until_90_days_before_its_end(valid_until, reopened):
    sales = DepartmentFactory()
    person = PersonFactory(department=sales)
    course = CourseFactory()
    enrolment = EnrolmentFactory(person=person, course=course, status=Enrolment.Status.PASSED)
    CertificateFactory(enrolment=enrolment, valid_until=valid_until)

    result = assignments.assign(_assignment(course, _audience(sales), days=30), TODAY)

    assert result == assignments.Enrolled(created=0, reopened=reopened, unchanged=1 - reopened)
    enrolment.refresh_from_db()
    if reopened:
        assert (enrolment.status, enrolment.due_date) == ("assigned", date(2026, 4, 1))
    else:
        assert (enrolment.status, enrolment.due_date) == ("passed", date(2026, 12, 31))
    assert Enrolment.objects.count() == 1


def test_a_cancelled_enrolment_is_reopened_by_an_assignment():
    sales = DepartmentFactory()
    person = PersonFactory(department=sales)
    course = CourseFactory()
    enrolment = EnrolmentFactory(
        person=person, course=course, status=Enrolment.Status.CANCELLED, cancel_reason="x"
    )

    assignments.assign(_assignment(course, _audience(sales), days=10), TODAY)

    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.cancel_reason, enrolment.due_date) == (
        "assigned",
        "",
        date(2026, 3, 12),
    )


def test_an_inactive_assignment_enrols_nobody():
    sales = DepartmentFactory()
    _people(sales, 2)
    course = CourseFactory()

    result = assignments.assign(_assignment(course, _audience(sales), active=False), TODAY)

    assert result == assignments.Enrolled()
    assert Enrolment.objects.count() == 0


def _batches(model, rows: int) -> int:
    """How many INSERTs the backend needs for ``rows`` rows of ``model`` (SQLite allows 999
    parameters a query; PostgreSQL takes our batches of 500)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    size = min(connection.ops.bulk_batch_size(fields, [None] * rows), assignments.BATCH)
    return -(-rows // size)


@pytest.mark.parametrize("people", [10, 200])
def test_assigning_takes_the_same_queries_at_10_and_200_people(people):
    sales = DepartmentFactory()
    _people(sales, people)
    course = CourseFactory()
    assignment = _assignment(course, _audience(sales))

    with CaptureQueriesContext(connection) as queries:
        result = assignments.assign(assignment, TODAY)

    assert result.created == people
    assert Enrolment.objects.filter(course=course).count() == people
    sql = [q["sql"] for q in queries.captured_queries]
    inserts = [q for q in sql if q.startswith("INSERT")]
    # spec (5), people (1), lock, enrolments, certificates, last run and the savepoints of
    # the nested transactions: the same whatever the number of people; the inserts are the
    # database's batches of rows, not one a person
    assert len(sql) - len(inserts) == 15
    assert len(inserts) == _batches(Enrolment, people) + _batches(EnrolmentSource, people)
    assert len(inserts) <= 4


def test_late_joiners_are_enrolled_by_the_daily_command_with_their_own_due_date():
    sales = DepartmentFactory()
    first = PersonFactory(department=sales)
    course = CourseFactory()
    assignment = _assignment(course, _audience(sales), days=30)
    assignments.assign(assignment, TODAY)
    newcomer = PersonFactory(department=sales)

    done = assignments.run_daily(TODAY + timedelta(days=10))

    assert done.enrolled.created == 1
    assert _enrolments(course) == {
        first.pk: ("assigned", date(2026, 4, 1)),
        newcomer.pk: ("assigned", date(2026, 4, 11)),
    }


def test_the_daily_command_marks_expired_certificates_for_renewal():
    course = CourseFactory()
    expired = EnrolmentFactory(course=course, status=Enrolment.Status.PASSED)
    CertificateFactory(enrolment=expired, valid_until=date(2026, 3, 1))
    valid = EnrolmentFactory(course=course, status=Enrolment.Status.PASSED)
    CertificateFactory(enrolment=valid, valid_until=date(2026, 3, 2))

    assert assignments.mark_renewals(TODAY) == 1

    expired.refresh_from_db()
    valid.refresh_from_db()
    assert (expired.status, expired.due_date) == ("assigned", date(2026, 4, 1))
    assert valid.status == "passed"


def test_the_daily_command_runs_from_the_command_line(capsys):
    call_command("governance_training_daily")
    assert "0 enrolment(s) created" in capsys.readouterr().out


def test_reminders_go_once_per_stage_to_the_person_then_to_the_manager():
    manager = PersonFactory(email="boss@example.com")
    person = PersonFactory(email="anna@example.com", manager=manager)
    course = CourseFactory(title="Data protection")
    EnrolmentFactory(person=person, course=course, due_date=date(2026, 3, 9))
    EnrolmentFactory(course=course, due_date=date(2026, 3, 10))  # 8 days ahead: not yet
    done = EnrolmentFactory(
        course=course, due_date=date(2026, 3, 3), status=Enrolment.Status.PASSED
    )

    assert assignments.send_reminders(TODAY) == (1, 0)  # Anna, due in 7 days
    assert assignments.send_reminders(date(2026, 3, 3)) == (1, 0)  # the other, now 7 days
    assert assignments.send_reminders(date(2026, 3, 4)) == (0, 0)  # both reminded already
    assert assignments.send_reminders(date(2026, 3, 10)) == (0, 1)  # Anna late: her manager
    assert assignments.send_reminders(date(2026, 3, 11)) == (0, 0)  # once; the other has none

    sent = list(Notice.objects.order_by("pk").values_list("kind", "email", "subject"))
    assert sent[0] == (assignments.DUE_SOON, "anna@example.com", sent[0][2])
    assert "Data protection" in sent[0][2]
    assert [(k, e) for k, e, _ in sent] == [
        (assignments.DUE_SOON, "anna@example.com"),
        (assignments.DUE_SOON, sent[1][1]),
        (assignments.OVERDUE, "boss@example.com"),
    ]
    assert not Notice.objects.filter(object_id=done.pk, kind=assignments.DUE_SOON).exists()


def test_my_training_leaves_out_cancelled_enrolments():
    person = PersonFactory()
    kept = EnrolmentFactory(person=person)
    EnrolmentFactory(person=person, status=Enrolment.Status.CANCELLED, cancel_reason="Retired")

    assert [r["enrolment"].pk for r in training.my_training(person, TODAY)] == [kept.pk]


def test_a_cancelled_enrolment_takes_no_quiz():
    enrolment = EnrolmentFactory(status=Enrolment.Status.CANCELLED, cancel_reason="Retired.")
    assert training.refusal(enrolment, [object()]) == "This enrolment was cancelled: Retired."


# --- pages and permissions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (roles.DIRECTOR, True),
        (roles.STAFF, True),
        (roles.LEADER, False),
        (roles.ANALYST, False),
        (roles.EMPLOYEE, False),
    ],
)
def test_only_the_mis_office_assigns_courses(role, allowed):
    sales = DepartmentFactory()
    PersonFactory(department=sales)
    course = CourseFactory()
    audience = _audience(sales)
    client = logged_in(user_with_role(role))

    response = client.post(
        "/governance/course-assignments/add/",
        {"course": course.pk, "audience": audience.pk, "due_in_days": 20, "active": "on"},
    )

    if allowed:
        assert response.status_code == 302
        assignment = CourseAssignment.objects.get()
        # saving enrols the audience at once (its one person, plus the user's own person
        # when it belongs to the department: here it does not)
        assert Enrolment.objects.filter(sources__assignment=assignment).count() == 1
    else:
        assert response.status_code == 403
        assert CourseAssignment.objects.count() == 0
        assert Enrolment.objects.count() == 0


def test_course_and_policy_pages_show_each_other(director_client):
    from openmis.governance.tests.factories_policies import PolicyFactory

    policy = PolicyFactory(title="Acceptable use")
    course = CourseFactory(title="Security basics", required_for_users=True)
    course.policies.set([policy])
    sales = DepartmentFactory(name="Sales <b>")
    PersonFactory(department=sales)
    _assignment(course, _audience(sales))

    course_page = director_client.get(f"/governance/courses/{course.pk}/").content.decode()
    policy_page = director_client.get(f"/governance/policies/{policy.pk}/").content.decode()

    assert 'id="course-policies"' in course_page
    assert "Acceptable use" in course_page
    assert "Required for every user of its systems." in course_page
    assert 'id="policy-courses"' in policy_page
    assert "Security basics" in policy_page


def test_the_assignment_page_counts_its_enrolments_by_status(director_client):
    sales = DepartmentFactory()
    _people(sales, 2)
    course = CourseFactory()
    assignment = _assignment(course, _audience(sales))
    assignments.assign(assignment, TODAY)
    Enrolment.objects.filter(course=course).update(status=Enrolment.Status.PASSED)
    Certificate.objects.create(
        enrolment=Enrolment.objects.filter(course=course).first(),
        person=Enrolment.objects.filter(course=course).first().person,
        course=course,
        course_version=1,
        score=Decimal("90"),
        issued_on=TODAY,
    )

    page = director_client.get(f"/governance/course-assignments/{assignment.pk}/")

    assert page.status_code == 200
    assert [(str(label), n) for label, n in page.context["assignment_counts"]][2] == ("passed", 2)
    assert page.context["assignment_total"] == 2


def test_people_who_left_are_not_reminded():
    EnrolmentFactory(person=PersonFactory(active=False), due_date=date(2026, 3, 5))

    assert assignments.send_reminders(TODAY) == (0, 0)
    assert Notice.objects.count() == 0
