"""Portfolio triggers of training: a go-live enrols the system's users in its required
courses (once, however many go-lives), new access enrols its person, retiring the system
cancels only the enrolments it alone caused, saying why."""

from datetime import date

import pytest
from django.utils import timezone

from openmis.governance import assignments
from openmis.governance.models import Audience, CourseAssignment, Enrolment
from openmis.governance.tests.factories_training import (
    CertificateFactory,
    CourseFactory,
    EnrolmentFactory,
)
from openmis.org.tests.factories import PersonFactory
from openmis.portfolio import services
from openmis.portfolio.access import access_saved
from openmis.portfolio.models import System
from openmis.portfolio.tests.factories import AccessFactory, ProjectFactory, SystemFactory

pytestmark = pytest.mark.django_db


def _required(system, **extra):
    course = CourseFactory(required_for_users=True, **extra)
    course.systems.set([system])
    return course


def _users(system, n):
    return [AccessFactory(system=system, valid_from=date(2025, 1, 1)).person for _ in range(n)]


def _open(course):
    return sorted(
        Enrolment.objects.filter(course=course, status="assigned").values_list(
            "person_id", flat=True
        )
    )


def test_a_go_live_enrols_exactly_the_system_users_in_its_required_courses_once():
    system, other = SystemFactory(name="CRM"), SystemFactory(name="ERP")
    users = _users(system, 3)
    _users(other, 2)  # users of another system
    AccessFactory(system=system, valid_from=date(2020, 1, 1), valid_until=date(2021, 1, 1))
    required = _required(system)
    optional = CourseFactory()
    optional.systems.set([system])

    services.go_live(ProjectFactory(system=system))
    services.go_live(ProjectFactory(system=system))  # a second project of the same system

    assert _open(required) == sorted(p.pk for p in users)
    assert Enrolment.objects.filter(course=required).count() == 3
    assert Enrolment.objects.filter(course=optional).count() == 0
    due = timezone.localdate() + assignments.timedelta(days=assignments.SYSTEM_DUE_DAYS)
    assert set(Enrolment.objects.values_list("due_date", flat=True)) == {due}


def test_a_go_live_leaves_certified_users_alone():
    system = SystemFactory()
    (user,) = _users(system, 1)
    course = _required(system)
    enrolment = EnrolmentFactory(person=user, course=course, status="passed")
    CertificateFactory(enrolment=enrolment, valid_until=None)

    services.go_live(ProjectFactory(system=system))

    enrolment.refresh_from_db()
    assert enrolment.status == "passed"
    assert Enrolment.objects.count() == 1


def test_new_access_enrols_its_person_in_the_required_courses():
    system = SystemFactory()
    course = _required(system)
    access = AccessFactory(system=system, valid_from=date(2025, 1, 1))

    access_saved(access)  # what a form, the API or an import does on creation
    access_saved(access)  # told twice: nothing more

    assert _open(course) == [access.person_id]
    assert Enrolment.objects.count() == 1


def test_ended_access_enrols_nobody():
    system = SystemFactory()
    _required(system)
    access = AccessFactory(system=system, valid_from=date(2020, 1, 1), valid_until=date(2021, 1, 1))

    access_saved(access)

    assert Enrolment.objects.count() == 0


def test_access_created_through_the_api_enrols(api_client_for, director):
    system = SystemFactory()
    course = _required(system)
    person = PersonFactory()
    client = api_client_for(director)

    response = client.post(
        "/api/portfolio/access/",
        {"person": person.pk, "system": system.pk, "valid_from": "2025-01-01"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert _open(course) == [person.pk]


def test_the_daily_command_enrols_users_whose_access_did_not_tell():
    system = SystemFactory()
    course = _required(system)
    users = _users(system, 2)

    done = assignments.run_daily(date(2026, 3, 2))

    assert done.enrolled.created == 2
    assert _open(course) == sorted(p.pk for p in users)
    assert assignments.run_daily(date(2026, 3, 3)).enrolled.created == 0


def test_retiring_cancels_only_the_enrolments_the_system_alone_caused():
    system, other = SystemFactory(name="Old CRM"), SystemFactory(name="ERP")
    only_system, also_assigned, also_other, by_hand, passed = (PersonFactory() for _ in range(5))
    for person in (only_system, also_assigned, also_other, passed):
        AccessFactory(system=system, person=person, valid_from=date(2025, 1, 1))
    AccessFactory(system=other, person=also_other, valid_from=date(2025, 1, 1))
    course = CourseFactory(required_for_users=True)
    course.systems.set([system, other])
    hand_made = EnrolmentFactory(person=by_hand, course=course)
    done = EnrolmentFactory(person=passed, course=course, status="passed")
    CertificateFactory(enrolment=done, valid_until=None)
    assignments.late_joiners(date(2026, 3, 2))
    audience = Audience.objects.create(name="Assigned")
    audience.include_people.set([also_assigned])
    assignments.assign(
        CourseAssignment.objects.create(course=course, audience=audience), date(2026, 3, 2)
    )

    assert assignments.only_because_of(system).count() == 1
    services.move_to_stage(system, System.Stage.RETIRING, date(2026, 3, 4))
    assert Enrolment.objects.filter(status="cancelled").count() == 0  # still in use

    services.move_to_stage(system, System.Stage.RETIRED, date(2026, 3, 5))

    statuses = dict(Enrolment.objects.values_list("person_id", "status"))
    assert statuses == {
        only_system.pk: "cancelled",
        also_assigned.pk: "assigned",
        also_other.pk: "assigned",
        by_hand.pk: "assigned",
        passed.pk: "passed",
    }
    cancelled = Enrolment.objects.get(person=only_system)
    assert cancelled.cancel_reason == "The system Old CRM was retired on Mar 5, 2026."
    assert hand_made.pk in dict(Enrolment.objects.values_list("pk", "status"))
    # once retired, the daily pass enrols nobody again for it
    assignments.late_joiners(date(2026, 3, 6))
    assert Enrolment.objects.get(person=only_system).status == "cancelled"


def test_a_failing_go_live_hook_rolls_the_go_live_back(monkeypatch):
    system = SystemFactory()
    _users(system, 1)
    _required(system)
    project = ProjectFactory(system=system)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(assignments, "enrol", broken)
    with pytest.raises(RuntimeError):
        services.go_live(project)

    project.refresh_from_db()
    assert project.go_live is None
    assert Enrolment.objects.count() == 0
