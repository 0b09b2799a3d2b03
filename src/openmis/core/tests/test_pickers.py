"""Pickers: the select every choice of a registered object renders, and the search behind it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from openmis.core import registry
from openmis.core.widgets import AUTOCOMPLETE_THRESHOLD, PickerSelect, PickerSelectMultiple
from openmis.org.models import Person
from openmis.org.roles import EMPLOYEE
from openmis.org.tests.factories import DepartmentFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db


def _options(html: str, name: str) -> list[tuple[str, str, bool]]:
    """``(value, text, selected)`` of the options of the select ``name`` in ``html``."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    return [
        (value, text, " selected" in attrs)
        for value, attrs, text in re.findall(
            r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', select.group(1)
        )
    ]


def _tag(html: str, name: str) -> str:
    """The opening tag of the select ``name``."""
    found = re.search(rf'<select[^>]*name="{name}"[^>]*>', html)
    assert found, name
    return found.group(0)


def _two_annas():
    finance, sales = DepartmentFactory(name="Finance"), DepartmentFactory(name="Sales")
    return (
        PersonFactory(first_name="Anna", last_name="Nowak", department=finance),
        PersonFactory(first_name="Anna", last_name="Nowak", department=sales),
    )


def test_a_person_choice_is_a_picker_with_the_department_beside_each_name(director_client):
    # Given two people of the same name in two departments (few people: all are sent)
    anna_finance, anna_sales = _two_annas()
    # When the form of a person is opened
    page = director_client.get("/org/people/add/").content.decode()
    # Then the manager is chosen in a picker searching the page's options
    assert 'data-picker=""' in _tag(page, "manager")
    # and each Anna carries her department as the option's second line
    hint = 'data-data="{{&quot;hint&quot;: &quot;{}&quot;}}"'
    assert f'value="{anna_finance.pk}" {hint.format("Finance")}' in page
    assert f'value="{anna_sales.pk}" {hint.format("Sales")}' in page
    # and the texts of the picker are there to show
    assert 'data-picker-none="No results"' in page
    assert 'data-picker-prompt="Type to search…"' in page


def test_the_picker_speaks_polish(director_client):
    director_client.cookies["django_language"] = "pl"
    page = director_client.get("/org/people/add/").content.decode()
    assert 'data-picker-prompt="Wpisz, aby wyszukać…"' in page
    assert 'data-picker-remove="Usuń"' in page
    with translation.override("pl"):
        assert f'data-picker-none="{gettext("No results")}"' in page
        assert f'data-picker-clear="{gettext("Clear")}"' in page


def _render(bound_field) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        html = str(bound_field)
    return html, len(queries)


def test_few_choices_render_in_one_query_with_their_hints():
    _two_annas()
    PersonFactory.create_batch(20)
    form = registry.get(Person).form()
    html, queries = _render(form["manager"])
    assert queries == 1
    assert html.count("<option") == Person.objects.count() + 1  # and the empty choice


def test_names_are_text_in_the_options():
    evil = PersonFactory(first_name="<img src=x", last_name="onerror=alert(1)>")
    html = str(registry.get(Person).form()["manager"])
    assert "<img" not in html
    assert f'value="{evil.pk}"' in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_bad_value_in_the_request_shows_no_name_and_no_error():
    PersonFactory.create_batch(AUTOCOMPLETE_THRESHOLD + 1)
    widget = PickerSelectMultiple()
    widget.choices = registry.get(Person).form().fields["manager"].choices
    html = widget.render("manager", ["abc", "999999"])
    assert "<option" not in html and "data-picker=" in html


def test_widgets_are_selects_of_the_right_kind():
    assert not PickerSelect.allow_multiple_selected
    assert PickerSelectMultiple.allow_multiple_selected


# --- the search behind the pickers ------------------------------------------------------------


def test_search_finds_people_by_part_of_their_name_with_their_department(director_client):
    _two_annas()
    PersonFactory(first_name="Annabel", last_name="Kowalska")
    response = director_client.get("/api/org/people/choices/", {"q": "anna now"})
    assert response.status_code == 200
    body = response.json()
    assert sorted((r["text"], r["hint"]) for r in body["results"]) == [
        ("Anna Nowak", "Finance"),
        ("Anna Nowak", "Sales"),
    ]
    assert body["more"] is False


def test_search_answers_at_most_twenty_and_says_there_are_more(director_client):
    PersonFactory.create_batch(25, last_name="Zielińska")
    body = director_client.get("/api/org/people/choices/", {"q": "zieli"}).json()
    assert len(body["results"]) == 20 and body["more"] is True


def test_search_costs_the_same_queries_for_five_or_twenty_matches(director_client):
    def queries_for(q):
        with CaptureQueriesContext(connection) as queries:
            assert director_client.get("/api/org/people/choices/", {"q": q}).status_code == 200
        return len(queries)

    PersonFactory.create_batch(5, last_name="Few")
    PersonFactory.create_batch(20, last_name="Many")
    queries_for("")  # the session and the user's permissions, loaded once
    assert queries_for("few") == queries_for("many")


def test_search_keeps_to_the_list_filters(director_client):
    anna_finance, _anna_sales = _two_annas()
    body = director_client.get(
        "/api/org/people/choices/", {"q": "anna", "department": anna_finance.department_id}
    ).json()
    assert [r["id"] for r in body["results"]] == [anna_finance.pk]
    bad = director_client.get("/api/org/people/choices/", {"department": "abc"})
    assert bad.status_code == 400 and "department" in bad.json()


def test_search_is_refused_to_those_who_may_not_see_the_type(client, api_client_for):
    nobody = user_with_role(None)
    assert api_client_for(nobody).get("/api/org/people/choices/").status_code == 403
    assert client.get("/api/org/people/choices/").status_code in (401, 403)
    employee = user_with_role(EMPLOYEE)
    assert api_client_for(employee).get("/api/org/people/choices/").status_code == 200
