"""Behaviour of the generic pages that a user relies on beyond allow/deny."""

import pytest
from auditlog.models import LogEntry
from django.test import Client

from openmis.core import registry
from openmis.org.models import Department, Person
from openmis.org.roles import EMPLOYEE
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db


def person_form(person, **changes):
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "job_title": person.job_title,
        "department": person.department_id,
        "active": "on",
        "version": person.version,
    }
    return data | changes


def test_a_stale_edit_is_refused_with_409_and_nothing_overwritten(director_client, department):
    person = PersonFactory(department=department, job_title="Analyst")
    stale = person_form(person, job_title="Mine")
    # someone else saves first
    assert (
        director_client.post(
            f"/org/people/{person.pk}/edit/", person_form(person, job_title="Theirs")
        ).status_code
        == 302
    )
    response = director_client.post(f"/org/people/{person.pk}/edit/", stale)
    person.refresh_from_db()
    assert response.status_code == 409
    assert "Someone else changed this object" in response.content.decode()
    assert (person.job_title, person.version) == ("Theirs", 2)


def test_edit_shows_field_errors_and_saves_nothing(director_client, department):
    person = PersonFactory(department=department)
    response = director_client.post(
        f"/org/people/{person.pk}/edit/", person_form(person, email="nope")
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}
    person.refresh_from_db()
    assert person.version == 1


def test_department_cannot_be_inside_itself(director_client):
    parent = DepartmentFactory(name="Parent")
    child = DepartmentFactory(name="Child", parent=parent)
    data = {"name": "Parent", "parent": child.pk, "version": parent.version}
    response = director_client.post(f"/org/departments/{parent.pk}/edit/", data)
    assert response.status_code == 400
    assert response.context["form"].errors["parent"] == [
        "A department cannot be inside itself or its sub-departments."
    ]
    parent.refresh_from_db()
    assert parent.parent is None


def test_deleting_a_department_with_people_lists_them_and_deletes_nothing(director_client):
    dept = DepartmentFactory(name="Sales")
    PersonFactory(department=dept, first_name="Ola", last_name="Nowak")
    response = director_client.post(f"/org/departments/{dept.pk}/delete/")
    assert response.status_code == 409
    assert [str(o) for o in response.context["blocking"]] == ["Ola Nowak"]
    assert Department.objects.filter(pk=dept.pk).exists()


