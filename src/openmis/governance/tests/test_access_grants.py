"""New users of a system: an imported user list tells governance once per system (a constant
number of governance queries, however long the list), and access that starts in the future
neither enrols nor asks acknowledgement before its first day, when the daily rounds do both."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openmis.core import extensions
from openmis.governance import acknowledgements, assignments, policies
from openmis.governance.models import Acknowledgement, Audience, Campaign, Enrolment, PolicyVersion
from openmis.governance.tests.factories_policies import PolicyFactory, PolicyVersionFactory
from openmis.governance.tests.factories_training import CourseFactory
from openmis.org.roles import DIRECTOR, STAFF
from openmis.org.tests.factories import PersonFactory, user_with_role
from openmis.portfolio import access
from openmis.portfolio.models import SystemAccess
from openmis.portfolio.tests.factories import AccessFactory, SystemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def crm():
    """CRM: a course its users must pass, and a published policy addressed to its users."""
    system = SystemFactory(name="CRM")
    course = CourseFactory(required_for_users=True)
    course.systems.set([system])
    audience = Audience.objects.create(name="CRM users")
    audience.systems.set([system])
    policy = PolicyFactory(title="CRM data", audience=audience)
    policy.systems.add(system)
    version = PolicyVersionFactory(policy=policy, text="# CRM data\n\nKeep it clean.")
    PolicyVersion.objects.filter(pk=version.pk).update(state="approved")
    policies.publish(policy, "material", user_with_role(DIRECTOR))
    return {"system": system, "course": course, "campaign": Campaign.objects.get()}


def _import(client, people, system="CRM"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    lines = ["person,system,account,valid_from"]
    start = timezone.localdate() - timedelta(days=1)
    lines += [f"{p.email},{system},acc{p.pk},{start.isoformat()}" for p in people]
    file = SimpleUploadedFile("users.csv", "\n".join(lines).encode(), content_type="text/csv")
    response = client.post(
        "/api/portfolio/access/import/", {"file": file, "dry_run": False}, format="multipart"
    )
    assert response.status_code == 200, response.content
    return response.json()


def _governance_queries(context) -> int:
    """Statements on governance's tables; the batches of one bulk insert count once (SQLite
    splits a long insert into several by its limit on parameters)."""
    statements = [q["sql"] for q in context.captured_queries if '"governance_' in q["sql"]]
    kept = [
        sql
        for n, sql in enumerate(statements)
        if not (n and sql.startswith("INSERT") and sql[:80] == statements[n - 1][:80])
    ]
    return len(kept)


def test_importing_a_user_list_tells_governance_once_whatever_its_length(crm, api_client_for):
    client = api_client_for(user_with_role(STAFF))
    few = [PersonFactory(email=f"few{n}@example.com") for n in range(10)]
    many = [PersonFactory(email=f"many{n}@example.com") for n in range(100)]
    told = []
    spy = extensions.register_hook(
        access.ACCESS_GRANTED_HOOK,
        lambda system, accesses: told.append((system.pk, len(accesses))),
        name="test.spy",
    )
    try:
        with CaptureQueriesContext(connection) as ten:
            assert _import(client, few)["created"] == 10
        with CaptureQueriesContext(connection) as hundred:
            assert _import(client, many)["created"] == 100
    finally:
        extensions.unregister_hook(spy)

    # Each import told the hook once, with all its new users
    assert told == [(crm["system"].pk, 10), (crm["system"].pk, 100)]
    # Governance's work does not grow with the list
    assert _governance_queries(ten) == _governance_queries(hundred)
    # And every new user is asked to acknowledge and enrolled, as one by one
    everyone = sorted(p.pk for p in [*few, *many])
    asked = crm["campaign"].acknowledgements.filter(state=Acknowledgement.State.PENDING)
    assert sorted(asked.values_list("person_id", flat=True)) == everyone
    enrolled = Enrolment.objects.filter(course=crm["course"], status="assigned")
    assert sorted(enrolled.values_list("person_id", flat=True)) == everyone


def test_a_single_new_access_still_tells_the_hook_with_its_person(crm):
    row = AccessFactory(system=crm["system"], valid_from=timezone.localdate())

    access.access_saved(row)

    assert crm["campaign"].acknowledgements.filter(person=row.person).exists()
    assert Enrolment.objects.filter(course=crm["course"], person=row.person).exists()


@pytest.mark.parametrize("how", ["saved", "imported"])
def test_future_access_waits_for_its_first_day_for_both_enrolment_and_acknowledgement(
    crm, how, api_client_for
):
    today = timezone.localdate()
    first_day = today + timedelta(days=5)
    person = PersonFactory(email="later@example.com")
    if how == "saved":
        row = AccessFactory(system=crm["system"], person=person, valid_from=first_day)
        access.access_saved(row)
    else:
        client = api_client_for(user_with_role(STAFF))
        from django.core.files.uploadedfile import SimpleUploadedFile

        text = f"person,system,account,valid_from\nlater@example.com,CRM,later,{first_day}\n"
        file = SimpleUploadedFile("users.csv", text.encode(), content_type="text/csv")
        response = client.post(
            "/api/portfolio/access/import/", {"file": file, "dry_run": False}, format="multipart"
        )
        assert response.status_code == 200, response.content
        assert SystemAccess.objects.filter(person=person).exists()

    # Before the first day: neither enrolled nor asked
    assert not Enrolment.objects.filter(person=person).exists()
    assert not Acknowledgement.objects.filter(person=person).exists()
    # The daily rounds of the day before change nothing
    assignments.run_daily(first_day - timedelta(days=1))
    acknowledgements.run_daily(first_day - timedelta(days=1))
    assert not Enrolment.objects.filter(person=person).exists()
    assert not Acknowledgement.objects.filter(person=person).exists()

    # On the first day the daily rounds enrol and ask, both due from that day
    assignments.run_daily(first_day)
    acknowledgements.run_daily(first_day)
    enrolment = Enrolment.objects.get(person=person, course=crm["course"])
    assert enrolment.due_date == first_day + timedelta(days=assignments.SYSTEM_DUE_DAYS)
    ack = crm["campaign"].acknowledgements.get(person=person)
    assert (ack.state, ack.asked_on) == (Acknowledgement.State.PENDING, first_day)


def test_ended_access_neither_enrols_nor_asks(crm):
    today = timezone.localdate()
    row = AccessFactory(
        system=crm["system"],
        valid_from=today - timedelta(days=30),
        valid_until=today - timedelta(days=1),
    )

    access.access_saved(row)

    assert not Enrolment.objects.filter(person=row.person).exists()
    assert not Acknowledgement.objects.filter(person=row.person).exists()
