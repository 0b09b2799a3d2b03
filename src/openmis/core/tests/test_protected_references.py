"""What still needs an object: read from the foreign keys that protect it, whoever owns them."""

from __future__ import annotations

import pytest

from openmis.core.services import protected_references
from openmis.org.tests.factories import DepartmentFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_an_object_nothing_points_to_has_no_protected_references():
    # Given a department with no people and no sub-departments
    department = DepartmentFactory()
    # When what still needs it is asked
    # Then nothing is named
    assert protected_references(department) == []


def test_protected_references_count_each_kind_of_record_pointing_to_the_object():
    # Given a department with a sub-department and two people
    department = DepartmentFactory()
    DepartmentFactory(parent=department)
    PersonFactory(department=department)
    PersonFactory(department=department)
    # When what still needs it is asked
    references = protected_references(department)
    # Then each kind is named by its plural with its count, in the order of the relations
    assert references == [("departments", 1), ("people", 2)]
