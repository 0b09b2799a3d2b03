"""Importing systems: the departments a system serves, named in one many-to-many column."""

import csv
import io

from openmis.core import registry
from openmis.core.imports import export_csv, run_import
from openmis.core.tests.test_imports import errors
from openmis.portfolio.models import System
from openmis.portfolio.tests.factories import SystemFactory


def test_an_unknown_name_in_a_many_to_many_column_is_an_error(director, department):
    # Given a system serving Marketing, exported as a CSV
    systems = registry.get(System)
    system = SystemFactory(business_owner=department)
    system.departments_served.add(department)
    rows = list(csv.reader(io.StringIO("".join(export_csv(systems, System.objects.all())))))
    # When the file names a department that does not exist beside Marketing
    rows[1][rows[0].index("departments_served")] = "Marketing;Nowhere"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    report = run_import(systems, "systems.csv", buffer.getvalue().encode(), director, False)
    # Then the row is refused naming the value (it was left out silently before)
    assert errors(report) == [(2, "departments_served", "No department with name “Nowhere”.")]
    assert list(system.departments_served.all()) == [department]
