"""Who uses which system: the import of a system's user list, who may read and change access
rows, the "Users" section of a system's page, users_of and the hook told of new access."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openmis.conftest import logged_in
from openmis.core import extensions
from openmis.org import roles
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role
from openmis.portfolio import access
from openmis.portfolio.models import SystemAccess
from openmis.portfolio.tests.factories import AccessFactory, SystemFactory

pytestmark = pytest.mark.django_db

CSV = "text/csv"


def _upload(client, text: str, dry_run: bool = False):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("users.csv", text.encode(), content_type=CSV)
    return client.post(
        "/api/portfolio/access/import/", {"file": file, "dry_run": dry_run}, format="multipart"
    )


@pytest.fixture
def granted():
    """The access rows the hook was told of, while the test runs."""
    told = []
    hook = extensions.register_hook(
        access.ACCESS_GRANTED_HOOK,
        lambda system, accesses: told.extend(a.pk for a in accesses),
        name="test.granted",
    )
    yield told
    extensions.unregister_hook(hook)


def test_import_creates_access_and_tells_the_hook(api_client_for, granted):
    # Given Salesforce and two people
    staff = user_with_role(roles.STAFF)
    system = SystemFactory(name="Salesforce")
    anna = PersonFactory(email="anna@example.com")
    jan = PersonFactory(email="jan@example.com")
    # When its user list is imported
    response = _upload(
        api_client_for(staff),
        "person,system,account,role_in_system,valid_from\n"
        "anna@example.com,Salesforce,anowak,admin,2026-02-01\n"
        "jan@example.com,Salesforce,jkowal,user,2026-03-01\n",
    )
    # Then both have access and the hook heard of each new row once
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2
    rows = SystemAccess.objects.order_by("account")
    assert [(a.person, a.system, a.account, a.valid_from) for a in rows] == [
        (anna, system, "anowak", date(2026, 2, 1)),
        (jan, system, "jkowal", date(2026, 3, 1)),
    ]
    assert sorted(granted) == sorted(a.pk for a in rows)
    # And importing the list again updates the rows without telling the hook again
    granted.clear()
    again = _upload(
        api_client_for(staff),
        "person,system,account,role_in_system,valid_from\n"
        "anna@example.com,Salesforce,anowak,read-only,2026-02-01\n",
    )
    assert again.json()["updated"] == 1
    assert SystemAccess.objects.get(person=anna).role_in_system == "read-only"
    assert granted == []


def test_import_with_unknown_people_or_systems_writes_nothing(api_client_for, granted):
    # Given one known person and system
    staff = user_with_role(roles.STAFF)
    SystemFactory(name="Salesforce")
    PersonFactory(email="anna@example.com")
    # When the list names a person and a system that do not exist beside a good row
    response = _upload(
        api_client_for(staff),
        "person,system,account,valid_from\n"
        "anna@example.com,Salesforce,anowak,2026-02-01\n"
        "ghost@example.com,Salesforce,ghost,2026-02-01\n"
        "anna@example.com,Nowhere,anowak2,2026-02-01\n",
    )
    # Then the errors name the row and column, and nothing was written (not even row 2)
    assert response.status_code == 400, response.content
    errors = {(e["row"], e["column"]) for e in response.json()["errors"]}
    assert errors == {(3, "person"), (4, "system")}
    assert SystemAccess.objects.count() == 0
    assert granted == []


def test_creating_access_through_the_api_tells_the_hook(api_client_for, granted):
    staff = user_with_role(roles.STAFF)
    person, system = PersonFactory(), SystemFactory()
    response = api_client_for(staff).post(
        "/api/portfolio/access/",
        {"person": person.pk, "system": system.pk, "valid_from": "2026-01-05"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert granted == [response.json()["id"]]


def test_access_ending_before_it_starts_is_refused(api_client_for):
    staff = user_with_role(roles.STAFF)
    response = api_client_for(staff).post(
        "/api/portfolio/access/",
        {
            "person": PersonFactory().pk,
            "system": SystemFactory().pk,
            "valid_from": "2026-02-01",
            "valid_until": "2026-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "valid_until" in response.json()
    assert SystemAccess.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "may_add"),
    [
        (roles.DIRECTOR, True),
        (roles.STAFF, True),
        (roles.LEADER, False),
        (roles.ANALYST, False),
        (roles.EMPLOYEE, False),
        (None, False),
    ],
)
def test_who_may_add_access(role, may_add, api_client_for):
    user = user_with_role(role)
    person, system = PersonFactory(), SystemFactory()
    response = api_client_for(user).post(
        "/api/portfolio/access/",
        {"person": person.pk, "system": system.pk, "valid_from": "2026-01-05"},
        format="json",
    )
    assert response.status_code == (201 if may_add else 403)
    assert SystemAccess.objects.count() == (1 if may_add else 0)


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        (roles.DIRECTOR, {"own-person", "own-system", "other"}),
        (roles.STAFF, {"own-person", "own-system", "other"}),
        (roles.ANALYST, {"own-person", "own-system", "other"}),
        # A department leader reads the access of their department's people and systems.
        (roles.LEADER, {"own-person", "own-system"}),
        (roles.EMPLOYEE, None),
        (None, None),
    ],
)
def test_who_reads_which_access(role, seen, api_client_for):
    # Given access of a Marketing person, to a Marketing system, and of strangers
    marketing, other = DepartmentFactory(), DepartmentFactory()
    user = user_with_role(role, department=marketing)
    AccessFactory(account="own-person", person=PersonFactory(department=marketing))
    AccessFactory(
        account="own-system",
        person=PersonFactory(department=other),
        system=SystemFactory(business_owner=marketing),
    )
    AccessFactory(
        account="other",
        person=PersonFactory(department=other),
        system=SystemFactory(business_owner=other),
    )
    response = api_client_for(user).get("/api/portfolio/access/")
    if seen is None:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert {r["account"] for r in response.json()["results"]} == seen


def test_users_of_gives_the_current_users_in_one_query():
    salesforce, erp, unused = SystemFactory(), SystemFactory(), SystemFactory()
    anna, jan, ewa = PersonFactory(), PersonFactory(), PersonFactory()
    AccessFactory(person=anna, system=salesforce, valid_from=date(2026, 1, 1))
    AccessFactory(person=jan, system=salesforce, valid_from=date(2026, 6, 1))  # later
    AccessFactory(
        person=ewa, system=erp, valid_from=date(2025, 1, 1), valid_until=date(2026, 3, 31)
    )
    with CaptureQueriesContext(connection) as queries:
        found = access.users_of([salesforce, erp.pk, unused], on=date(2026, 3, 31))
    assert len(queries) == 1
    assert found == {salesforce.pk: {anna.pk}, erp.pk: {ewa.pk}, unused.pk: set()}
    assert access.users_of([salesforce, erp], on=date(2026, 6, 1)) == {
        salesforce.pk: {anna.pk, jan.pk},
        erp.pk: set(),
    }


def test_the_system_page_lists_its_current_users():
    # Given a system with a current and a former user
    marketing = DepartmentFactory()
    system = SystemFactory(business_owner=marketing)
    AccessFactory(
        system=system,
        person=PersonFactory(last_name="Nowak"),
        account="anowak",
        valid_from=date(2025, 1, 1),
    )
    AccessFactory(
        system=system,
        person=PersonFactory(last_name="Gone"),
        account="formeruser",
        valid_from=date(2020, 1, 1),
        valid_until=date(2021, 1, 1),
    )
    # When MIS staff and an employee open its page
    staff_page = logged_in(user_with_role(roles.STAFF)).get(system.get_absolute_url())
    employee_page = logged_in(user_with_role(roles.EMPLOYEE)).get(system.get_absolute_url())
    # Then staff see the current user only; the employee does not see the section
    html = staff_page.content.decode()
    assert 'id="system-users"' in html
    assert "anowak" in html and "formeruser" not in html
    assert employee_page.status_code == 200
    assert 'id="system-users"' not in employee_page.content.decode()


def test_the_users_section_takes_the_same_queries_for_2_and_40_users():
    client = logged_in(user_with_role(roles.STAFF))
    counts = []
    for users in (2, 40):
        system = SystemFactory()
        for _n in range(users):
            AccessFactory(system=system, valid_from=date(2025, 1, 1))
        client.get(system.get_absolute_url())  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            page = client.get(system.get_absolute_url())
        assert page.status_code == 200
        assert f'id="system-users-count">{users}<' in page.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_demo_records_who_uses_the_running_systems():
    from openmis.org import demo as org_demo
    from openmis.portfolio import demo

    today = date(2026, 11, 25)
    org_demo.load()
    demo.load(today)
    salesforce = demo.systems()["Salesforce Sales Cloud"]
    users = access.users_of([salesforce], on=today)[salesforce.pk]
    # the Sales analyst uses Salesforce; proposed systems have no users yet
    analyst = PersonFactory._meta.model.objects.get(user__username="analyst")
    assert analyst.pk in users
    proposed = [s.pk for s in demo.systems().values() if s.lifecycle_stage == "proposed"]
    assert not SystemAccess.objects.filter(system_id__in=proposed).exists()
    # every running system has one former user, whose access ended before today
    running = SystemAccess.objects.filter(valid_until__isnull=False)
    assert all(a.valid_until < today and not a.is_current(today) for a in running)
