"""Audiences in the database: who they reach, with a fixed number of queries; an audience
that reaches nobody is refused; who may read and write them; the audience's page."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openmis.conftest import logged_in
from openmis.governance import audience_members
from openmis.governance.models import Audience
from openmis.org import roles
from openmis.org.models import Role
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role
from openmis.portfolio.tests.factories import AccessFactory, SystemFactory

pytestmark = pytest.mark.django_db


def _organization(people: int):
    """Sales with Field sales below it, IT, a system and ``people`` people spread over them,
    some holding the analyst role, some using the system."""
    sales = DepartmentFactory(name="Sales")
    field = DepartmentFactory(name="Field sales", parent=sales)
    it = DepartmentFactory(name="IT")
    system = SystemFactory(name="CRM")
    analysts = Role.objects.get(slug=roles.ANALYST)
    departments = [sales, field, it]
    for n in range(people):
        if n % 5 == 0:
            user = user_with_role(roles.ANALYST, department=departments[n % 3])
            person = user.person
        else:
            person = PersonFactory(department=departments[n % 3])
        if n % 4 == 0:
            AccessFactory(person=person, system=system, valid_from=date(2025, 1, 1))
    return sales, it, system, analysts


def _audience(**spec):
    many = {
        k: spec.pop(k)
        for k in list(spec)
        if k in {"departments", "roles", "systems", "include_people", "exclude_people"}
    }
    audience = Audience.objects.create(name=f"A{Audience.objects.count()}", **spec)
    for name, values in many.items():
        getattr(audience, name).set(values)
    return audience


@pytest.mark.parametrize("people", [10, 200])
def test_resolving_takes_the_same_queries_at_10_and_200_people(people):
    sales, it, system, analysts = _organization(people)
    excluded = PersonFactory(department=it)
    audience = _audience(
        departments=[sales], roles=[analysts], systems=[system], exclude_people=[excluded]
    )
    with CaptureQueriesContext(connection) as queries:
        reached = audience_members.members(audience)
    # five many-to-many lists, the tree, the people, the role holders, the system's users
    assert len(queries) == 9
    expected = {
        p.pk
        for p in audience_members.Person.objects.filter(active=True)
        if p.department.name in {"Sales", "Field sales"}
        or p.system_access.filter(system=system).exists()
        or (p.user_id and p.user.groups.filter(role=analysts).exists())
    } - {excluded.pk}
    assert reached == expected


def test_each_choice_reaches_its_people():
    sales, _it, system, _analysts = _organization(15)
    leaving = PersonFactory(department=sales, active=False)
    everyone = set(audience_members.Person.objects.filter(active=True).values_list("pk", flat=True))
    assert audience_members.members(_audience(whole_organization=True)) == everyone
    sales_only = _audience(departments=[sales], sub_departments=False)
    assert audience_members.members(sales_only) == set(
        sales.people.filter(active=True).values_list("pk", flat=True)
    )
    assert leaving.pk not in audience_members.members(_audience(include_people=[leaving]))
    users = audience_members.members(_audience(systems=[system]))
    assert users == set(system.access.values_list("person_id", flat=True))


def test_an_audience_reaching_nobody_is_refused_by_the_form():
    # Given a department with nobody in it
    empty = DepartmentFactory()
    client = logged_in(user_with_role(roles.STAFF))
    # When an audience of it is saved
    response = client.post(
        "/governance/audiences/add/",
        {"name": "Nobody", "departments": [empty.pk], "sub_departments": "on"},
    )
    # Then it is refused, saying why, and nothing is saved
    assert response.status_code == 400
    assert "This audience reaches nobody" in response.content.decode()
    assert Audience.objects.count() == 0


def test_an_audience_reaching_nobody_is_refused_by_the_api(api_client_for):
    staff = user_with_role(roles.STAFF)
    person = PersonFactory()
    client = api_client_for(staff)
    response = client.post(
        "/api/governance/audiences/",
        {"name": "Nobody", "include_people": [person.pk], "exclude_people": [person.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert "This audience reaches nobody" in response.json()["non_field_errors"][0]
    assert Audience.objects.count() == 0
    # And a change that would empty an existing audience is refused as well
    audience = _audience(include_people=[person])
    response = client.patch(
        f"/api/governance/audiences/{audience.pk}/",
        {"exclude_people": [person.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert list(audience.exclude_people.all()) == []


def test_an_import_of_an_audience_reaching_nobody_writes_nothing(api_client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    staff = user_with_role(roles.STAFF)
    DepartmentFactory(name="Empty")
    file = SimpleUploadedFile(
        "audiences.csv",
        b"name,departments,whole_organization\nNobody,Empty,no\n",
        content_type="text/csv",
    )
    response = api_client_for(staff).post(
        "/api/governance/audiences/import/", {"file": file}, format="multipart"
    )
    assert response.status_code == 400
    assert [e["row"] for e in response.json()["errors"]] == [2]
    assert Audience.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "may_view", "may_add"),
    [
        (roles.DIRECTOR, True, True),
        (roles.STAFF, True, True),
        (roles.LEADER, True, False),
        (roles.ANALYST, True, False),
        (roles.EMPLOYEE, False, False),
        (None, False, False),
    ],
)
def test_who_may_read_and_write_audiences(role, may_view, may_add, api_client_for):
    PersonFactory()
    existing = _audience(whole_organization=True)
    client = api_client_for(user_with_role(role))
    listed = client.get("/api/governance/audiences/")
    assert listed.status_code == (200 if may_view else 403)
    created = client.post(
        "/api/governance/audiences/", {"name": "All", "whole_organization": True}, format="json"
    )
    assert created.status_code == (201 if may_add else 403)
    assert Audience.objects.count() == (2 if may_add else 1)
    changed = client.patch(
        f"/api/governance/audiences/{existing.pk}/", {"name": "Renamed"}, format="json"
    )
    assert changed.status_code == (200 if may_add else 403)
    existing.refresh_from_db()
    assert existing.name == ("Renamed" if may_add else "A0")


def test_the_audience_page_shows_the_count_and_the_people():
    sales = DepartmentFactory(name="Sales")
    anna = PersonFactory(department=sales, first_name="Anna", last_name="Nowak")
    PersonFactory(department=sales, first_name="Jan", last_name="Kowalski")
    audience = _audience(departments=[sales], exclude_people=[anna])
    page = logged_in(user_with_role(roles.STAFF)).get(audience.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "Reaches 1 person now" in html
    assert "Jan Kowalski" in html and "Anna Nowak" not in html.split('id="audience-members"')[1]


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_audience_page_takes_the_same_queries_at_10_and_200_people():
    client = logged_in(user_with_role(roles.STAFF))
    counts = []
    for people in (10, 200):
        sales = DepartmentFactory()
        for _n in range(people):
            PersonFactory(department=sales)
        audience = _audience(departments=[sales])
        client.get(audience.get_absolute_url())  # warm the session and caches
        counts.append(_page_queries(client, audience.get_absolute_url()))
    assert counts[0] == counts[1]


@pytest.fixture
def spread():
    """CRM (owned by IT) used by Anna of Sales and Jan of Finance; Ola of Sales and Piotr of
    Finance are analysts; the leader of Sales reads audiences."""
    sales, finance, it = (DepartmentFactory(name=n) for n in ("Sales", "Finance", "IT"))
    crm = SystemFactory(name="CRM", business_owner=it)
    anna = PersonFactory(department=sales, first_name="Anna", last_name="Nowak")
    jan = PersonFactory(department=finance, first_name="Jan", last_name="Kowalski")
    for person in (anna, jan):
        AccessFactory(person=person, system=crm, valid_from=date(2025, 1, 1))
    ola = user_with_role(roles.ANALYST, sales, first_name="Ola").person
    piotr = user_with_role(roles.ANALYST, finance, first_name="Piotr").person
    Person = type(anna)
    Person.objects.filter(pk=ola.pk).update(first_name="Ola", last_name="Wiśniewska")
    Person.objects.filter(pk=piotr.pk).update(first_name="Piotr", last_name="Zieliński")
    leader = user_with_role(roles.LEADER, sales)
    return {"crm": crm, "leader": leader, "sales": sales}


def _members_section(client, audience) -> str:
    page = client.get(audience.get_absolute_url())
    assert page.status_code == 200
    return page.content.decode().split('id="audience-members"')[1]


@pytest.mark.parametrize("reach", ["systems", "roles"])
def test_a_leader_sees_only_the_members_whose_access_or_role_they_may_see(spread, reach):
    # Given an audience of CRM's users, or of the analysts, in Sales and Finance
    if reach == "systems":
        audience = _audience(systems=[spread["crm"]])
        mine, theirs = "Anna Nowak", "Jan Kowalski"
    else:
        audience = _audience(roles=[Role.objects.get(slug=roles.ANALYST)])
        mine, theirs = "Ola Wiśniewska", "Piotr Zieliński"
    # When the leader of Sales (who may not see Finance's access to IT's system, nor who in
    # Finance is an analyst) opens it
    html = _members_section(logged_in(spread["leader"]), audience)
    # Then they see the one of their department, counted alone, and nothing of the other
    assert mine in html and theirs not in html
    assert "Reaches 1 person now" in html
    assert "more" not in html.split("</table>")[1]
    assert "Only the people whose use of systems or roles you may see" in html
    # And the MIS office sees both
    full = _members_section(logged_in(user_with_role(roles.STAFF)), audience)
    assert mine in full and theirs in full and "Reaches 2 people now" in full
    assert "Only the people whose" not in full


def test_a_leader_sees_a_whole_department_audience_in_full(spread):
    # Department membership is no secret: an audience of Finance reaches Jan for everyone
    finance = type(spread["sales"]).objects.get(name="Finance")
    audience = _audience(departments=[finance])
    html = _members_section(logged_in(spread["leader"]), audience)
    assert "Jan Kowalski" in html and "Reaches 2 people now" in html
    assert "Only the people whose" not in html


def test_a_leaders_audience_page_takes_the_same_queries_at_10_and_200_people():
    home = DepartmentFactory()
    leader = user_with_role(roles.LEADER, home)
    client = logged_in(leader)
    analysts = Role.objects.get(slug=roles.ANALYST)
    counts = []
    for people in (10, 200):
        system = SystemFactory()
        for n in range(people):
            person = PersonFactory(department=home if n % 2 else DepartmentFactory())
            AccessFactory(person=person, system=system, valid_from=date(2025, 1, 1))
        audience = _audience(systems=[system], roles=[analysts])
        client.get(audience.get_absolute_url())  # warm the session and caches
        counts.append(_page_queries(client, audience.get_absolute_url()))
    assert counts[0] == counts[1]
