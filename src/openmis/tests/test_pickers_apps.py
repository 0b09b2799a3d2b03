"""Pickers on the forms of the apps: a system's departments, many of them (see
:mod:`openmis.core.widgets`)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openmis.core import registry
from openmis.core.widgets import AUTOCOMPLETE_THRESHOLD
from openmis.org.tests.factories import DepartmentFactory
from openmis.portfolio.models import System
from openmis.portfolio.tests.factories import SystemFactory

pytestmark = pytest.mark.django_db


def _tag(html: str, name: str) -> str:
    """The opening tag of the select ``name``."""
    found = re.search(rf'<select[^>]*name="{name}"[^>]*>', html)
    assert found, name
    return found.group(0)


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


def test_status_lists_stay_plain_selects(director_client):
    page = director_client.get("/portfolio/systems/add/").content.decode()
    assert "data-picker" not in _tag(page, "kind")
    assert "data-picker" in _tag(page, "business_owner")
    served = _tag(page, "departments_served")
    assert "data-picker" in served and " multiple" in served


def _system_form_with(departments_served: int):
    many = [DepartmentFactory() for _ in range(AUTOCOMPLETE_THRESHOLD + 1)]
    system = SystemFactory(business_owner=many[0])
    system.departments_served.set(many[:departments_served])
    form = registry.get(System).form(instance=system)
    return system, form


def _render(bound_field) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        html = str(bound_field)
    return html, len(queries)


def test_many_choices_send_only_the_chosen_ones_with_their_names():
    # Given more departments than a page should carry, and a system serving three of them
    system, form = _system_form_with(3)
    html, _queries = _render(form["departments_served"])
    # Then the select asks the departments' API and holds the three, chosen, by name
    assert 'data-picker="/api/org/departments/choices/?q="' in html
    served = system.departments_served.all()
    assert sorted(_options(html, "departments_served")) == sorted(
        (str(d.pk), d.name, True) for d in served
    )
    # and a single choice keeps its one value, with an empty choice to clear it
    owner = _options(str(form["business_owner"]), "business_owner")
    assert owner == [
        ("", "---------", False),
        (str(system.business_owner_id), system.business_owner.name, True),
    ]


def test_rendering_a_picker_costs_the_same_queries_for_two_or_ten_values():
    _system, few = _system_form_with(2)
    _html, few_queries = _render(few["departments_served"])
    _system, many = _system_form_with(10)
    html, many_queries = _render(many["departments_served"])
    assert len([o for o in _options(html, "departments_served") if o[2]]) == 10
    assert few_queries == many_queries <= 2