def test_htmx_filter_returns_only_the_results_fragment(director_client, department):
    PersonFactory(department=department, last_name="Zielińska")
    PersonFactory(department=DepartmentFactory(), last_name="Other")
    response = director_client.get(
        "/org/people/?q=zieli", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-results"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "Zielińska" in body and "Other" not in body


def test_list_filters_sort_and_paginate(director_client, department):
    sales = DepartmentFactory(name="Sales")
    for i in range(60):
        PersonFactory(department=sales, last_name=f"L{i:02d}")
    response = director_client.get(f"/org/people/?department={sales.pk}&sort=-last_name")
    table = response.context["table"]
    rows = list(table.rows)
    assert table.paginator.count == 60
    assert [row[0][0] for row in rows[:2]] == ["L59", "L58"]
    assert len(rows) == 50
    assert [c.direction for c in table.columns if c.name == "last_name"] == ["desc"]
    assert (
        "L09" in director_client.get(table.next_url.replace("?", "/org/people/?")).content.decode()
    )


def test_invalid_filter_value_shows_an_error_not_a_500(director_client):
    response = director_client.get("/org/people/?department=abc")
    assert response.status_code == 200
    assert response.context["filterset"].errors["department"]


def test_global_search_finds_people_and_departments(director_client):
    dept = DepartmentFactory(name="Kontrola jakości")
    PersonFactory(department=dept, first_name="Ewa", last_name="Jakubowska")
    response = director_client.get("/search/?q=jaku")
    found = {
        str(g["type"].verbose_name_plural): [str(o) for o in g["objects"]]
        for g in response.context["groups"]
    }
    assert found == {"People": ["Ewa Jakubowska"]}
    response = director_client.get("/search/?q=jakości")
    assert [str(o) for g in response.context["groups"] for o in g["objects"]] == [
        "Kontrola jakości"
    ]


def test_search_hides_types_the_user_may_not_see(department):
    user = user_with_role(None, department)
    client = Client()
    client.force_login(user)
    response = client.get("/search/?q=Marketing")
    assert response.context["groups"] == []


def test_history_and_change_log_show_who_changed_which_field(director, director_client, department):
    person = PersonFactory(department=department, job_title="Analyst")
    director_client.post(f"/org/people/{person.pk}/edit/", person_form(person, job_title="Lead"))
    entry = LogEntry.objects.get_for_object(person).get(action=LogEntry.Action.UPDATE)
    assert (entry.actor, entry.changes_dict) == (director, {"job_title": ["Analyst", "Lead"]})
    page = director_client.get(f"/org/people/{person.pk}/").content.decode()
    assert "Analyst" in page and "Lead" in page
    ct = entry.content_type_id
    response = director_client.get(f"/changelog/?actor={director.pk}&content_type={ct}&action=1")
    shown = list(response.context["page"].object_list)
    assert [e.record for e in shown] == [entry]
    assert [(c.label, c.old, c.new) for c in shown[0].changes] == [("Job title", "Analyst", "Lead")]


def test_change_log_is_closed_to_employees(department):
    client = Client()
    client.force_login(user_with_role(EMPLOYEE, department))
    assert client.get("/changelog/").status_code == 403


def test_cockpit_shows_real_headcounts(director_client):
    sales = DepartmentFactory(name="Sales")
    for _ in range(3):
        PersonFactory(department=sales)
    PersonFactory(department=sales, active=False)
    response = director_client.get("/")
    counts = {d["name"]: d["headcount"] for d in response.context["departments"]}
    assert counts["Sales"] == 3
    assert response.context["headcount"] == sum(counts.values())


def test_friendly_403_page(department):
    client = Client()
    client.force_login(user_with_role(EMPLOYEE, department))
    response = client.get("/org/people/add/")
    assert response.status_code == 403
    assert "ask the MIS director" in response.content.decode()


def test_import_preview_then_confirm_writes_rows(director_client, department):
    import io

    upload = io.BytesIO(
        b"first_name,last_name,email,department\nOla,Nowak,ola@example.com,Marketing\n"
    )
    upload.name = "people.csv"
    people = registry.get(Person)
    response = director_client.post(people.url("import"), {"file": upload})
    assert (
        response.context["report"].created,
        Person.objects.filter(email="ola@example.com").count(),
    ) == (1, 0)
    response = director_client.post(people.url("import"), {"token": response.context["token"]})
    assert response.status_code == 302
    assert Person.objects.filter(email="ola@example.com").count() == 1
    # the same token cannot be replayed
    response = director_client.post(people.url("import"), {"token": "used-or-forged"})
    assert response.status_code == 302 and response["Location"] == people.url("import")


def test_cached_list_shows_every_change_at_once(
    director_client, department, api_client_for, director
):
    person = PersonFactory(department=department, job_title="Analyst", last_name="Zając")
    url = "/org/people/?q=Zając"
    assert "Analyst" in director_client.get(url).content.decode()
    assert "Analyst" in director_client.get(url).content.decode()  # served from the cache
    # a change through the UI
    director_client.post(f"/org/people/{person.pk}/edit/", person_form(person, job_title="Lead"))
    assert "Lead" in director_client.get(url).content.decode()
    # a change through the API
    person.refresh_from_db()
    api_client_for(director).patch(
        f"/api/org/people/{person.pk}/", {"job_title": "Head"}, format="json"
    )
    assert "Head" in director_client.get(url).content.decode()
    # a change of a related object shown in the list
    department.name = "Brand"
    department.save()
    assert "Brand" in director_client.get(url).content.decode()
    # a deletion
    person.delete()
    assert "Nothing matches these filters." in director_client.get(url).content.decode()


def test_cached_list_is_per_language(director_client, department):
    PersonFactory(department=department, active=True)
    english = director_client.get("/org/people/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    director_client.cookies["django_language"] = "pl"
    polish = director_client.get("/org/people/").content.decode()
    assert "results" in english
    assert "wynik" in polish
