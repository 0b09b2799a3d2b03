"""What each built-in role may do with the organization's records, stated explicitly."""

import pytest
from django.test import Client

from openmis.core import permissions, registry
from openmis.org.models import Person, Role
from openmis.org.roles import ANALYST, DIRECTOR, EMPLOYEE, LEADER, STAFF
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db

EXPECTED = {
    # role: {model: actions allowed anywhere}
    DIRECTOR: {
        "department": "view add change delete",
        "person": "view add change delete",
        "role": "view add change delete",
    },
    STAFF: {"department": "view add change", "person": "view add change", "role": "view"},
    LEADER: {"department": "view", "person": "view add change", "role": ""},
    ANALYST: {"department": "view", "person": "view", "role": ""},
    EMPLOYEE: {"department": "view", "person": "view", "role": ""},
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_builtin_role_permissions(role):
    user = user_with_role(role)
    for model, allowed in EXPECTED[role].items():
        ot = registry.get(f"org.{model}")
        actual = {a for a in ("view", "add", "change", "delete") if permissions.can(user, ot, a)}
        assert actual == set(allowed.split()), model


def test_leader_writes_only_in_own_department_and_below():
    marketing = DepartmentFactory(name="Marketing")
    team = DepartmentFactory(name="Marketing team", parent=marketing)
    finance = DepartmentFactory(name="Finance")
    leader = user_with_role(LEADER, marketing)
    people = registry.get(Person)
    assert permissions.can(leader, people, "change", PersonFactory(department=team))
    assert not permissions.can(leader, people, "change", PersonFactory(department=finance))
    assert permissions.can(leader, people, "view", PersonFactory(department=finance))


def test_leader_form_offers_only_own_departments():
    marketing = DepartmentFactory(name="Marketing")
    DepartmentFactory(name="Finance")
    client = Client()
    client.force_login(user_with_role(LEADER, marketing))
    form = client.get("/org/people/add/").context["form"]
    assert [d.name for d in form.fields["department"].queryset] == ["Marketing"]


def test_director_edits_a_role_and_the_change_takes_effect(director_client):
    employee_role = Role.objects.get(slug=EMPLOYEE)
    user = user_with_role(EMPLOYEE)
    people = registry.get(Person)
    assert not permissions.can(user, people, "add")
    perms = list(employee_role.group.permissions.values_list("pk", flat=True))
    from django.contrib.auth.models import Permission

    add_person = Permission.objects.get(codename="add_person")
    data = {
        "name": "Employee",
        "scope": "department",
        "description": "Can also add colleagues.",
        "permissions": [*perms, add_person.pk],
        "version": employee_role.version,
    }
    response = director_client.post(f"/org/roles/{employee_role.pk}/edit/", data)
    assert response.status_code == 302
    user = type(user).objects.get(pk=user.pk)  # fresh permission caches
    assert permissions.can(user, people, "add")
    employee_role.refresh_from_db()
    assert employee_role.scope == "department"


def test_a_change_to_a_roles_permissions_is_seen_by_the_next_request():
    from django.contrib.auth.models import Permission

    # given an employee, whose permissions (no adding people) are cached by a first request
    client = Client()
    client.force_login(user_with_role(EMPLOYEE))
    assert client.get("/org/people/add/").status_code == 403
    # when the employee role is given the permission to add people
    Role.objects.get(slug=EMPLOYEE).group.permissions.add(
        Permission.objects.get(content_type__app_label="org", codename="add_person")
    )
    # then the employee's very next request may add a person
    assert client.get("/org/people/add/").status_code == 200


def test_a_change_to_a_roles_scope_is_seen_by_the_next_request():
    # given an MIS staff member of Marketing, who may edit a Finance person (scope: all)
    staff = user_with_role(STAFF, DepartmentFactory(name="Marketing"))
    accountant = PersonFactory(department=DepartmentFactory(name="Finance"))
    client = Client()
    client.force_login(staff)
    url = f"/org/people/{accountant.pk}/edit/"
    assert client.get(url).status_code == 200
    # when the role's write scope becomes the own department
    role = Role.objects.get(slug=STAFF)
    role.scope = Role.Scope.DEPARTMENT
    role.save()
    # then the next request may no longer edit the Finance person
    assert client.get(url).status_code == 403


def test_role_names_are_translated_for_builtin_roles():
    from django.utils import translation

    role = Role.objects.get(slug=LEADER)
    with translation.override("en"):
        assert role.name == "Department leader"
    with translation.override("pl"):
        assert role.name == "Kierownik działu"
    assert role.group.name == "Department leader"


# --- deleting a role ---------------------------------------------------------------------------


def _custom_role(name: str, scope: str, perms: list[str]) -> Role:
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name=name)
    for label in perms:
        app_label, codename = label.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return Role.objects.create(group=group, scope=scope)


