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


def test_role_names_are_translated_for_builtin_roles():
    from django.utils import translation

    role = Role.objects.get(slug=LEADER)
    with translation.override("en"):
        assert role.name == "Department leader"
    with translation.override("pl"):
        assert role.name == "Kierownik działu"
    assert role.group.name == "Department leader"
