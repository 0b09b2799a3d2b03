"""Giving people an OpenMIS login and roles."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from openmis.org.models import Person, Role
from openmis.org.roles import ANALYST, DIRECTOR, LEADER
from openmis.org.tests.factories import PersonFactory, user_with_role

pytestmark = pytest.mark.django_db


def form(person, **changes):
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "department": person.department_id,
        "active": "on",
        "version": person.version,
    }
    return data | changes


def test_director_gives_a_person_a_login_with_roles(director_client, department):
    person = PersonFactory(department=department, email="ola@example.com")
    analyst = Role.objects.get(slug=ANALYST)
    response = director_client.post(
        f"/org/people/{person.pk}/edit/", form(person, username="ola", roles=[analyst.pk])
    )
    assert response.status_code == 302
    person.refresh_from_db()
    user = person.user
    assert (user.username, user.email, user.has_usable_password()) == (
        "ola",
        "ola@example.com",
        False,
    )
    assert list(user.groups.values_list("name", flat=True)) == ["Analyst"]
    page = director_client.get(f"/org/people/{person.pk}/").content.decode()
    assert "ola" in page and "Analyst" in page


def test_removing_the_login_deactivates_it(director_client, department):
    person = PersonFactory(department=department)
    director_client.post(f"/org/people/{person.pk}/edit/", form(person, username="x1"))
    person.refresh_from_db()
    director_client.post(f"/org/people/{person.pk}/edit/", form(person, username=""))
    user = get_user_model().objects.get(username="x1")
    assert (user.is_active, user.groups.count()) == (False, 0)


def test_login_name_must_be_free(director_client, department):
    person = PersonFactory(department=department)
    response = director_client.post(f"/org/people/{person.pk}/edit/", form(person, username="dir"))
    assert response.status_code == 400
    assert response.context["form"].errors == {"username": ["This login name is taken."]}


def test_a_leader_cannot_hand_out_logins_or_roles(department):
    leader = user_with_role(LEADER, department)
    client = Client()
    client.force_login(leader)
    person = PersonFactory(department=department)
    director_role = Role.objects.get(slug=DIRECTOR)
    assert "roles" not in client.get(f"/org/people/{person.pk}/edit/").context["form"].fields
    response = client.post(
        f"/org/people/{person.pk}/edit/",
        form(person, job_title="Lead", username="sneaky", roles=[director_role.pk]),
    )
    assert response.status_code == 302
    person = Person.objects.get(pk=person.pk)
    assert (person.job_title, person.user) == ("Lead", None)
    assert not get_user_model().objects.filter(username="sneaky").exists()