def test_former_members_of_a_deleted_role_write_nowhere(
    director_client, department, api_client_for
):
    from django.contrib.auth.models import Group

    # given a custom role that lets its members edit people of their own department,
    # and a member of it in Marketing
    marketing = department
    finance = DepartmentFactory(name="Finance")
    role = _custom_role(
        "People editors", "department", ["org.view_person", "org.add_person", "org.change_person"]
    )
    member = user_with_role(None, marketing)
    member.groups.add(role.group)
    stranger = PersonFactory(department=finance, job_title="Accountant")
    colleague = PersonFactory(department=marketing, job_title="Writer")
    api = api_client_for(member)
    assert api.patch(f"/api/org/people/{colleague.pk}/", {"job_title": "Editor"}).status_code == 200
    assert api.patch(f"/api/org/people/{stranger.pk}/", {"job_title": "X"}).status_code == 403
    # when the MIS director deletes the role
    response = director_client.post(f"/org/roles/{role.pk}/delete/")
    assert response.status_code == 302
    # then its group is gone, and the former member creates and edits nothing anywhere
    assert not Group.objects.filter(name="People editors").exists()
    people = registry.get(Person)
    member = type(member).objects.get(pk=member.pk)
    for action in ("add", "change", "delete"):
        assert permissions.write_scope(member, people, action) is None
    api = api_client_for(member)
    for person in (stranger, colleague):
        response = api.patch(f"/api/org/people/{person.pk}/", {"job_title": "Hacked"})
        assert response.status_code == 403
    response = api.post(
        "/api/org/people/",
        {"first_name": "A", "last_name": "B", "email": "ab@example.com", "department": finance.pk},
    )
    assert response.status_code == 403
    client = Client()
    client.force_login(member)
    assert client.post(f"/org/people/{stranger.pk}/edit/", {"job_title": "Hacked"}).status_code in (
        403,
        404,
    )
    titles = Person.objects.filter(pk__in=[stranger.pk, colleague.pk]).values_list(
        "job_title", flat=True
    )
    assert sorted(titles) == ["Accountant", "Editor"]
    assert not Person.objects.filter(email="ab@example.com").exists()


def test_a_group_left_without_its_role_grants_nothing(department):
    from django.contrib.auth.models import Group, Permission

    # given a group holding permissions but no role (left behind by an older version)
    group = Group.objects.create(name="Leftover")
    group.permissions.add(Permission.objects.get(codename="change_person"))
    user = user_with_role(None, department)
    user.groups.add(group)
    # then its members get no write scope from it
    assert permissions.write_scope(user, registry.get(Person), "change") is None
    assert not permissions.has_perm(user, "org.change_person")


@pytest.mark.parametrize("slug", [DIRECTOR, STAFF, LEADER, ANALYST, EMPLOYEE])
def test_a_builtin_role_cannot_be_deleted_through_the_api(slug, director, api_client_for):
    # given a built-in role with a member
    role = Role.objects.get(slug=slug)
    before = (Role.objects.count(), role.group.user_set.count(), role.group.permissions.count())
    # when the MIS director deletes it through the API
    response = api_client_for(director).delete(f"/api/org/roles/{role.pk}/")
    # then it is refused with 409 naming why, and nothing changed
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"{role.name} is a built-in role and cannot be deleted; "
        "change its permissions instead."
    }
    role.refresh_from_db()
    assert (Role.objects.count(), role.group.user_set.count(), role.group.permissions.count()) == (
        before
    )


def test_a_builtin_role_cannot_be_deleted_on_its_page(director_client):
    role = Role.objects.get(slug=EMPLOYEE)
    # when the MIS director opens the delete page, it says why and offers no delete button
    page = director_client.get(f"/org/roles/{role.pk}/delete/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Employee is a built-in role and cannot be deleted" in html
    assert 'id="confirm-delete"' not in html
    # and a delete posted anyway is refused with the same message
    response = director_client.post(f"/org/roles/{role.pk}/delete/")
    assert response.status_code == 409
    assert "Employee is a built-in role and cannot be deleted" in response.content.decode()
    assert Role.objects.filter(slug=EMPLOYEE).exists()


def test_deleting_a_custom_role_through_the_api_removes_its_group(director, api_client_for):
    from django.contrib.auth.models import Group

    role = _custom_role("Auditors", "all", ["org.view_person"])
    response = api_client_for(director).delete(f"/api/org/roles/{role.pk}/")
    assert response.status_code == 204
    assert not Role.objects.filter(pk=role.pk).exists()
    assert not Group.objects.filter(name="Auditors").exists()
